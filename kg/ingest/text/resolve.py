"""Stage 3, resolve: mentions → article entities (one per thing), with canonical names.

- countries by ISO code (names, short forms, adjectives, capitals as governments);
- organisations by the gazetteer's canonical name, else the name as written (with an
  acronym defined in parentheses recorded as alias); "the UK government" → "Government
  of the United Kingdom";
- people by full name: a surname-only ("Donelan said") or title-only ("President Yoon")
  mention resolves to the full name given earlier in the article (or in the gazetteer);
- agreements: named ones by name, "a/an/new X" starts a new one, "the X" refers back to
  the latest top-level agreement of that kind; a named agreement absorbs the unnamed
  ones of the same kind introduced before it ("signed a deal ... The UK-Korea Science Deal");
- money → funding (one per distinct amount and currency), venues, events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...resolve import normalise_name
from .gazetteer import gazetteer
from .recognise import AGREEMENT_HEADS, Mention
from .segment import ArticleText

__all__ = ["Entity", "Ref", "Resolved", "resolve"]


@dataclass
class Entity:
    kind: str  # country | org | person | agreement | funding | place | event
    key: str
    label: str
    aliases: set[str] = field(default_factory=set)
    data: dict = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)

    def seen(self, sent: int) -> None:
        if sent not in self.sentences:
            self.sentences.append(sent)


@dataclass
class Ref:
    """A resolved mention: the span and the entity it stands for."""

    mention: Mention
    key: str

    @property
    def kind(self) -> str:
        return self.mention.kind

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@dataclass
class Resolved:
    article: ArticleText
    entities: dict[str, Entity] = field(default_factory=dict)
    sentences: list[list[Ref]] = field(default_factory=list)
    others: list[list[Mention]] = field(default_factory=list)  # dates, topics, anaphors: used by relate

    def refs(self, sent: int, *kinds: str) -> list[Ref]:
        return [r for r in self.sentences[sent] if not kinds or self.entities[r.key].kind in kinds]

    def entity(self, ref: Ref) -> Entity:
        return self.entities[ref.key]


_PLACE_ORG_PREPS = ("at",)
#: a portfolio being named: "minister of education, culture, sports, science and ...", "secretary of state for ..."
_PORTFOLIO = re.compile(r"\b(?:minister|ministers|secretary(?: of state)?|ministry|department|commissioner|director)\s+(?:of|for)\s+(?:[a-z-]+,?\s+(?:and\s+)?){0,6}$", re.I)
_BARE_ORG_HEADS = {"University", "Institute", "Ministry", "Department", "Agency", "Council", "Commission", "Office", "Centre", "Center", "Society", "Academy", "Foundation"}
_AFTER_PLACE = {
    "and", "or", "on", "in", "at", "to", "for", "with", "by", "from", "of", "which", "that", "where", "when", "the", "a",
    "this", "last", "next", "earlier", "later", "during", "after", "before", "as", "while", "near", "is", "was", "were",
    "are", "has", "had", "will", "would", "said", "says", "until", "since", "into", "over", "under", "about", "between",
}
_THE = re.compile(r"^(?:the|The)\s+")
#: groups of states whose members are well known and stable
_GROUPS = {
    "Arctic": ("CAN", "DNK", "FIN", "ISL", "NOR", "RUS", "SWE", "USA"),
    "Quad": ("AUS", "IND", "JPN", "USA"),
    "AUKUS": ("AUS", "GBR", "USA"),
    "G7": ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"),
    "Nordic": ("DNK", "FIN", "ISL", "NOR", "SWE"),
    "Baltic": ("EST", "LVA", "LTU"),
    "Five Eyes": ("AUS", "CAN", "NZL", "GBR", "USA"),
    "Benelux": ("BEL", "NLD", "LUX"),
}
_GROUPS["Group of Seven"] = _GROUPS["G7"]
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_GROUP_STATES = re.compile(
    r"\b(?:(?:all|the|its|their)\s+)*(?:(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
    r"(?<![\w-])(?P<group>Arctic|Quad|AUKUS|G-?7|Group of Seven|Nordic|Baltic|Five Eyes|Benelux)\s+"
    r"(?:(?:member|partner)\s+)?(?P<noun>states|countries|nations|members|partners|governments|leaders|allies)\b"
)
#: continents and regions of the world: where things happen, never a venue of an agreement or event
_WORLD_REGIONS = {
    "Europe", "Asia", "Africa", "Americas", "North America", "South America", "Latin America", "Central America",
    "Oceania", "Indo-Pacific", "Asia-Pacific", "Asia Pacific", "Southeast Asia", "South-East Asia", "South Asia",
    "East Asia", "Central Asia", "Middle East", "Sub-Saharan Africa", "West Africa", "East Africa", "North Africa",
    "Southern Africa", "Western Europe", "Eastern Europe", "Northern Europe", "Southern Europe", "Caribbean",
    "Global South", "Pacific", "Asia and the Pacific",
}
#: nouns a capitalised name modifies after "in": "in Horizon Europe consortia", "in CERN experiments"
_MODIFIED_NOUNS = {
    "consortia", "consortium", "project", "programme", "program", "call", "research", "funding", "mission", "framework",
    "scheme", "budget", "science", "technology", "policy", "law", "market", "sector", "industry", "space", "region",
    "participation", "association", "membership", "cooperation", "collaboration", "talks", "negotiations", "work",
}
#: words ending in -s after a place that are verbs or adverbs, not plural nouns: "in Geneva hosts", "in Bern was"
_S_VERBS = {
    "is", "was", "has", "says", "does", "goes", "hosts", "holds", "leads", "plans", "makes", "takes", "gives", "brings",
    "signs", "joins", "wants", "needs", "remains", "becomes", "opens", "runs", "houses", "always", "towards", "as", "this",
    "its", "plus", "across", "sets", "adds", "marks", "helps", "shows", "keeps", "includes", "covers", "launches",
}


def _modifies(word: str) -> bool:
    """Whether a lower-case word after "in <Name>" makes the name a modifier rather than a place: a noun of
    programmes and institutions, or a plural noun ("in European projects"); not a verb ("in Ahmedabad built")."""
    if word in _AFTER_PLACE or word in _S_VERBS:
        return False
    return word in _MODIFIED_NOUNS or (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")))


def _government_label(code: str) -> str:
    c = gazetteer().countries.by_code[code]
    label = c.label
    if label.startswith(("United ", "Republic ", "Netherlands", "Philippines", "Czech", "Russian", "Democratic", "People")):
        label = "the " + label
    return f"Government of {label}"


class _Resolver:
    def __init__(self, article: ArticleText, mentions: list[list[Mention]]):
        self.a = article
        self.mentions = mentions
        self.g = gazetteer()
        self.out = Resolved(article)
        self.acronyms: dict[str, str] = {}  # acronym → full name (defined in this article)
        self.last_government: str | None = None
        self.agreement_order: list[str] = []
        self.groups: list[str] = []  # plural agreement mentions whose members follow
        self.ag_aliases: dict[str, str] = {}  # acronym modifier → unnamed agreement ("AUKUS security partnership")

    # --- entities ----------------------------------------------------------------------
    def entity(self, kind: str, key: str, label: str, sent: int, **data) -> Entity:
        e = self.out.entities.get(key)
        if e is None:
            e = Entity(kind, key, label, data=dict(data))
            self.out.entities[key] = e
        else:
            for k, v in data.items():
                if v is not None and e.data.get(k) is None:
                    e.data[k] = v
        e.seen(sent)
        return e

    def country(self, code: str, surface: str, sent: int) -> str:
        c = self.g.countries.by_code[code]
        e = self.entity("country", f"country:{code}", c.label, sent, code=code)
        surface = _THE.sub("", surface)
        if normalise_name(surface) != normalise_name(c.label):
            e.aliases.add(surface)
        return e.key

    def org(self, name: str, sent: int, *, kind: str = "organisation", country: str | None = None, acronym: str | None = None, surface: str | None = None) -> str:
        entry = self.g.org(name)
        if entry is not None:
            name, kind, country, acronym = entry.name, entry.kind, entry.country or country, entry.acronym or acronym
        key = f"org:{normalise_name(name)}"
        e = self.entity("org", key, name, sent, orgkind=kind, country=country, acronym=acronym)
        if surface and normalise_name(_THE.sub("", surface)) != normalise_name(name):
            e.aliases.add(_THE.sub("", surface))
        if acronym:
            e.aliases.add(acronym)
        return key

    # --- the pass over sentences ------------------------------------------------------------
    def run(self) -> Resolved:
        for ms in self.mentions:
            for m in ms:
                if m.kind == "acronym":
                    self.acronyms[m.data["acronym"]] = m.data["full"]
        self.known_people: dict[str, str] = {}  # token → person key
        for i, ms in enumerate(self.mentions):
            self.out.sentences.append(self.sentence(i, ms))
        return self.out

    def sentence(self, i: int, ms: list[Mention]) -> list[Ref]:
        refs: list[Ref] = []
        others: list[Mention] = []
        text = self.a.sentences[i].text
        orgs = [m for m in ms if m.kind == "org"]
        countries = [m for m in ms if m.kind == "country"]
        people = [m for m in ms if m.kind == "person"]
        ags = [m for m in ms if m.kind == "agreement"]
        places = [m for m in ms if m.kind == "place"]
        taken: list[Mention] = []

        def free(m: Mention) -> bool:
            return not any(m.overlaps(t) for t in taken)

        # places first: "at the Royal Society" is a venue, "in Beijing" a location not a government
        for p in places:
            if p.text in self.g.venues:
                p.data["known"] = True
        places.sort(key=lambda p: (not (p.data.get("known") or p.data.get("facility")), -(p.end - p.start), p.start))
        for p in places:
            if any(p.overlaps(t) for t in taken):
                continue
            if p.text in _BARE_ORG_HEADS:
                continue  # "at the University of ...": the body's head word, not a place
            if re.search(r"\b(?:Summit|Conference|Forum|Meeting|Congress|Session|Dialogue|Games)$", p.text):
                continue  # "unveiled at the World Climate Action Summit": an event, not a place
            over_org = [o for o in orgs if o.overlaps(p)]
            over_c = [c for c in countries if c.overlaps(p)]
            over_ag = [a for a in ags if a.overlaps(p)]
            over_person = [x for x in people if x.overlaps(p)]
            if over_ag or over_person:
                continue
            city = False
            if over_org:
                entry = over_org[0].data["entry"] if len(over_org) == 1 else None
                city = bool(p.data["prep"] in ("in", "at") and entry and p.text in entry.aliases and p.text == over_org[0].text and " " not in p.text)
                if p.data["prep"] in _PLACE_ORG_PREPS and entry and entry.kind in ("organisation", "university"):
                    orgs.remove(over_org[0])
                elif city:
                    orgs.remove(over_org[0])  # "signed in Brussels": the city, not the EU it stands for elsewhere
                else:
                    continue
            if over_c:
                c = over_c[0]
                if p.data.get("known") and re.search(r"\b(?:at|in|to|from|outside|inside|into|near)\s+(?:the\s+)?$", text[: min(p.start, c.start)]):
                    countries.remove(c)  # "at the White House": the building, not the government it stands for
                elif c.data["how"] == "capital" and p.text == c.text:
                    countries.remove(c)
                elif len(p.text) > len(_THE.sub("", c.text)) and p.start <= c.start and not p.text.endswith(c.text):
                    pass  # "Western Australia": a region, keep both
                elif len(p.text) > len(_THE.sub("", c.text)) and p.text.endswith(c.text) and p.text.split()[0] in ("Western", "Eastern", "Northern", "Southern", "Central"):
                    countries.remove(c)
                else:
                    continue
            if p.text in self.g.country_surfaces and self.g.country_surfaces[p.text][1] != "capital":
                continue
            if self.g.org(p.text) is not None and p.data["prep"] not in _PLACE_ORG_PREPS and not city:
                continue
            label = p.data.get("label") or p.text
            if _THE.sub("", label) in _WORLD_REGIONS:
                continue  # "across Europe", "in the Indo-Pacific": a region of the world, no venue
            if not re.search(r"[a-zà-ÿ]", label):
                continue  # an acronym: a body, not a place
            nxt = re.match(r"\s+([a-z][\w-]*)", text[p.end :])
            if nxt and _modifies(nxt.group(1)) and not (p.data.get("known") or p.data.get("facility")):
                continue  # "in Horizon Europe consortia", "in European projects": a modifier, not a place
            e = self.entity("place", f"place:{normalise_name(label)}", label, i)
            if label != p.text:
                e.aliases.add(p.text)
            refs.append(Ref(p, e.key))
            taken.append(p)
        # organisations from the gazetteer
        defined = [(m.start, m.start + len(m.data["full"])) for m in ms if m.kind == "acronym"]
        for m in orgs:
            if not free(m):
                continue
            if " " not in m.text and not m.text.isupper() and any(a <= m.start and m.end <= b and (m.start, m.end) != (a, b) for a, b in defined):
                continue  # "Commission" inside "the Space and Upper Atmosphere Research Commission (SUPARCO)"
            entry = m.data["entry"]
            owner = self._possessive_country(text, m.start) if entry.country else None
            if owner is not None and owner != entry.country:
                continue  # "Chile's Congress" is not the United States Congress
            if re.search(r"\bthe\s+$", text[: m.start]) and re.match(r"\s+(?:[a-z]+\s+){1,4}(?:programme|program)\b", text[m.end :]):
                continue  # "the Euratom research and training programme": the name of a programme, not the body
            organ = re.match(r"\s+(?P<o>Council|Secretariat|Bureau|Executive Board|Board of Governors|Governing Board|General Assembly)\b", text[m.end :])
            if organ and entry.kind == "international" and entry.name != "United Nations":
                # "the CERN Council", "the IPCC Bureau": the body's organ is a body of its own
                name = f"{m.text} {organ.group('o')}"
                organ_m = Mention("org", m.start, m.end + organ.end(), name, i, {"entry": None})
                refs.append(Ref(organ_m, self.org(name, i, kind="international", country=entry.country)))
                taken.append(organ_m)
                continue
            refs.append(Ref(m, self.org(entry.name, i, surface=m.text)))
            taken.append(m)
        # acronyms defined here for bodies the gazetteer does not know: "Advanced ... Accelerator (ASCA)"
        for m in ms:
            if m.kind == "acronym" and free(m):
                full = m.data["full"]
                if AGREEMENT_HEADS.get(full.split()[-1].lower()) or any(a.overlaps(m) for a in ags):
                    continue
                # (not recognise.ORG_HEADS: with "Federation", "Association" ... a defined name that swallowed
                # a coordinated one, "Siemens Energy and the German Federation of Industries (BDI)", became one body)
                if re.search(r"\b(?:Ministry|Department|Agency|Office|Council|Commission|Committee|Institute|Foundation|University|Organi[sz]ation|Administration|Authority|Centre|Center|Academy|Society|Secretariat|Corporation|Accelerator|Observatory|Force|Board|Services?|Laboratory|Bank|Platform|Panel|Network|Fund|Consortium)\b", full) or (
                    re.search(r"\b(?:Programme|Program)$", full) and re.search(r"\b(?:United Nations|UN)\b", full)
                ):
                    country = self._country_in(full) or self._possessive_country(text, m.start)
                    kind = "agency" if country else "organisation"
                    full_clean = re.sub(r"^[A-Z][A-Za-z]*(?:'s|’s)\s+", "", full)
                    refs.append(Ref(m, self.org(full_clean, i, kind=kind, country=country, acronym=m.data["acronym"])))
                    taken.append(m)
        # organisation-shaped phrases not in the gazetteer ("National Planning Commission")
        for m in ms:
            if m.kind == "org-phrase" and free(m) and not any(a.overlaps(m) for a in ags):
                name = re.sub(r"^[A-Z][A-Za-z]*(?:'s|’s)\s+", "", m.text)
                # "General Secretary of the Communist Party of Vietnam": the post is not part of the body's name
                name = re.sub(r"^(?:[A-Z][a-z]+[\s-]+){0,2}(?:Secretary|Minister|President|Chair(?:man|woman|person)?|Director|Head|Chief|Governor|Leader)(?:[\s-]+General)?\s+of\s+(?:the\s+)?(?=[A-Z])", "", name)
                if (len(name.split()) < 2 and not m.data.get("company")) or name.split()[0] in ("Read", "Data"):
                    continue
                if re.fullmatch(r"(?:(?:Each|Every|Any|Third|High|Other|Non|Working|A|The)\s+)*(?:State|Contracting|Third|Working|Member)\s+Party", name):
                    continue
                country = self._country_in(m.text) or self._possessive_country(text, m.start)
                if any(c.overlaps(m) for c in countries):
                    countries = [c for c in countries if not c.overlaps(m)]
                kind = "agency" if country and not re.search(r"\bParty\b", name) else "organisation"  # a party is no agency
                refs.append(Ref(m, self.org(name, i, kind=kind, country=country)))
                taken.append(m)
        # governments: "the UK government", "Hage Geingob's government", "the Biden administration"
        for m in ms:
            if m.kind != "government" or not free(m):
                continue
            who = _THE.sub("", m.data["who"]).strip()
            code = None
            if who in self.g.country_surfaces:
                code = self.g.country_surfaces[who][0]
            else:
                pk = self._person_key_for(who) or self._person_key_for(" ".join(who.split()[-2:])) or self.known_people.get(normalise_name(who.split()[-1]))
                if pk is not None:
                    code = self.out.entities[pk].data.get("country")
                elif who.split()[-1] in self.g.country_surfaces:
                    code = self.g.country_surfaces[who.split()[-1]][0]
            if code:
                key = self.org(_government_label(code), i, kind="agency", country=code, surface=m.text.replace("’s", "'s"))
                self.last_government = key
                refs.append(Ref(m, key))
                taken.append(m)
                countries = [c for c in countries if not c.overlaps(m)]
        gm = re.search(r"\b(?:the|as|by|that|and) (government)\b", text)
        if gm and self.last_government and not any(gm.start(1) < t.end and t.start < gm.end(1) for t in taken):
            pos = gm.start(1)
            refs.append(Ref(Mention("government", pos, pos + 10, "government", i, {}), self.last_government))
            self.out.entities[self.last_government].seen(i)
        # "the Observatory", "the Agency": the latest organisation of that kind named before
        for am in re.finditer(r"\bthe (Observatory|Agency|Organi[sz]ation|Institute|Foundation|Council|Centre|Center|Ministry|Department|Administration|Authority|Secretariat)\b", text):
            if any(am.start(1) < t.end and t.start < am.end(1) for t in taken):
                continue
            for k in reversed(list(self.out.entities)):
                ent = self.out.entities[k]
                if ent.kind == "org" and am.group(1) in ent.label.split():
                    fake = Mention("org", am.start(1), am.end(1), am.group(1), i, {"entry": None})
                    refs.append(Ref(fake, k))
                    taken.append(fake)
                    ent.seen(i)
                    break
        # countries
        named_texts = [a for a in ms if (a.kind == "agreement" and a.data.get("named")) or a.kind == "event"]
        for m in countries:
            if not free(m):
                continue
            if m.data["how"] == "capital" and any(a.start <= m.start and m.end <= a.end for a in named_texts):
                continue  # "the Paris Agreement", "the Paris climate conference": the city names the text or meeting
            if m.text == "Ireland" and text[: m.start].endswith("Northern "):
                continue  # Northern Ireland is a part of the United Kingdom, not Ireland
            code = m.data["code"]
            if self.g.orgs.get(normalise_name(m.text)) is not None and m.data["how"] == "capital":
                refs.append(Ref(m, self.org(m.text, i, surface=m.text)))  # "Brussels" → European Union
            else:
                refs.append(Ref(m, self.country(code, m.text, i)))
            taken.append(m)
        # "the eight Arctic states", "the Quad countries", "G7 leaders": the states of a well-known group
        for gm in _GROUP_STATES.finditer(text):
            members = _GROUPS[gm.group("group").replace("-", "")]
            n = gm.group("n")
            if n and _NUMBERS.get(n.lower(), int(n) if n.isdigit() else 0) != len(members):
                continue  # "seven Arctic states": some of them, not which
            if re.match(r"\s+(?:gathered|met|meet|meeting|were meeting|assembled|arrived)\b", text[gm.end() :]):
                continue  # "as G7 leaders gathered in the city": the occasion, not who signed
            span = Mention("country", gm.start(), gm.end(), gm.group(0), i, {"code": members[0], "how": "group"})
            group_refs = [r_ for r_ in refs if r_.mention.overlaps(span) and r_.mention.kind == "org"]
            if any(t.overlaps(span) for t in taken if t.kind != "org"):
                continue
            for r_ in group_refs:
                refs.remove(r_)  # the states, not the body ("the Quad countries")
            for code in members:
                refs.append(Ref(Mention("country", gm.start(), gm.end(), gm.group(0), i, {"code": code, "how": "group"}), self.country(code, self.g.countries.by_code[code].label, i)))
            taken.append(span)
        # people
        self._people(i, text, people, refs, taken)
        # agreements
        self._agreements(i, text, [a for a in ags if not any(a.overlaps(t) for t in taken if t.kind in ("person", "place"))], refs, [t for t in taken if t.kind == "agreement"])
        # money → funding
        previous: tuple[Mention, str] | None = None
        for m in sorted((m for m in ms if m.kind == "money"), key=lambda m: m.start):
            if _not_funding(text, m):
                continue
            if previous is not None and _CONVERSION.fullmatch(text[previous[0].end : m.start]):
                # "¥10 trillion (about $68bn)", "€53.5 billion, or roughly NZ$90 billion": the same money
                self.out.entities[previous[1]].aliases.add(m.text)
                refs.append(Ref(m, previous[1]))
                continue
            key = f"funding:{m.data['amount']}:{m.data['currency']}"
            e = self.entity("funding", key, m.text, i, amount=m.data["amount"], currency=m.data["currency"])
            e.aliases.add(m.text)
            refs.append(Ref(m, key))
            previous = (m, key)
        # events
        for m in ms:
            # an event's name may hold its host, place or people ("Deng's visit to the United States")
            if m.kind == "event" and not any(m.overlaps(t) for t in taken if t.kind == "agreement") and (free(m) or m.data["kind"] == "event"):
                if m.data["kind"] == "anaphor":
                    last = [k for k, e in self.out.entities.items() if e.kind == "event"]
                    if last:
                        refs.append(Ref(m, last[-1]))
                    else:
                        key = f"event:{i}:{m.start}"
                        self.entity("event", key, m.text, i, head=m.data["head"], surface=m.text)
                        refs.append(Ref(m, key))
                    continue
                if m.data["kind"] == "bare":
                    continue
                label = m.text
                key = f"event:{normalise_name(label)}"
                e = self.entity("event", key, label, i, head=m.data["head"], surface=m.text)
                refs.append(Ref(m, key))
        named_spans = [r.mention for r in refs if r.mention.kind in ("org", "org-phrase", "acronym") or (r.mention.kind == "agreement" and r.mention.data.get("named"))]
        for m in ms:
            if m.kind == "topic" and any(m.overlaps(n) for n in named_spans):
                continue
            if m.kind == "topic" and _PORTFOLIO.search(text[max(0, m.start - 80) : m.start]):
                continue  # "secretary of state for science, innovation and technology": a post, not a subject
            if m.kind in ("date", "topic"):
                others.append(m)
        self.out.others.append(others)
        refs.sort(key=lambda r: r.start)
        return refs

    # --- helpers -------------------------------------------------------------------------
    def _country_in(self, text: str) -> str | None:
        """The first country named in ``text`` (names and adjectives; capitals are places here)."""
        toks = [t for t in re.findall(r"[\w.’'-]+", text)]
        toks = [re.sub(r"(?:'s|’s|')$", "", t) for t in toks]
        for k in range(len(toks)):
            for n in range(min(6, len(toks) - k), 0, -1):
                cand = " ".join(toks[k : k + n])
                hit = self.g.country_surfaces.get(cand)
                if hit and hit[1] != "capital":
                    return hit[0]
        return None

    def _possessive_country(self, text: str, start: int) -> str | None:
        m = re.search(r"([A-Z][\w ]*?)(?:'s|’s|')\s+$", text[:start])
        if m:
            name = m.group(1).strip()
            for n in (name, " ".join(name.split()[-2:]), name.split()[-1]):
                if n in self.g.country_surfaces:
                    return self.g.country_surfaces[n][0]
        m = re.search(r"(\b[A-Z][\w.]*)\s+$", text[:start])
        if m and m.group(1) in self.g.country_surfaces and self.g.country_surfaces[m.group(1)][1] == "adjective":
            return self.g.country_surfaces[m.group(1)][0]
        return None

    def _person_key_for(self, name: str) -> str | None:
        key = f"person:{normalise_name(name)}"
        if key in self.out.entities:
            return key
        toks = name.split()
        if len(toks) >= 1:
            hit = self.known_people.get(normalise_name(name))
            if hit:
                return hit
        return None

    def _people(self, i: int, text: str, people: list[Mention], refs: list[Ref], taken: list[Mention]) -> None:
        # longest first; a known (gazetteer) person mention merges with a titled one on the same span
        people = sorted(people, key=lambda m: (m.start, -(m.end - m.start)))
        for m in people:
            if any(m.overlaps(t) for t in taken):
                # merge post information into the person already taken at this span
                for r in refs:
                    if r.mention.kind == "person" and r.mention.overlaps(m) and m.data.get("post"):
                        e = self.out.entities[r.key]
                        if not e.data.get("post"):
                            self._set_post(e, m.data["post"], text, m, i)
                continue
            name = m.text
            known = m.data.get("known")
            if known is None and " " not in name:
                # title + one name ("President Yoon"): a person named earlier, or in the gazetteer
                pk = self.known_people.get(normalise_name(name))
                if pk is None:
                    for p in {id(p): p for p in self.g.people.values()}.values():
                        parts = p.name.split()
                        if name in (parts[0], parts[-1]):
                            known = p
                            break
                    if known is None:
                        continue
                else:
                    e = self.out.entities[pk]
                    e.seen(i)
                    refs.append(Ref(m, pk))
                    taken.append(m)
                    continue
            if known is None and normalise_name(name) in self.known_people:
                pk = self.known_people[normalise_name(name)]  # "Von der Leyen described": named before
                self.out.entities[pk].seen(i)
                refs.append(Ref(m, pk))
                taken.append(m)
                continue
            full = known.name if known is not None else name
            key = f"person:{normalise_name(full)}"
            e = self.entity("person", key, full, i)
            if normalise_name(name) != normalise_name(full):
                e.aliases.add(name)
            if known is not None:
                e.data.setdefault("known", known)
            if m.data.get("post") and not e.data.get("post"):
                self._set_post(e, m.data["post"], text, m, i)
            if m.data.get("country") and not e.data.get("country"):
                e.data["country"] = m.data["country"]  # "Thelma Krug of Brazil"
            for tok in {full.split()[0], full.split()[-1], " ".join(full.split()[-3:]) if len(full.split()) > 3 else full.split()[-1]}:
                if tok[:1].isupper():
                    self.known_people.setdefault(normalise_name(tok), key)
            # "von der Leyen": a surname with particles
            mm = re.search(r"\b(?:van der|von der|van|von|de|da|bin)\s+\w+$", full)
            if mm:
                self.known_people.setdefault(normalise_name(mm.group(0)), key)
            refs.append(Ref(m, key))
            taken.append(m)
        # surname-only mentions of people named earlier ("Donelan said", "Deng's visit", "Von der Leyen")
        for key_tok, key in sorted(self.known_people.items(), key=lambda kv: -len(kv[0])):
            label = self.out.entities[key].label
            surface_forms = [w for w in label.split() if normalise_name(w) == key_tok] or [key_tok]
            for form in {key_tok, *surface_forms}:
                for mm in re.finditer(rf"(?<![\w-])({re.escape(form)}|{re.escape(form[:1].upper() + form[1:])})(?![\w-])", text):
                    s, e_ = mm.start(), mm.end()
                    if any(s < t.end and t.start < e_ for t in taken):
                        continue
                    if not mm.group(0)[:1].isupper():
                        continue
                    fake = Mention("person", s, e_, mm.group(0), i, {"how": "surname"})
                    refs.append(Ref(fake, key))
                    taken.append(fake)
                    self.out.entities[key].seen(i)
        # "minister ... X and minister ... Y from the Republic of Korea": a trailing "from <country>"
        mm = re.search(r"\bfrom (?:the )?(?P<c>[A-Z][\w ]+?)(?:,|\.|$| signed| who)", text)
        if mm and mm.group("c") in self.g.country_surfaces:
            code = self.g.country_surfaces[mm.group("c")][0]
            for r in refs:
                if r.mention.kind == "person" and r.mention.end <= mm.start() and r.mention.data.get("post"):
                    e = self.out.entities[r.key]
                    if not e.data.get("country"):
                        e.data["country"] = code

    def _set_post(self, e: Entity, post: str, text: str, m: Mention, sent: int) -> None:
        post = post.strip().strip(",")
        country = None
        org = None
        # a body named in the post: "director-general of the ITER Organization", "NASA Administrator"
        for ent in list(self.out.entities.values()):
            if ent.kind == "org" and ent.label and (ent.label in post or any(a in post.split() or (len(a) > 4 and a in post) for a in ent.aliases)):
                org = ent.key
                country = ent.data.get("country")
                break
        if org is None:
            for tok in re.findall(r"[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+)*", post):
                entry = self.g.org(tok)
                if entry is not None:
                    org = self.org(entry.name, sent, surface=tok)
                    country = entry.country
                    break
        if org is None and m.data.get("how") == "post-before":
            # "ISRO chairman V. Narayanan", "his NASA counterpart X": a body named just before the post
            pre = text[: m.start].rstrip()
            at = pre.lower().rfind(post.lower())
            if at >= 0:
                bm = re.search(r"(?P<o>[A-Z][\w&.-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w&.-]*){0,5})(?:'s|’s)?\s*$", pre[:at])
                if bm:
                    words = bm.group("o").split()
                    for k in range(len(words)):
                        entry = self.g.org(" ".join(words[k:]))
                        if entry is not None:
                            org = self.org(entry.name, sent, surface=" ".join(words[k:]))
                            country = entry.country
                            break
        if org is None:
            # "minister of trade, industry and energy" ↔ "Ministry of Trade, Industry and Energy"
            pm = re.search(r"\b(?:minister|secretary(?: of state)?|ministers)\s+(?P<prep>of|for)\s+(?P<port>.+)$", post, re.I)
            if pm:
                port = normalise_name(pm.group("port"))
                for prefix in ("ministry of ", "ministry for ", "department of ", "department for ", "federal ministry of ", "federal ministry for "):
                    entry = self.g.orgs.get(normalise_name(prefix + port))
                    if entry is not None:
                        org = self.org(entry.name, sent)
                        country = entry.country
                        break
        c = self._country_in(post)
        if c:
            country = c
            post = re.sub(r"^(?:the\s+)?[A-Z][\w .-]*?(?:'s|’s|')\s+", "", post)  # "Germany's vice-chancellor" → "vice-chancellor"
        if country is None:
            country = self._possessive_country(text, m.start)
        # "Japanese Prime Minister Fumio Kishida", "South Korea's President Yoon", "US defense secretary"
        if country is None:
            before = text[: m.start]
            mm = re.search(r"(?:^|\s)(?P<c>(?:[A-Z][\w.]*\s){0,2}[A-Z][\w.]*)(?:'s|’s)?\s+(?:[a-z-]+\s+){0,4}(?:[A-Z][\w-]*\s+){0,4}$", before)
            if mm:
                for n in (mm.group("c"), mm.group("c").split()[-1]):
                    if n in self.g.country_surfaces and self.g.country_surfaces[n][1] != "capital":
                        country = self.g.country_surfaces[n][0]
                        break
        for prefix in ("US ", "UK ", "U.S. "):
            if post.startswith(prefix):
                post = post[len(prefix):]
        e.data["post"] = post
        if org and not e.data.get("post_in"):
            e.data["post_in"] = org
        if country and not e.data.get("country"):
            e.data["country"] = country

    def _agreements(self, i: int, text: str, ags: list[Mention], refs: list[Ref], taken: list[Mention]) -> None:
        ags = sorted(ags, key=lambda m: (m.start, -(m.end - m.start)))
        for m in ags:
            if any(m.overlaps(t) for t in taken):
                continue
            d = m.data
            if d["named"]:
                name = m.text
                # "the Agreement on ..., known as the High Seas Treaty or BBNJ Agreement": other names of it
                prev = [r for r in refs if r.mention.kind == "agreement" and r.mention.data.get("named") and r.end <= m.start]
                if prev and _ALSO_KNOWN_AS.fullmatch(text[prev[-1].end : m.start]):
                    first = self.out.entities[prev[-1].key]
                    first.aliases.add(name)
                    self.ag_aliases.setdefault(name, first.key)
                    refs.append(Ref(m, first.key))
                    taken.append(m)
                    continue
                # acronyms defined in this article: "STA" → "Science and Technology Agreement"
                key = f"agreement:{normalise_name(name)}"
                if key not in self.out.entities:
                    # absorb unnamed agreements of the same kind introduced before
                    for k in list(self.agreement_order):
                        ent = self.out.entities[k]
                        if (
                            not ent.data.get("named") and d["head"] != "agreement"
                            and (ent.data.get("head") == d["head"] or {ent.data.get("head"), d["head"]} <= _TREATY_HEADS)
                            and not ent.data.get("absorbed") and not ent.data.get("child") and i - ent.sentences[0] <= 4
                        ):
                            ent.data["absorbed"] = key
                self.entity("agreement", key, name, i, named=True, head=d["head"], agkind=d["kind"])
                self._order(key)
                refs.append(Ref(m, key))
                taken.append(m)
                continue
            head = d["head"]
            det = d["det"]
            # an apposition renames the agreement just named: "a Digital Partnership on Thursday, the first arrangement of its kind"
            prev = [r for r in refs if r.mention.kind == "agreement" and r.end <= m.start]
            if prev and not d["plural"] and det in ("the", "a", "an"):
                p_ = max(prev, key=lambda r: r.end)
                if re.fullmatch(r"(?:\s+(?:on|in|at|last|this)\s+[\w ]{1,25}?)?\s*(?:\([^)]*\))?,\s+(?:the|a|an)\s+", text[p_.end : m.start]):
                    refs.append(Ref(m, p_.key))
                    self.out.entities[p_.key].seen(i)
                    taken.append(m)
                    continue
            pair = bool(re.search(r"\b[A-Z][A-Za-z]*-[A-Z][A-Za-z]*\b", d["mods"] or ""))
            if d["plural"] and not pair and not (det == "the" and self._latest(head, plural=True)):
                # "collaboration agreements with Australia and the Netherlands": one per counterpart
                comp = d.get("complement") or ""
                if comp.startswith("with "):
                    counterparts = [s for s in sorted(self.g.country_surfaces, key=len, reverse=True) if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", comp)]
                    seen_codes = []
                    for s in counterparts:
                        code = self.g.country_surfaces[s][0]
                        if code in seen_codes:
                            continue
                        seen_codes.append(code)
                        key = f"agreement:{i}:{m.start}:{code}"
                        self.entity("agreement", key, f"{m.text} with {self.g.countries.by_code[code].label}", i, named=False, head=head, agkind=d["kind"], surface=_strip_det(m.text), counterpart=code, mods=d["mods"])
                        self._order(key)
                        refs.append(Ref(m, key))
                    taken.append(m)
                elif det in ("", "a", "an") and not d.get("poss"):
                    # "under partnerships signed on Sunday": a group whose members are named next
                    # ("IBM's partnership ...", "Google's partnership ...", "a further partnership ...")
                    key = f"agreement:{i}:{m.start}:group"
                    self.entity("agreement", key, _strip_det(m.text), i, named=False, head=head, agkind=d["kind"], surface=_strip_det(m.text), group=True, mods=d["mods"])
                    self.groups.append(key)
                    refs.append(Ref(m, key))
                    taken.append(m)
                continue
            # acronym of a named agreement ("the renewed STA") is handled as an alias below
            definite = det in ("the", "this", "that", "its", "their") or (det == "" and not d["mods"] and not d.get("complement"))
            if d.get("poss") or re.search(r"\bown\b", d["mods"] or ""):
                definite = False  # "its own association agreement": another instrument of the same kind
            target = None
            if definite and det == "the" and d["mods"] and not d.get("complement") and self.agreement_order:
                # "signed an agreement ... The association agreement was signed by": the bare mention just before, now described
                k = self.agreement_order[-1]
                k2 = self.out.entities[k].data.get("absorbed") or k
                e2 = self.out.entities[k2]
                if (
                    not e2.data.get("named") and not e2.data.get("mods") and not e2.data.get("complement") and not e2.data.get("group")
                    and e2.data.get("head") == head and e2.sentences and 0 < i - max(e2.sentences) <= 1
                ):
                    target = k2
            if definite and target is None:
                target = self._latest(head, now=i)
                if target is None and det in ("the", "this", "that") and not d["mods"] and not d.get("complement") and d.get("kind") in ("agreement", "deal", "accord", "treaty"):
                    # "the extension runs from ...", "the deal": with no antecedent of its kind, the agreement just named
                    for k in reversed(self.agreement_order):
                        k2 = self.out.entities[k].data.get("absorbed") or k
                        e2 = self.out.entities[k2]
                        if not e2.data.get("group") and e2.sentences and i - max(e2.sentences) <= 2:
                            target = k2
                        break
            if target is not None:
                self._order(target)
                refs.append(Ref(m, target))
                self.out.entities[target].seen(i)
                taken.append(m)
                continue
            # a new agreement
            surface = _strip_det(m.text)
            comp = d.get("complement") or ""
            label = surface + (" " + comp if comp and not surface.endswith(comp) else "")
            key = f"agreement:{i}:{m.start}"
            child = bool(re.search(r"\b(?:covers|includes|including|include|under)\b[^.]*$", text[: m.start])) and any(
                r.mention.kind == "agreement" and r.start < m.start for r in refs
            )
            if det in ("further", "another"):
                surface = f"{det} {surface}"
            member_of = None
            if d.get("poss") or det in ("further", "another"):
                for gk in reversed(self.groups):
                    ge = self.out.entities[gk]
                    if ge.data.get("head") == head and i - ge.sentences[0] <= 6:
                        member_of = gk
                        break
            # "the bloc's first such pact with Japan", "a similar partnership with Japan": another instrument
            # of the kind named before ("Green Alliance", "Digital Partnership"), with its own parties
            like = None
            if re.search(r"\b(?:such|similar)\b", d["mods"] or "") or re.search(r"\b(?:such|similar)\s+(?:an?\s+)?$", text[: m.start]):
                like = next((self.out.entities[k].label for k in reversed(self.agreement_order) if self.out.entities[k].data.get("named")), None)
            self.entity("agreement", key, label, i, named=False, head=head, agkind=d["kind"], surface=surface, complement=comp, child=child, mods=d["mods"], poss=d.get("poss"), member_of=member_of, sibling=det in ("further", "another"), like=like)
            # an acronym that names it: "their AUKUS security partnership" → later "AUKUS"
            for tok in (d["mods"] or "").split():
                if re.fullmatch(r"[A-Z]{3,}", tok) and tok not in self.g.country_surfaces and self.g.org(tok) is None and tok not in self.acronyms:
                    self.ag_aliases.setdefault(tok, key)
                    self.out.entities[key].aliases.add(tok)
            self._order(key)
            refs.append(Ref(m, key))
            taken.append(m)
        # acronyms of agreements named in this article: "STA", "iCET", "AUKUS"
        pairs = [(acr, f"agreement:{normalise_name(full)}") for acr, full in self.acronyms.items()] + list(self.ag_aliases.items())
        for acr, key in pairs:
            if key in self.out.entities:
                self.out.entities[key].aliases.add(acr)
                for mm in re.finditer(rf"(?<![\w-]){re.escape(acr)}(?![\w-])", text):
                    if any(mm.start() < t.end and t.start < mm.end() for t in taken):
                        continue
                    fake = Mention("agreement", mm.start(), mm.end(), acr, i, {"named": True})
                    refs.append(Ref(fake, key))
                    taken.append(fake)
                    self.out.entities[key].seen(i)

    def _order(self, key: str) -> None:
        if key in self.agreement_order:
            self.agreement_order.remove(key)
        self.agreement_order.append(key)

    def _latest(self, head: str, plural: bool = False, now: int | None = None) -> str | None:
        compatible = {
            "agreement": None, "pact": None, "deal": {"deal", "agreement"}, "accord": {"accord", "accords"},
            "accords": {"accord", "accords"}, "treaty": {"treaty", "convention", "agreement"}, "convention": {"convention", "treaty"},
            "partnership": {"partnership"}, "memorandum of understanding": _MOU_HEADS, "mou": _MOU_HEADS,
            "memorandum": _MOU_HEADS, "memorandum of cooperation": _MOU_HEADS, "protocol": {"protocol"}, "arrangement": {"arrangement", "agreement"},
            "package": {"package"}, "declaration": {"declaration", "declaration of intent"}, "dialogue": {"dialogue"},
            "initiative": {"initiative"}, "extension": {"extension"},
        }.get(head, {head})
        fallback = None
        for k in reversed(self.agreement_order):
            e = self.out.entities[k]
            k2 = e.data.get("absorbed") or k
            e2 = self.out.entities[k2]
            if e2.data.get("child"):
                continue
            if now is not None and e2.sentences and e2.sentences[0] == now and not e2.data.get("named"):
                continue  # introduced in this very sentence: "a protocol that amends the 1979 pact"
            if not e2.data.get("named") and not e2.data.get("complement") and not e2.data.get("mods") and not e2.data.get("poss") and not e2.data.get("counterpart"):
                continue  # a vague mention ("a partnership that is bearing fruit") is no antecedent
            if e2.data.get("named") and head in _TREATY_HEADS and e2.data.get("head") == head:
                return k2  # "the treaty": the High Seas Treaty, over the Convention on the Law of the Sea named since
            if fallback is None and (compatible is None or e2.data.get("head") in compatible or (e2.data.get("named") and head in ("treaty", "pact", "agreement", "accord"))):
                if head not in _TREATY_HEADS:
                    return k2
                fallback = k2
        return fallback


#: what joins two names of one agreement: ", known as the", " (also called", " or the"
_ALSO_KNOWN_AS = re.compile(r"[^.;]{0,80}?,?\s*\(?(?:(?:also|commonly|better|informally|often|widely)\s+)?(?:known as|called|dubbed|referred to as)\s+(?:the\s+)?|\s+or\s+(?:the\s+)?")
#: heads of memoranda: "a memorandum of understanding ... The memorandum ..."
_MOU_HEADS = {"memorandum of understanding", "mou", "memorandum", "memoranda", "memorandum of cooperation"}
#: heads that name the same instrument: "the treaty ... The Convention Establishing ..."
_TREATY_HEADS = {"treaty", "convention"}


#: what an amount measures when it is no funding: trade, the damage something does, an economy's size
_MEASURE = re.compile(r"\b(?:trade|exports?|imports?|damage|losses|GDP|economic cost|turnover|sales|revenues?)\b", re.I)
_FUNDING_CUE = re.compile(
    r"\b(?:fund\w*|invest\w*|grants?|commit\w*|pledg\w*|allocat\w*|provid\w*|financ\w*|budget\w*|spend\w*|spent|contribut\w*|award\w*|loans?|support\w*|backed|backing|earmark\w*)\b",
    re.I,
)


#: what lies between an amount and its conversion into another currency
_HEDGE = r"(?:about|around|roughly|some|approximately|nearly|almost|just over|over|more than|up to|equivalent to)"
_CONVERSION = re.compile(rf"\s*\(\s*(?:{_HEDGE}\s+)?|,?\s+or\s+(?:{_HEDGE}\s+)?|,\s+{_HEDGE}\s+")


def _not_funding(text: str, m: Mention) -> bool:
    """An amount that measures trade or harm ("two-way trade had passed A$178 billion", "their
    global economic cost exceeded $423 billion"), with no word of funding around it, is no funding
    (the cost or worth of a programme is: "Pillar II, which is worth €53.5 billion")."""
    start = max(text.rfind(c, 0, m.start) for c in ".;:") + 1
    before, after = text[start : m.start], text[m.end : m.end + 40]
    window = before[-100:] + " " + after
    return bool(_MEASURE.search(window)) and not _FUNDING_CUE.search(window)


def _strip_det(s: str) -> str:
    return re.sub(r"^(?:an?|the|this|that|their|its)\s+", "", s, flags=re.I)


def resolve(article: ArticleText, mentions: list[list[Mention]]) -> Resolved:
    """Resolve every mention of an article to article-level entities."""
    r = _Resolver(article, mentions).run()
    _name_described_agreements(r)
    # redirect references to absorbed agreements
    for refs in r.sentences:
        for ref in refs:
            e = r.entities.get(ref.key)
            if e is not None and e.kind == "agreement" and e.data.get("absorbed"):
                target = r.entities[e.data["absorbed"]]
                target.aliases.add(e.data.get("surface") or e.label)
                for s in e.sentences:
                    target.seen(s)
                ref.key = e.data["absorbed"]
    for k in [k for k, e in r.entities.items() if e.kind == "agreement" and e.data.get("absorbed")]:
        del r.entities[k]
    return r


def _name_described_agreements(r: Resolved) -> None:
    """"Member states adopted the first international agreement on pandemic prevention ... The WHO
    Pandemic Agreement was adopted by consensus": an agreement described once, then named in the
    next sentence and nowhere before, with no other agreement introduced in either sentence, is
    the named one."""
    ags = [e for e in r.entities.values() if e.kind == "agreement" and not e.data.get("absorbed") and e.sentences]
    for a in ags:
        if a.data.get("named") or a.data.get("plural") or a.data.get("group") or len(set(a.sentences)) != 1:
            continue
        if not (a.data.get("complement") or a.data.get("mods")):
            continue  # a bare "an agreement" is left to the resolver's own rules
        i = a.sentences[0]
        introduced = [e for e in ags if e is not a and min(e.sentences) in (i, i + 1)]
        if len(introduced) != 1:
            continue
        b = introduced[0]
        if not b.data.get("named") or min(b.sentences) != i + 1:
            continue
        heads = {a.data.get("head"), b.data.get("head")}
        if len(heads) == 1 or heads <= {"agreement", "treaty", "pact", "accord", "convention", "deal"}:
            a.data["absorbed"] = b.key
