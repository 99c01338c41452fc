"""Stage 4, relate: resolved mentions → facts, each backed by the sentence that states it.

Rules (all within one sentence, or one clause of it, unless said otherwise):

- status from verbs next to the agreement: "signed" → Signed, "agreed in principle",
  "in talks/discussions" → InDiscussion, "negotiating" → UnderNegotiation,
  "announced/unveiled/launched" → Announced, "renewed", "entered into force",
  "withdrawn", "expired", "plans/proposes" → Proposed; a cue goes to the nearest
  agreement; negated or modal cues ("has to be endorsed", "would not sign") are ignored.
  The first status an article gives wins, except that a later Signed/InForce/Renewed
  upgrades an earlier announcement or discussion. An agreement described only as
  "new" is Announced. An agreement with no status cue at all gets none (and is dropped).
- parties: the countries and organisations of the agreement's own words ("UK-Korea",
  "between X and Y", "with X", "IBM's partnership"), the actors of the clause, and the
  countries of the people who sign it;
- signatories: the people before a "signed" cue (its subject) or after "signed ... by";
  a sentence with a signing person and no agreement refers to the latest agreement;
- dates: the date of the clause of a signing/announcement cue, resolved against the
  publication date ("in November", "last week", "on 7 September", "on Friday");
- place: a venue in the sentence of a signing or unveiling;
- topics: topics of the sentence go to its agreements, else funding, else events; a sentence
  with none of these goes on about the paragraph's last agreement, unless the topic is the
  sentence's own subject ("The pandemic ... pushed back the launch");
- part-of: "X forms part of Y", "as part of Y", "Y, part of X", "Y covers/includes X",
  "X under/within Y", "X, one of the pillars/strands of Y", "Y's X pillar/programme"; an
  extension, amendment or protocol is part of the agreement its sentence names before it
  (and is between that agreement's parties when it names none);
- funding: amount and currency; funder "from X" or the actor before a funding verb;
  share of a larger amount ("including £4m", "of which", "a project expected to total
  $2.75bn", "$1.5bn in total ...; X's share is ₹788 crore", parts of "a combined $150m" in
  the next sentences that add up to no more than it); attached to the clause's agreement
  (not to one of a temporal clause, nor when the amount is a named programme's budget),
  or, for a payment "for its participation", to the last agreement the payer is party to;
- hosting: "X hosts the headquarters of Y".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.namespace import XSD

from ...resolve import normalise_name
from .recognise import Mention
from .resolve import _NUMBERS, Entity, Ref, Resolved

__all__ = ["Facts", "relate", "resolve_date", "STATUS_CUES"]

STATUS_CUES: list[tuple[str, re.Pattern]] = [
    ("agreed in principle", re.compile(r"\b(?:agreement|agreed) in principle\b|\bin principle\b")),
    ("in force", re.compile(r"\b(?:entered|enters|came|comes|come|enter|entering|coming) into force\b|\bin force\b|\btook effect\b|\bfounding members\b|\bprovisionally appl(?:ied|ies)\b")),
    ("renewed", re.compile(r"\brenew(?:ed|al|s|ing)?\b")),
    ("withdrawn", re.compile(r"\bwithdr(?:ew|awn|aw|awing)\b|\babandoned\b|\bpulled out\b|\bscrapped\b|\bwalked away from\b|\bbroke off\b|\bterminated\b|\bleft(?= the\b)|\bquit\b|\bexit(?:ed|ing)?\b|\b(?:take|takes|took|taking|pull|pulls|pulling)\s+(?:[\w-]+\s+){0,3}out of\b")),
    ("expired", re.compile(r"\bexpired\b|\blapsed\b")),
    ("under negotiation", re.compile(r"\bnegotiat(?:e|es|ed|ing|ion|ions|ors?)\b|\bfailed to (?:agree|reach|conclude|finali[sz]e)\b|\bresume (?:the )?talks\b")),
    ("in discussion", re.compile(r"\bin (?:early |initial |preliminary )?(?:talks|discussions)\b|\bdiscuss(?:ing|ions)\b|\bconsidering\b|\bexploring\b|\bconsultations\b")),
    ("signed", re.compile(r"\bsign(?:ed|s|ing)?\b|\bsignature\b|\bsignator(?:y|ies)\b|\bconcluded\b|\badopt(?:ed|ion)\b|\b(?:raised|raise|upgraded|upgrade|elevated|elevate)d? (?:(?:their|its|the|bilateral) )?(?:relations|relationship|ties) (?:[\w-]+ ){0,3}?to\b"
     # a text agreed is concluded: "Sunak and Biden agreed the Atlantic Declaration", "the framework, agreed under the CBD"
     r"|\bagreed\b(?=\s+(?:the|a|an|under)\b(?![^,;.]*\bto\s+[a-z]+\b)|\s*[,.)])")),
    ("announced", re.compile(r"\bannounc(?:ed|es|ing|ement)\b|\bunveil(?:ed|s|ing)?\b|\blaunch(?:ed|es|ing)?\b|\breleased\b|\bagreed\b|\bendorsed\b|\bestablished\b|\bset up\b")),
    ("proposed", re.compile(r"\bplan(?:s|ned)?\b|\bpropos(?:ed|es|al)\b")),
]
_RANK = {"proposed": 0, "in discussion": 1, "announced": 1, "under negotiation": 2, "agreed in principle": 3, "signed": 4, "in force": 5, "renewed": 6, "expired": 7, "withdrawn": 7}
_NEGATED = re.compile(r"\b(?:not|never|yet to|has to be|have to be|had to be|to be|due to|would|could|might|hopes? to|aim(?:s)? to|until|unless|depends on|being|without)\s+(?:\w+\s+){0,2}$")
#: an act still to come: "to be concluded", "has yet to be negotiated", "would work towards"
_PROSPECTIVE = re.compile(r"\b(?<!not )(?:yet to(?: be)?|to be|has to be|have to be)\s+(?:\w+\s+){0,1}$")
#: "the first trade deal to be signed after Brexit": a description, not an act still to come
_SUPERLATIVE_TO_BE = re.compile(r"\b(?:first|last|only|next|latest|\w+est)\s+(?:[\w-]+\s+){0,3}to be\s+(?:\w+\s+)?$")
#: a future or expected act: "will sign", "is set to enter into force", "are expected to renew"
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|expected to|set to|scheduled to|due to|poised to|plan to|plans to|intend to|intends to)\s+(?:\w+\s+){0,2}$")
#: a clause that says its actors did not sign ("took part in the negotiations without signing")
_NOT_PARTY_CLAUSE = re.compile(
    r"\bwithout (?:signing|ratifying|joining)\b|\b(?:did|have|has) not (?:yet )?(?:sign|ratif|join)|\brefused to sign\b|\bnot (?:a )?part(?:y|ies) to\b"
    # "countries that are not part of the G7's process"; go-betweens: "co-facilitators", "steered the talks", "brokered by"
    # "China and Russia have stayed out", "remain outside the accords"
    r"|\b(?:stay(?:ed|s)?|remain(?:ed|s)?|kept|keeps?)\s+(?:out|outside|aloof)\b|\bnot (?:yet )?(?:joined|signed|ratified)\b"
    r"|\bnot (?:a )?part of\b|\bco-?facilitat\w*|\bfacilitat(?:ed|ors?|ing)\b|\bsteered\b|\bmediat(?:ed|ors?|ing)\b|\bbrokered\b"
)
#: actors named as a comparison: "in the mould of CERN", "like ESA", "such as"
_COMPARED = re.compile(
    r"\b(?:in the mould of|modelled on|modeled on|similar to|unlike|like|such as|compared with|alongside)\b(?:(?!\b(?:sign|agree|join)\w*\b)[^;:])*$"
    # "the third country to sign such a pact with Japan, after Australia and the United Kingdom"
    r"|\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:country|nation|state|member)\b[^;:]*\b(?:after|following)\b[^;:]*$"
)
#: the body an agreement sets up: "the treaty that creates the SKAO", "Convention Establishing the ..."
_CREATED = re.compile(r"\b(?:creat(?:e|es|ed|ing)|establish(?:es|ed|ing)?|set(?:s|ting)? up|found(?:s|ed|ing)?)\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_OPPOSED = re.compile(r"\s+(?:has\s+|have\s+|had\s+)?(?:repeatedly\s+|long\s+|strongly\s+|also\s+)?(?:criticised|criticized|criticises|criticizes|opposed|opposes|condemned|condemns|objected|protested|denounced)\b")
_CLAUSE_SPLIT = re.compile(r";|\s+while\s+|,\s+but\s+|\s+whereas\s+|:\s+")
_FUND_VERBS = re.compile(r"\b(?:commit|invest|pledg|contribut|pay|paid|fund|earmark|provid|spend|spent|giv|allocat|grant|budget|put|back|support)\w*\b")
#: an amount named as a whole: "a combined $150m", "expected to total $2.75bn", "$1.5bn in total"
_WHOLE_CUE = re.compile(r"\b(?:combined|to total|totall?ing|totall?ed|a total of|in total|in all|altogether|overall)\b")
_PART_CUE = re.compile(r"\b(?:worth|of which|including|share|portion)\b")
#: "the EU's €95.5bn research and innovation programme": the amount is the budget of the programme it qualifies
_PROGRAMME_BUDGET = re.compile(r"\s+(?:(?!(?:in|into|for|to|from|of|on|under|over|towards|a|an|the|its|their|this|that)\b)[\w-]+\s+){0,5}?(?:programme|program|fund|mission|initiative)\b", re.I)
_FOR_PARTICIPATION = re.compile(r"\bfor (?:its|their|the country's|[A-Z]\w+'s) (?:participation|association|membership|access)\b")


#: a sentence that lists who signed or is party: "the founding signatories were", "became the 19th signatory"
_SIGNATORIES = re.compile(r"\bsignator(?:y|ies)\b|\bparties to (?:it|the (?:accords?|agreement|treaty|convention|declaration))\b", re.I)
#: a sentence that lists an agreement's members: "The founding members are Australia, Canada, ...",
#: "Its partners include ...", "It brings together ..."
_MEMBERS = re.compile(
    r"^\s*(?:The|Its|Their)\s+(?:(?:founding|other|original|current|new|\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+)?(?:members|partners|parties)\s+(?:are|were|include|included|comprise)\b"
    r"|^\s*(?:It|They)\s+(?:brings|bring|brought|groups|grouped)\s+together\b"
)
#: people who watched a signing: "in the presence of Prime Minister Narendra Modi", "witnessed by"
_WITNESS = re.compile(r"\b(?:in the presence of|witnessed by|watched by|attended by|in front of)\s+(?:[\w.'’-]+\s+){0,4}$")
#: an actor that names an occasion: "on the sidelines of the G20", "the APEC summit", "a NATO meeting"
_OCCASION_BEFORE = re.compile(r"\b(?:sidelines|side-lines|margins|fringes) of (?:the |a |this year's )?$")
_OCCASION_AFTER = re.compile(r"\)?(?:\s*\([^)]*\))?\s+(?:leaders'?\s+|ministerial\s+|annual\s+)?(?:summit|meeting|conference|forum|gathering|congress)\b", re.I)
#: the parties named by reference back: "the two countries", "both sides", "they signed"
_THE_TWO = re.compile(
    r"\b(?i:the (?P<n>two|three|four|five|six|seven|eight)|both) (?:governments|countries|sides|nations|partners|leaders|prime ministers|presidents)\b"
    r"|\b(?i:they) (?:\w+ )?(?:signed|agreed|launched|announced|renewed|concluded)\b"
    r"|\b(?i:the) (?P<bare>leaders|prime ministers|presidents)\b"
)


def _names_the_text(e: object, a: Ref, x: Ref) -> bool:
    """A capital inside a named agreement's name: "the Paris Agreement", "the Kyoto Protocol" (a city
    naming the text, not a party)."""
    return bool(e.data.get("named")) and x.mention.data.get("how") == "capital" and a.start <= x.start and x.end <= a.end  # type: ignore[attr-defined]


def _around(text: str, m: Ref, width: int = 30) -> str:
    """The words either side of a mention, not crossing a clause boundary."""
    before = re.split(r"[;:]", text[max(0, m.start - width) : m.start])[-1]
    after = re.split(r"[;:,]", text[m.end : m.end + width])[0]
    return before + " " + after


#: a sentence about fields of cooperation: "they also plan to work together on ...", "working groups covering ..."
_COOPERATE_ON = re.compile(
    r"\b(?:work(?:ing)? together on|cooperat(?:e|ion) on|collaborat(?:e|ion) on|working groups? (?:on|covering)|"
    r"(?:will|would|also) (?:focus|cover)|priorit(?:y|ies) (?:include|are)|joint research (?:on|into))\b", re.I
)

#: a state becoming a member of a body: "Estonia became the 24th member state of CERN", "Brazil has become an
#: Associate Member State of CERN", "Ireland will join ESA as a full member"
_BECAME_MEMBER = re.compile(
    r"(?:has\s+|have\s+|had\s+|formally\s+|officially\s+)*"
    r"(?P<verb>became|become|becomes|will become|joined|joins|will join)\s+"
    r"(?:(?:the|a|an|its)\s+)?(?:(?:\d+(?:st|nd|rd|th)|[a-z]+th|first|second|third|newest|latest|full|associate|new|founding|Associate|Full)\s+)*"
    r"(?:[Mm]ember(?:\s+[Ss]tate|\s+country|\s+nation)?|[Pp]arty)\s+(?:of|to)\s+(?:the\s+)?(?P<body>[A-Z][\w'’-]*)"
)

#: a sentence opening that refers back to the previous sentence's agreement
_BACK_REF = re.compile(r"\s*(?:(?:Under|With|Through|By)\s+)?(?:it|its|this|they|their|the (?:deal|agreement|accord|pact|partnership|arrangement|memorandum|treaty|convention|package|declaration|initiative|programme|plan))\b", re.I)


#: heads of instruments that change another agreement
_AMENDING_HEADS = {"extension", "protocol", "amendment", "renewal", "addendum", "annex"}


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class AgreementFacts:
    statuses: list[tuple[int, str]] = field(default_factory=list)
    parties: dict[str, int] = field(default_factory=dict)  # entity key → sentence
    signatories: dict[str, int] = field(default_factory=dict)
    signed_on: tuple[Literal, int] | None = None
    announced_on: tuple[Literal, int] | None = None
    signed_at: tuple[str, int] | None = None
    topics: dict[object, int] = field(default_factory=dict)
    part_of: dict[str, int] = field(default_factory=dict)
    announced_by: dict[str, int] = field(default_factory=dict)


@dataclass
class FundingFacts:
    funders: dict[str, int] = field(default_factory=dict)
    purpose: str | None = None
    share_of: str | None = None
    attached_to: dict[str, int] = field(default_factory=dict)
    announced_by: dict[str, int] = field(default_factory=dict)
    date: Literal | None = None
    topics: dict[object, int] = field(default_factory=dict)


@dataclass
class EventFacts:
    place: str | None = None
    participants: dict[str, int] = field(default_factory=dict)
    topics: dict[object, int] = field(default_factory=dict)
    date: Literal | None = None


@dataclass
class Facts:
    resolved: Resolved
    agreements: dict[str, AgreementFacts] = field(default_factory=dict)
    funding: dict[str, FundingFacts] = field(default_factory=dict)
    events: dict[str, EventFacts] = field(default_factory=dict)
    hosts: list[tuple[str, str, int]] = field(default_factory=list)
    place_in: dict[str, str] = field(default_factory=dict)

    def status(self, key: str, _seen: frozenset = frozenset()) -> tuple[str, int] | None:
        f = self.agreements.get(key)
        if f and not f.statuses:
            # a part of a signed whole ("the deal covers an agreement ...") is signed with it
            for parent, i in f.part_of.items():
                if parent in _seen:
                    continue
                ps = self.status(parent, _seen | {key})
                if ps and ps[0] in ("signed", "in force", "renewed"):
                    return ("signed" if ps[0] == "renewed" else ps[0]), i
        e = self.resolved.entities.get(key)
        group = e.data.get("member_of") if e is not None else None
        if (not f or not f.statuses) and group and group not in _seen:
            return self.status(group, _seen | {key})  # a member of "partnerships signed on Sunday" is signed
        if not f or not f.statuses:
            return None
        first = f.statuses[0]
        best = first
        for st in f.statuses[1:]:
            if st[1] in ("signed", "in force", "renewed") and _RANK[st[1]] > _RANK[best[1]] and (_RANK[best[1]] < _RANK["signed"] or (best[1] == "signed" and st[1] == "in force")):
                best = st
        return best[1], best[0]


def resolve_date(m: dict, published: dt.date | None) -> Literal | None:
    """A date mention (groups of recognise._DATE) as an xsd literal, relative to ``published``."""
    try:
        if m.get("dmy"):
            day, month = int(m["d"]), _MONTHS.index(m["m"].lower()) + 1
            year = int(m["y"]) if m.get("y") else _year_for(month, day, published)
            if year is None:
                return None
            return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
        if m.get("mdy"):
            day, month = int(m["d2"]), _MONTHS.index(m["m2"].lower()) + 1
            year = int(m["y2"]) if m.get("y2") else _year_for(month, day, published)
            if year is None:
                return None
            return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
        if m.get("my"):
            month = _MONTHS.index(m["m3"].lower()) + 1
            year = int(m["y3"]) if m.get("y3") else _year_for(month, 1, published)
            if year is None:
                return None
            return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
        if m.get("year"):
            return Literal(m["year"], datatype=XSD.gYear)
        if published is None:
            return None
        if m.get("rel"):
            rel, unit = m["rel"].lower(), m["unit"].lower()
            if unit == "week":
                d = published - dt.timedelta(days=7 if rel == "last" else 0)
                return Literal(f"{d.year:04d}-{d.month:02d}", datatype=XSD.gYearMonth)
            if unit == "month":
                d = published.replace(day=1) - dt.timedelta(days=1) if rel == "last" else published
                return Literal(f"{d.year:04d}-{d.month:02d}", datatype=XSD.gYearMonth)
            if unit == "year":
                return Literal(str(published.year - (1 if rel == "last" else 0)), datatype=XSD.gYear)
            if unit in _WEEKDAYS:
                back = (published.weekday() - _WEEKDAYS.index(unit)) % 7 or 7
                return Literal((published - dt.timedelta(days=back)).isoformat(), datatype=XSD.date)
            if unit in _MONTHS:
                month = _MONTHS.index(unit) + 1
                year = published.year - (1 if rel == "last" and month >= published.month else 0)
                return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
            return None
        if m.get("wd"):
            back = (published.weekday() - _WEEKDAYS.index(m["wd"].lower())) % 7
            return Literal((published - dt.timedelta(days=back)).isoformat(), datatype=XSD.date)
    except (ValueError, IndexError):
        return None
    return None


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    try:
        d = dt.date(published.year, month, day)
    except ValueError:
        return None
    return published.year - 1 if d > published + dt.timedelta(days=31) else published.year


def _actor_list(text: str, pos: int, actors: list[Ref]) -> list[Ref]:
    """The coordinated actors starting at ``pos``: "by seven countries: Australia, China, ... and the UK"."""
    out: list[Ref] = []
    cur = pos
    for x in sorted((x for x in actors if x.start >= pos), key=lambda x: x.start):
        gap = text[cur : x.start]
        if out and x.start == out[-1].start and x.end == out[-1].end:
            out.append(x)  # "by all eight Arctic states": every member of the group
            continue
        if out and x.key == out[-1].key and re.fullmatch(r"\s*\(\s*", gap):
            # "the Indian Space Research Organisation (ISRO) and ...": the acronym defined on the way
            close = re.match(r"\s*\)", text[x.end :])
            cur = x.end + (close.end() if close else 0)
            continue
        if not out:
            ok = re.fullmatch(r"(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:(?:countries|nations|states|members|partners|governments|parties)\s*:\s*)?(?:the\s+)?", gap)
            ok = ok and (not gap.strip() or ":" in gap or gap.strip() in ("the",))
        else:
            ok = re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?", gap) or (
                # "by the US and seven partners: Australia, ...": the partners are listed next
                len(out) == 1 and re.fullmatch(r"\s*(?:,\s*)?and\s+(?:its\s+|their\s+)?(?:\w+\s+)?(?:partners|countries|nations|states|others|members)\s*:\s*(?:the\s+)?", gap)
            )
        if not ok:
            break
        out.append(x)
        cur = x.end
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in clauses:
        if s <= pos <= e:
            return s, e
    return 0, 10**9


class _Relater:
    def __init__(self, r: Resolved):
        self.r = r
        self.f = Facts(r)
        self.published = r.article.published
        self.last_agreement: str | None = None
        self.wholes_seen: list[tuple[int, Ref]] = []
        self.signed_at_direct: set[str] = set()

    def ag(self, key: str) -> AgreementFacts:
        return self.f.agreements.setdefault(key, AgreementFacts())

    def fu(self, key: str) -> FundingFacts:
        return self.f.funding.setdefault(key, FundingFacts())

    def actor_of(self, ref: Ref) -> str | None:
        """The actor a reference stands for: a country or organisation (a person → none)."""
        e = self.r.entity(ref)
        return ref.key if e.kind in ("country", "org") else None

    def _the_two(self, i: int, n: int = 2, *, clear_only: bool = False) -> list[str]:
        """Who "the two countries", "both sides" or "they" are at sentence ``i``: the two states (or
        international bodies) of the latest agreement between exactly two of them, else the two the
        article has named most so far; likewise for "the four leaders" (``n``). With ``clear_only``
        ("the leaders"), the states named most only when the next one is named less often."""
        r = self.r

        def state(key: str) -> bool:
            ent = r.entities.get(key)
            return ent is not None and (ent.kind == "country" or (ent.kind == "org" and ent.data.get("orgkind") == "international"))

        for af in reversed(list(self.f.agreements.values())):
            pair = [k for k in af.parties if state(k)]
            if len(pair) == n:
                return pair
        # else the two states the article has named most so far (its subject), the latest first on a tie
        seen: dict[str, list[int]] = {}
        for j in range(0, i + 1):
            for x in r.sentences[j]:
                if state(x.key):
                    seen.setdefault(x.key, []).append(j)
        union = {k for k in seen if r.entities[k].kind == "country" or r.entities[k].label == "European Union"}
        ranked = sorted(seen, key=lambda k: (len(seen[k]), k in union, max(seen[k])), reverse=True)
        if n == 2 and not clear_only:
            return ranked[:2]
        # "the four leaders": the four states named most, when a fifth is named less often than they are
        countries = [k for k in ranked if r.entities[k].kind == "country"]
        if len(countries) >= n:
            ranked = countries
        clear = len(ranked) == n or (len(ranked) > n and len(seen[ranked[n - 1]]) > len(seen[ranked[n]]))
        return ranked[:n] if clear else []

    def _lead_agreements_announced(self) -> None:
        """A named agreement that the article leads with (in its title or first paragraph), with parties
        but no status cue ("In the Seoul Declaration, ten countries committed to ..."), is at least
        announced: the news made it public."""
        r = self.r
        title = normalise_name(r.article.title or "")
        for key, e in r.entities.items():
            if e.kind != "agreement" or not e.data.get("named") or e.data.get("group"):
                continue
            af = self.f.agreements.get(key)
            if af is None or af.statuses or not af.parties or not e.sentences:
                continue
            first = min(e.sentences)
            lead = r.article.sentences[first].para == r.article.sentences[0].para
            if lead or (title and normalise_name(e.label) in title):
                af.statuses.append((first, "announced"))

    def _signed_for(self, person: object) -> str | None:
        """Whom a signatory signed for: the university, company or international body of their post
        (the president of a university signs for it), else their country, else the body of their post."""
        data = person.data  # type: ignore[attr-defined]
        body = self.r.entities.get(data.get("post_in") or "")
        known = data.get("known")
        if (body is not None and body.label in _EU_INSTITUTIONS) or (body is None and getattr(known, "post_in", None) in _EU_INSTITUTIONS):
            return self._union(person)  # a commissioner or the Council's president signs for the Union
        if body is not None and body.data.get("orgkind") in ("university", "company", "organisation", "international"):
            return body.key
        if data.get("country"):
            return f"country:{data['country']}"
        return data.get("post_in") or None

    def _union(self, for_whom: object) -> str:
        """The European Union's entity, made when the article names only its institutions."""
        key = _EU_KEY
        e = self.r.entities.get(key)
        if e is None:
            e = Entity("org", key, "European Union", aliases={"EU"}, data={"orgkind": "international", "acronym": "EU"})
            e.sentences = list(for_whom.sentences[:1])  # type: ignore[attr-defined]
            self.r.entities[key] = e
        return key

    def _signatories_parties(self) -> None:
        """Whom each signatory signed for is party to the agreement, once every person is resolved
        (a country known only as a signatory's: "Blinken signed")."""
        for af in self.f.agreements.values():
            for p, i in list(af.signatories.items()):
                pe = self.r.entities.get(p)
                party = self._signed_for(pe) if pe is not None else None
                if party:
                    af.parties.setdefault(party, i)

    def _membership(self, i: int, who: str, body: str, mm: re.Match) -> Ref:
        """The agreement of a state's membership of a body (one per pair), as a reference at ``mm``."""
        r = self.r
        key = f"agreement:membership:{who}:{body}"
        e = r.entities.get(key)
        if e is None:
            label = f"{r.entities[who].label}'s membership of {r.entities[body].label}"
            e = Entity("agreement", key, label, data={"named": False, "head": "membership", "agkind": "agreement"})
            r.entities[key] = e
        e.seen(i)
        return Ref(Mention("agreement", mm.start(), mm.end(), mm.group(0), i, {"named": False}), key)

    def _borrow_parties(self) -> None:
        """An agreement with a status but no party of its own ("negotiators continue work on a broader
        CECA", "a relationship already underpinned by CETA") is between the parties of the agreement
        its sentence is about: the nearest one of that sentence with parties, else of the sentence before."""
        r = self.r
        for key, af in self.f.agreements.items():
            e = r.entities.get(key)
            if e is None or af.parties or not af.statuses or e.data.get("group"):
                continue
            i = af.statuses[0][0]
            own = [x for x in r.sentences[i] if x.key == key]
            if not own:
                continue
            pos = own[0].start
            for j in (i, i - 1):
                if j < 0:
                    continue
                donors = [
                    x for x in r.sentences[j]
                    if x.key != key and r.entities[x.key].kind == "agreement" and self.f.agreements.get(x.key) and self.f.agreements[x.key].parties
                ]
                if donors:
                    donor = min(donors, key=lambda x: abs(x.start - pos)) if j == i else donors[-1]
                    for p, _k in self.f.agreements[donor.key].parties.items():
                        af.parties.setdefault(p, i)
                    break

    def run(self) -> Facts:
        for i, refs in enumerate(self.r.sentences):
            self.sentence(i, refs)
        self._signatories_parties()
        self._borrow_parties()
        self._lead_agreements_announced()
        # an extension or amendment that names no parties is between the parties of the agreement it changes
        for key, af in self.f.agreements.items():
            e = self.r.entities.get(key)
            if e is None or e.data.get("head") not in _AMENDING_HEADS or af.parties:
                continue
            for parent in af.part_of:
                pf = self.f.agreements.get(parent)
                if pf is not None:
                    for p, i in pf.parties.items():
                        af.parties.setdefault(p, i)
        # the Union's institutions act for it: with the EU a party, the Commission is none of its own
        for af in self.f.agreements.values():
            if _EU_KEY in af.parties:
                for p in [p for p in af.parties if (pe := self.r.entities.get(p)) is not None and pe.label in _EU_INSTITUTIONS]:
                    del af.parties[p]
        # a legislature approves an agreement, it is no party to it ("the European Parliament and
        # Chile's Congress must still give their consent")
        for af in self.f.agreements.values():
            for p in [p for p in af.parties if _is_legislature(self.r.entities.get(p))]:
                del af.parties[p]
        return self.f

    def sentence(self, i: int, refs: list[Ref]) -> None:
        r = self.r
        text = r.article.sentences[i].text
        others = r.others[i]
        clauses = _clauses(text)
        ag_refs = [x for x in refs if r.entity(x).kind == "agreement"]
        people = [x for x in refs if r.entity(x).kind == "person"]
        actors = [x for x in refs if r.entity(x).kind in ("country", "org")]
        money = [x for x in refs if r.entity(x).kind == "funding"]
        places = [x for x in refs if r.entity(x).kind == "place"]
        events = [x for x in refs if r.entity(x).kind == "event"]
        dates = [m for m in others if m.kind == "date"]
        topics = [m for m in others if m.kind == "topic"]

        # "Estonia became the 24th member state of CERN", "Brazil has joined the ESO as a member": a membership
        for mm in _BECAME_MEMBER.finditer(text):
            who = [x for x in actors if r.entity(x).kind == "country" and re.fullmatch(r"\s+", text[x.end : mm.start()])]
            body = [x for x in actors if x.start == mm.start("body") and r.entity(x).kind == "org"]
            if not who or not body or _NEGATED.search(text[: mm.start("verb")]):
                continue
            ref = self._membership(i, who[0].key, body[0].key, mm)
            refs.append(ref)  # (not one of the sentence's agreements: its parties are the two it names)
            future = bool(_FUTURE.search(text[: mm.start("verb")])) or mm.group("verb").startswith("will")
            self.ag(ref.key).statuses.append((i, "announced" if future else "in force"))
            self.ag(ref.key).parties.setdefault(who[0].key, i)
            self.ag(ref.key).parties.setdefault(body[0].key, i)

        # --- status cues → nearest agreement -----------------------------------------------
        cues: list[tuple[int, int, str]] = []
        for status, rx in STATUS_CUES:
            for m in rx.finditer(text):
                if any(c[0] <= m.start() < c[1] for c in cues):
                    continue
                said = status
                before_cue = text[: m.start()]
                if _NEGATED.search(before_cue) and not (_FUTURE.search(before_cue) and not re.search(r"\b(?:not|never)\s+(?:\w+\s+){0,2}$", before_cue)):
                    # "a memorandum to be concluded under the council", "which has yet to be negotiated": an
                    # agreement still to be made is proposed; "would not sign", "without signing" say nothing
                    if not (status in ("signed", "under negotiation", "agreed in principle") and _PROSPECTIVE.search(before_cue) and not _SUPERLATIVE_TO_BE.search(before_cue)):
                        continue
                    said = "proposed"
                if _FUTURE.search(before_cue):
                    # "will sign", "is expected to enter into force": announced, not yet done
                    if status not in ("signed", "in force", "renewed"):
                        continue
                    said = "announced"
                cues.append((m.start(), m.end(), said))
        cues.sort()
        # each agreement mention takes the cue nearest to it ("the station NASA plans to place ..., under an
        # arrangement announced on Sunday": announced, not proposed)
        picked: list[tuple[int, int, str, list[str]]] = []
        best_for: dict[tuple[int, int], tuple[int, int]] = {}
        for n, (cs, ce, status) in enumerate(cues):
            target = self._nearest(ag_refs, cs, ce, clauses)
            picked.append((cs, ce, status, target))
            for a in ag_refs:
                if a.key in target:
                    d = min(abs(a.start - ce), abs(cs - a.end))
                    if (a.start, a.end) not in best_for or d < best_for[(a.start, a.end)][0]:
                        best_for[(a.start, a.end)] = (d, n)
        keep_cue = {n for _d, n in best_for.values()}
        self.by_actors: dict[str, list[Ref]] = {}
        for n, (cs, ce, status, target) in enumerate(picked):
            if target and n not in keep_cue:
                continue
            subject_people = [
                p for p in people
                if p.end <= cs and _clause_of(clauses, p.start) == _clause_of(clauses, cs)
                and not re.search(r"\b(?:attended|said|met|visited|marking|told|added|announc\w+|described|called|looked on|watched|witnessed)\b", text[p.end : cs])
            ]
            if status == "signed" and not re.match(r"sign(?:ed|s)?\b", text[cs:ce]):
                subject_people = []
            by_people = []
            by_actors: list[Ref] = []
            mby = re.match(r"(?:[\s,]+\w+){0,6}?[\s,]+by\s+", text[ce:])
            if mby:
                # not the leaders "in the presence of" whom it was signed
                by_people = [
                    p for p in people if p.start >= ce and p.start <= ce + mby.end() + 120 and not _WITNESS.search(text[max(0, p.start - 60) : p.start])
                ]
                # "by X, the ... commissioner, and Y, ...'s minister": people coordinated after "by"
                chain = sorted((p for p in people if p.start >= ce + mby.end()), key=lambda p: p.start)
                if chain and chain[0].start - (ce + mby.end()) <= 2:
                    last = chain[0]
                    for p in chain[1:]:
                        gap = text[last.end : p.start]
                        if re.search(r"(?:,\s*|\s)and\s+$", gap) and _clause_of(clauses, p.start) == _clause_of(clauses, last.start) and not re.search(r"\b(?:said|signed|welcomed|met|told)\b", gap):
                            if p not in by_people:
                                by_people.append(p)
                            last = p
                        else:
                            break
                by_actors = _actor_list(text, ce + mby.end(), actors)
            if not target and status == "signed" and (subject_people or by_people) and self.last_agreement:
                # "Fujii, president of the University of Tokyo, ... signed for their institutions": the agreements
                # their bodies are party to; else the agreement of the previous sentences ("Sandhu ... signed")
                bodies = {r.entity(p).data.get("post_in") for p in subject_people + by_people} - {None}
                target = [
                    k for k, f in self.f.agreements.items()
                    if bodies and bodies <= set(f.parties) and not r.entities[k].data.get("group")
                ] or [self.last_agreement]
            if not target:
                continue
            for key in target:
                af = self.ag(key)
                af.statuses.append((i, status))
                if by_actors and status in ("signed", "announced", "in force"):
                    # "signed ... by seven countries: A, B, ...", "announced by NASA and MBRSC": the parties
                    self.by_actors.setdefault(key, []).extend(by_actors)
                    for x in by_actors:
                        af.parties.setdefault(x.key, i)
                if status == "signed":
                    for p in subject_people + by_people:
                        af.signatories.setdefault(p.key, i)
                        party = self._signed_for(r.entity(p))
                        if party:
                            af.parties.setdefault(party, i)
                    d = self._date_near(dates, cs, clauses, text)
                    if d is not None and af.signed_on is None:
                        af.signed_on = (d, i)
                    pl = [p for p in places if _clause_of(clauses, p.start) == _clause_of(clauses, cs)]
                    # "signed in Auckland", "signed ... at the Royal Society" beats any other place of the clause
                    direct = [p for p in pl if p.start > ce and re.fullmatch(r"(?:[\s,]+[\w’'-]+){0,6}?\s+(?:in|at)\s+(?:the\s+)?", text[ce : p.start])]
                    if direct and key not in self.signed_at_direct:
                        af.signed_at = (direct[0].key, i)
                        self.signed_at_direct.add(key)
                    elif pl and af.signed_at is None:
                        af.signed_at = (pl[0].key, i)
                elif status == "announced":
                    for p in subject_people:
                        af.announced_by.setdefault(p.key, i)
                    d = self._date_near(dates, cs, clauses, text)
                    if d is not None and af.announced_on is None:
                        af.announced_on = (d, i)
                    pl = [p for p in places if _clause_of(clauses, p.start) == _clause_of(clauses, cs) and p.start > cs]
                    if pl and af.signed_at is None and re.match(r"unveil", text[cs:ce]):
                        af.signed_at = (pl[0].key, i)
        # an agreement presented as "new" with no other cue is announced
        for a in ag_refs:
            e = r.entity(a)
            new = re.search(r"\bnew\b", e.data.get("mods") or "") or (e.data.get("named") and re.search(r"\b(?:a|an|the) new\s+$", text[: a.start]))
            if new and not self.ag(a.key).statuses:
                self.ag(a.key).statuses.append((i, "announced"))

        # "The signatories include the United States, China and India", "Colombia became the 19th
        # signatory": a sentence about signatories that names no agreement lists the last one's parties
        members = bool(_MEMBERS.search(text))
        if not ag_refs and self.last_agreement and (_SIGNATORIES.search(text) or members):
            af = self.ag(self._article_agreement(i))
            for x in actors:
                if x.mention.kind == "country" and x.mention.data.get("how") == "adjective":
                    continue
                if not _COMPARED.search(text[: x.start]):
                    af.parties.setdefault(x.key, i)
            if not af.statuses and not members:
                af.statuses.append((i, "signed"))
        # --- parties ---------------------------------------------------------------------------
        for a in ag_refs:
            e = r.entity(a)
            af = self.ag(a.key)
            own = a.mention.text + " " + (e.data.get("complement") or "") if e.data.get("complement") else a.mention.text
            span_end = a.end + len(e.data.get("complement") or "") + 1
            # countries in the agreement's own words: "UK-Korea Science Deal", "between the UK and ..."
            for x in actors:
                if a.start <= x.start < span_end and not _CREATED.search(text[max(0, x.start - 40) : x.start]):
                    if _names_the_text(e, a, x):
                        continue
                    af.parties.setdefault(x.key, i)
            if e.data.get("counterpart"):
                af.parties.setdefault(f"country:{e.data['counterpart']}", i)
            # "that the two governments agreed", "the two sides endorsed": see _the_two
            cl_ = _clause_of(clauses, a.start)
            two = _THE_TWO.search(text[cl_[0] : cl_[1]])
            if two:
                pair = self._the_two(i, _NUMBERS.get((two.group("n") or "two").lower(), 2), clear_only=bool(two.group("bare")))
                # "the two sides signed an agreement making Estonia an associate member": the pair, when the
                # clause names no one else
                if {x.key for x in actors if cl_[0] <= x.start <= cl_[1]} <= set(pair):
                    for k in pair:
                        af.parties.setdefault(k, i)
            # "with the two universities": the last bodies of that kind named
            for nm in re.finditer(r"\bthe (two|three|both) ([a-z]+?)(?:ies|s)\b", own):
                n = {"two": 2, "both": 2, "three": 3}[nm.group(1)]
                stem = nm.group(2).capitalize()
                cands = [k for k, ent in r.entities.items() if ent.kind == "org" and stem in ent.label and ent.sentences and ent.sentences[0] <= i]
                cands.sort(key=lambda k: max(s_ for s_ in r.entities[k].sentences if s_ <= i), reverse=True)
                for k in cands[:n]:
                    af.parties.setdefault(k, i)
            # a member of a group ("IBM's partnership" of "partnerships signed ... at the University of Tokyo") shares
            # the group's parties, except the other members' own holders
            group = e.data.get("member_of")
            if group and not e.data.get("sibling") and group in self.f.agreements:
                siblings = {normalise_name(x.data.get("poss") or "") for x in r.entities.values() if x.data.get("member_of") == group and x is not e}
                for p_, j in self.f.agreements[group].parties.items():
                    pe = r.entities.get(p_)
                    if pe is not None and normalise_name(pe.label) not in siblings and not (pe.aliases and {normalise_name(a_) for a_ in pe.aliases} & siblings):
                        af.parties.setdefault(p_, j)
            # the clause's actors
            cl = _clause_of(clauses, a.start)
            other_ags = [o for o in ag_refs if o.key != a.key]
            clause_text = text[cl[0] : cl[1]]
            created = {x.key for x in actors if _CREATED.search(text[max(0, x.start - 40) : x.start])}
            for k in created:
                af.parties.pop(k, None) if af.parties.get(k) == i else None
            no_clause_actors = bool(_NOT_PARTY_CLAUSE.search(clause_text)) or bool(self.by_actors.get(a.key))
            for x in actors:
                if not (cl[0] <= x.start <= cl[1]):
                    continue
                if no_clause_actors and not (a.start <= x.start < span_end):
                    continue
                if _names_the_text(e, a, x):
                    continue
                before = text[cl[0] : x.start]
                # "in the mould of CERN", "like ESA": a comparison, not a party; "creates the SKAO": what the agreement sets up
                if _COMPARED.search(before) or x.key in created:
                    continue
                # "on the sidelines of the APEC summit": the body names the occasion, it is no party
                if _OCCASION_BEFORE.search(before) or _OCCASION_AFTER.match(text[x.end : cl[1]]):
                    continue
                # "... in Hiroshima, where the G7 leaders' summit was under way": a description of the place
                if x.start > a.end and re.search(r",\s+where\b", text[a.end : x.start]):
                    continue
                # "signed the declaration, watched by the prime ministers of Italy and Greece": onlookers
                if re.search(r"\b(?:watched|witnessed|looked on|observed|attended)\b|\bin the presence of\b", text[max(cl[0], a.end) : x.start]) and not (a.start <= x.start < span_end):
                    continue
                # "the wars in Gaza and Sudan", "investment across Africa": a country as a location
                if x.mention.kind == "country" and re.search(r"\b(?:in|across|throughout|inside)\s+(?:the\s+)?(?:[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)*(?:\s*,\s*|\s+and\s+))*$", before) and not (a.start <= x.start < span_end):
                    continue
                # "China has repeatedly criticised AUKUS": an opponent, not a party
                if _OPPOSED.match(text[x.end : cl[1]]):
                    continue
                # "the South Korean port city of Busan": a place's country, no party
                if x.mention.kind == "country" and re.match(r"\s+(?:port\s+|coastal\s+|northern\s+|southern\s+)?(?:city|town|capital|island|village|region)\b", text[x.end :]):
                    continue
                # "in Rarotonga, in the Cook Islands", "in Nuku'alofa, Tonga": the country locates a place
                if any(p.end <= x.start and re.fullmatch(r",\s+(?:in\s+)?(?:the\s+)?", text[p.end : x.start]) for p in places):
                    continue
                # "American and Japanese universities": a country adjective before a plural noun is no actor
                if x.mention.kind == "country" and x.mention.data.get("how") == "adjective" and re.match(r"(?:\s+and\s+[A-Z]\w+)?\s+[a-z]+s\b", text[x.end :]) and not (a.start <= x.start < span_end):
                    continue
                if e.data.get("counterpart") and r.entity(x).kind == "country" and x.key != f"country:{e.data['counterpart']}":
                    continue
                # an actor inside another agreement's own words belongs to that one, and so does one that
                # signed another ("builds on the Bletchley Declaration signed ... by 28 countries including China")
                inside_other = any(o.start <= x.start < o.end + len(r.entity(o).data.get("complement") or "") + 1 for o in other_ags)
                if inside_other or any(x in self.by_actors.get(o.key, ()) for o in other_ags):
                    continue
                if any(a.end <= o.start and o.end <= x.start and re.search(r"\bby\b", text[o.end : x.start]) for o in other_ags):
                    continue
                # skip actors that are funders or recipients named around an amount
                if any(abs(x.start - mm.end) < 12 and text[mm.end : x.start].strip() in ("from",) for mm in money):
                    continue
                if any(x.start < mm.start and re.match(r"^(?:has |have |will |would )?(?:committed|invested|pledged|contribut\w+|paid|pay)\b", text[x.end : mm.start].strip()) for mm in money):
                    continue
                af.parties.setdefault(x.key, i)
            for p in people:
                if cl[0] <= p.start <= cl[1] and (p.key in af.signatories or p.key in af.announced_by):
                    pe = r.entity(p)
                    if pe.data.get("country"):
                        af.parties.setdefault(f"country:{pe.data['country']}", i)
            # the agreement later sentences go on about ("It covers ..."): not a statement, nor a vague plural
            # ("through new and existing dialogues")
            if e.data.get("agkind") != "statement" and not e.data.get("group") and not (a.mention.data.get("plural") and not e.data.get("named")):
                self.last_agreement = a.key

        # --- part of -------------------------------------------------------------------------------
        if len(ag_refs) >= 2:
            for x, y in zip(ag_refs, ag_refs[1:]):
                if x.key == y.key:
                    continue
                between = text[x.end : y.start]
                if re.search(r"\b(?:forms?|formed|is|are|was|were|as) (?:a )?part of\b|\bpart of\b|\bunder\b|\bwithin\b|\bamends?\b|\bamending\b|\bextend(?:s|ing)?\b"
                             r"|\b(?:annexed|attached|appended) to\b"
                             r"|\b(?:one of the|a|an|the|the \w+) (?:pillars?|strands?|components?|elements?|chapters?|parts?|workstreams?|tracks?|deliverables?|outcomes?|pieces?) of\b", between):
                    self.ag(x.key).part_of.setdefault(y.key, i)
                elif re.search(r"\b(?:covers|covering|includes|including|include|comprises|comprising|contains|such as|made up of|consists of)\b", between) or (
                    re.fullmatch(r"\s*['’]s?\s+(?:[\w-]+\s+){0,3}", between) and re.search(r"\b(?:pillar|strand|programme|component|chapter|track)s?\b", y.mention.text, re.I)
                ):
                    # "the Partnership's research pillar": the possessor holds the part
                    self.ag(y.key).part_of.setdefault(x.key, i)
        # "When the agreement was due to expire, ... agreed to a six-month extension": an extension, amendment or
        # protocol with no stated whole is part of the agreement its sentence names before it
        for a in ag_refs:
            e = r.entity(a)
            if e.data.get("head") not in _AMENDING_HEADS or self.ag(a.key).part_of:
                continue
            base = [
                o for o in ag_refs
                if o.end <= a.start and o.key != a.key and r.entity(o).data.get("head") not in _AMENDING_HEADS
                and not r.entity(o).data.get("group") and not r.entity(o).data.get("member_of")
            ]
            if base:
                self.ag(a.key).part_of.setdefault(base[-1].key, i)
        # --- topics ---------------------------------------------------------------------------
        holders = [x.key for x in ag_refs] or [x.key for x in money] or [x.key for x in events]
        # a sentence of the same paragraph that goes on about the last agreement ("It covers ...", "Pillar II covers
        # ..."); not one whose subject is the topic itself ("The pandemic ... pushed back the launch")
        fallback = False
        if not holders and self.last_agreement and i > 0 and r.article.sentences[i].para == r.article.sentences[i - 1].para:
            holders = [self.last_agreement]
            fallback = not _BACK_REF.match(text)
        elif not holders and self.last_agreement and _COOPERATE_ON.search(text) and re.match(r"\s*(?:They|Both|The two|The (?:sides|partners|parties))\b", text):
            # "They also plan to work together on 5G and telecoms standards": what the parties cooperate on,
            # in a later paragraph, is a field of the agreement the article is about
            holders = [self._article_agreement(i)]
            fallback = True
        if fallback:
            topics = [t for t in topics if not re.fullmatch(r"\s*(?:the\s+|a\s+|an\s+)?", text[: t.start], re.I)]
        for t in topics:
            for h in holders:
                kind = r.entities[h].kind
                target = self.ag(h) if kind == "agreement" else self.fu(h) if kind == "funding" else self.f.events.setdefault(h, EventFacts())
                target.topics.setdefault(t.data["iri"], i)
        # --- funding --------------------------------------------------------------------------
        for k, mm in enumerate(money):
            fu = self.fu(mm.key)
            cl = _clause_of(clauses, mm.start)
            after = text[mm.end :]
            fm = re.match(r"\s+(?:in funding\s+|of (?:new )?funding\s+)?from\s+(?:the\s+)?", after)
            if fm:
                for x in actors:
                    if mm.end + fm.end() - 1 <= x.start <= mm.end + fm.end() + 2:
                        fu.funders.setdefault(x.key, i)
            if not fu.funders:
                before = [x for x in actors if cl[0] <= x.start < mm.start]
                for x in reversed(before):
                    between = text[x.end : mm.start]
                    if _FUND_VERBS.search(between) and not re.search(r"\bfrom\b|\bby\b", between):
                        fu.funders.setdefault(x.key, i)
                        # "IBM and Google will invest": coordinated actors fund together
                        for y in before:
                            if y is not x and re.fullmatch(r"\s*(?:,|and|, and)\s*", text[y.end : x.start]):
                                fu.funders.setdefault(y.key, i)
                        break
            for p in people:
                if cl[0] <= p.start < mm.start and re.search(r"\bannounc\w*|\bunveil\w*|\bpledg\w*|\bcommit\w*", text[p.end : mm.start]):
                    fu.announced_by.setdefault(p.key, i)
            # purpose: "for ...", "towards ...", "to create ..."
            pm = re.match(r"\s*(?:in funding |of (?:new )?funding |a year |over [\w -]+? )?(?:fund |grant programme |programme )?(?P<p>(?:for|towards|to|into|in)\s+[^,.;:()]+)", after)
            if pm:
                purpose = re.split(r"\s+(?:as|while|when|which|after|before|and (?:is|will|has))\s+", pm.group("p"))[0]
                purpose = " ".join(purpose.split()[:14])
                if not re.match(r"(?:to|in)\s+\d", purpose):
                    fu.purpose = purpose
            # share of a larger amount: "£14m ..., including £4m"
            if k > 0 and re.search(r"\b(?:including|of which|includ\w+)\b[^.]*$", text[money[k - 1].end : mm.start]):
                if money[k - 1].key != mm.key:
                    fu.share_of = money[k - 1].key
            if fu.share_of is None:
                whole = self._whole_of(i, mm, money, text)
                if whole is not None:
                    fu.share_of = whole
            for a in ag_refs:
                if _clause_of(clauses, a.start) == cl:
                    # "When the parliament ratified the convention, she said her country would invest €30m": the
                    # agreement of a temporal clause only dates the money; "the EU's €95.5bn research programme":
                    # the budget of a programme named beside the agreement, not the agreement's funding
                    if a.end <= mm.start and re.match(r"\s*(?:when|after|before|once|as|since|while)\b", text[cl[0] : a.start], re.I) and "," in text[a.end : mm.start]:
                        continue
                    if _PROGRAMME_BUDGET.match(text[mm.end :]):
                        continue
                    fu.attached_to.setdefault(a.key, i)
            # "the UK will pay €2.6bn ... for its participation": a payment for taking part in the agreement the
            # payer was last named a party to
            if not fu.attached_to and _FOR_PARTICIPATION.search(text):
                payers = {x.key for x in actors if cl[0] <= x.start < mm.start}
                for j in range(i - 1, max(-1, i - 8), -1):
                    cands = [x.key for x in reversed(r.sentences[j]) if r.entities[x.key].kind == "agreement" and not r.entities[x.key].data.get("group")]
                    cands = [c for c in cands if payers & set(self.ag(c).parties)]
                    if cands:
                        fu.attached_to.setdefault(cands[0], i)
                        break
            self.wholes_seen.append((i, mm))
            d = self._date_near(dates, mm.start, clauses, text)
            if d is not None and fu.date is None:
                fu.date = d
        # --- events ---------------------------------------------------------------------------
        for ev in events:
            ef = self.f.events.setdefault(ev.key, EventFacts())
            for p in people:
                ef.participants.setdefault(p.key, i)
            if places and ef.place is None:
                ef.place = places[0].key
            d = self._date_near(dates, ev.start, clauses, text)
            if d is not None and ef.date is None:
                ef.date = d
        # --- hosting --------------------------------------------------------------------------
        for m in re.finditer(r"\bhosts?\s+(?:the\s+)?(?:global\s+)?(?:headquarters|HQ|secretariat|seat)\s+of\b", text):
            host = [x for x in actors if x.end <= m.start() and r.entity(x).kind == "country"]
            org = [x for x in refs if x.start >= m.end() and r.entity(x).kind == "org"]
            if host and org:
                self.f.hosts.append((host[-1].key, org[0].key, i))
        # places named with their country: capitals are in their country
        for p in places:
            e = r.entity(p)
            from .gazetteer import gazetteer

            g = gazetteer()
            if e.label in g.country_surfaces and g.country_surfaces[e.label][1] == "capital":
                self.f.place_in.setdefault(p.key, f"country:{g.country_surfaces[e.label][0]}")

    last_outer: str | None = None

    def _whole_of(self, i: int, mm: Ref, money: list[Ref], text: str) -> str | None:
        """The larger amount this one is a share of: "invest $825m in a plant, a project expected to total
        $2.75bn"; "$1.5bn in total ...; ISRO's share is put at ₹788 crore"; "a combined $150m" then "worth $100m"
        and "up to $50m" in the next sentences (parts in the currency of the whole, summing to no more than it)."""
        r = self.r
        me = r.entity(mm)
        if _WHOLE_CUE.search(_around(text, mm)):
            return None
        share_cue = bool(re.search(r"\b(?:share|portion|part)\b(?:\s+\w+){0,4}\s*$", text[: mm.start]))
        for j, w in reversed(self.wholes_seen + [(i, x) for x in money if x is not mm]):
            if w.key == mm.key or j < i - 3:
                continue
            if j == i and w is mm:
                continue
            we = r.entity(w)
            if not _WHOLE_CUE.search(_around(r.article.sentences[j].text, w)):
                continue
            if r.article.sentences[i].para - r.article.sentences[j].para > 1:
                continue
            if we.data["currency"] != me.data["currency"]:
                if share_cue and j == i:
                    return w.key
                continue
            if me.data["amount"] >= we.data["amount"]:
                continue
            parts = [k for k, f in self.f.funding.items() if f.share_of == w.key and k != mm.key]
            total = sum(r.entities[k].data["amount"] for k in parts) + me.data["amount"]
            # across sentences only a sum of several contributions ("a combined $150m") is split up
            combined = bool(re.search(r"\b(?:combined|altogether|in all)\b", _around(r.article.sentences[j].text, w)))
            if total <= we.data["amount"] and (j == i or share_cue or _PART_CUE.search(_around(text, mm)) or combined):
                return w.key
        return None

    def _article_agreement(self, i: int) -> str:
        """The agreement a sentence that names none goes on about ("Argentina became the 28th
        signatory"): the article's own (named in its title) when one of the last three sentences
        names it, else the last agreement (not one cited in passing: "they build on the Outer
        Space Treaty")."""
        r = self.r
        title = normalise_name(r.article.title or "")
        last = self.last_agreement
        assert last is not None
        if not title:
            return last
        recent = [x.key for j in range(max(0, i - 3), i) for x in r.sentences[j] if r.entity(x).kind == "agreement"]
        for key in reversed(recent):
            e = r.entities[key]
            names = {normalise_name(e.label), *(normalise_name(a) for a in e.aliases)}
            if e.data.get("named") and any(n and f" {n} " in f" {title} " for n in names):
                return key
        return last

    def _nearest(self, ag_refs: list[Ref], cs: int, ce: int, clauses) -> list[str]:
        if not ag_refs:
            return []
        cl = _clause_of(clauses, cs)
        same = [a for a in ag_refs if cl[0] <= a.start <= cl[1]] or ag_refs
        best = min(same, key=lambda a: (min(abs(a.start - ce), abs(cs - a.end)), 0 if a.start >= ce else 1))
        # several agreements behind one mention ("agreements with Australia and the Netherlands")
        return [a.key for a in ag_refs if a.start == best.start and a.end == best.end]

    def _date_near(self, dates, pos: int, clauses, text: str) -> Literal | None:
        cl = _clause_of(clauses, pos)
        cands = [d for d in dates if cl[0] <= d.start <= cl[1]]
        if not cands:
            return None
        best = min(cands, key=lambda d: abs(d.start - pos))
        return resolve_date(best.data, self.published)


_LEGISLATURE = re.compile(
    r"\b(?:Parliament|Congress|Senate|Diet|Bundestag|Bundesrat|Riksdag|Storting|Duma|Knesset|Majlis|Lok Sabha|Rajya Sabha|"
    r"House of (?:Commons|Lords|Representatives)|Assembly)\b"
)


#: bodies of the European Union that negotiate and sign for it
_EU_INSTITUTIONS = {"European Commission", "European Council", "Council of the European Union"}
_EU_KEY = "org:" + normalise_name("European Union")


def _is_legislature(e: Entity | None) -> bool:
    return e is not None and e.kind == "org" and bool(_LEGISLATURE.search(e.label or ""))


def relate(resolved: Resolved) -> Facts:
    """All facts an article states about its entities."""
    return _Relater(resolved).run()
