"""Stage 2, recognise: sentences → typed mentions (spans with what they may stand for).

Gazetteer look-ups run through spaCy :class:`PhraseMatcher` (case-sensitive for names,
case-insensitive for topics) over a blank English tokenizer; the shapes that a
gazetteer cannot list (people with their posts, agreements, amounts of money, dates,
venues, events) are found with patterns. Nothing here decides what a mention *is*
across the article: that is :mod:`.resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ...resolve import normalise_name
from .gazetteer import gazetteer
from .segment import ArticleText, nlp

__all__ = ["Mention", "recognise", "AGREEMENT_HEADS", "POST_HEADS"]


@dataclass
class Mention:
    """A span of one sentence (character offsets within the sentence text)."""

    kind: str  # country | org | person | agreement | money | date | topic | place | event | government
    start: int
    end: int
    text: str
    sent: int
    data: dict = field(default_factory=dict)

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


# --- patterns ----------------------------------------------------------------------------

# (Latin Extended-A too: "Maroš Šefčovič", "Łukasz")
_CAP = r"(?:[A-ZÀ-ÞĀ-ſ][a-zß-ÿĀ-ſ]+(?:-[A-ZÀ-Þa-zß-ÿĀ-ſ][a-zß-ÿĀ-ſ]+)*|[A-Z][a-z]*[A-Z][a-z]+|[OD]['’][A-Z][a-z]+|[A-Z]\.)"
_PARTICLE = r"(?:van der|von der|van|von|der|de|da|bin|al|le|la|di|du|dos|ibn)"
NAME = rf"(?:{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{1,3}})"
_NAME_RE = re.compile(NAME)

#: heads of post phrases ("defence secretary", "minister of ...", "director-general")
POST_HEADS = (
    "prime minister", "deputy prime minister", "minister", "ministers", "secretary", "secretaries", "president", "vice president",
    "vice-president", "chancellor", "vice-chancellor", "treasurer", "administrator", "ambassador", "adviser", "advisers", "advisor",
    "advisors", "director-general", "director general", "director", "commissioner", "chief executive", "chair", "chairman",
    "chairwoman", "chairperson", "head", "governor", "mayor", "premier", "vice premier", "envoy", "diplomat", "chief scientist",
    "chief scientific adviser", "undersecretary", "under secretary", "spokesperson", "spokesman", "spokeswoman",
    "president-elect", "king", "queen", "senator", "foreign minister", "deputy minister", "state secretary",
    "counterpart", "astronaut", "councillor", "federal councillor", "minister of state",
    "representative", "high representative", "permanent representative", "executive vice-president", "executive vice-presidents",
    "senior official", "senior arctic official",
)
_POST_HEAD_RE = "|".join(sorted((re.escape(h) for h in POST_HEADS), key=len, reverse=True))
_TITLES = (
    "President-elect", "President", "Vice President", "Vice-President", "Prime Minister", "Deputy Prime Minister",
    "Chancellor of the Exchequer", "Chancellor", "Secretary of State", "Secretary-General", "Secretary General",
    "Foreign Minister", "Foreign Secretary", "Defence Secretary", "Defense Secretary", "Science Minister", "Minister",
    "Premier", "Vice Premier", "King", "Queen", "Crown Prince", "Prince", "Princess", "Sheikh", "Senator", "Ambassador",
    "Administrator", "Commissioner", "Director-General", "Director General", "Chief Executive", "Governor", "Mayor",
    "Dr", "Dr.", "Professor", "Prof.", "Sir", "Dame", "Federal Councillor", "Councillor",
)
_TITLE_RE = "|".join(sorted((re.escape(t) for t in _TITLES), key=len, reverse=True))
# "President Joe Biden", "NASA Administrator Bill Nelson", "South Korea's President Yoon"
_TITLED = re.compile(rf"(?P<post>(?:\b[A-Z]{{2,6}}\s+)?\b(?:{_TITLE_RE}))\s+(?P<name>{NAME}|{_CAP}(?=\W))")
# "science minister George Freeman", "minister of trade, industry and energy Bang Moon-kyu"
_LOWER_POST = re.compile(
    rf"(?P<post>\b(?:[a-z][a-z-]*,?\s+){{0,5}}(?:{_POST_HEAD_RE})(?:\s+(?:of|for|to)\s+(?:(?:[a-z][a-z-]*|and|[A-Z]{{2,5}}),?\s+){{1,8}}?)?)\s*(?P<name>{NAME})"
)
# "Name, the secretary of state for ...", "Name, Australia's defence industry minister"
_APPOS = re.compile(
    rf"(?P<name>{NAME}),\s+(?!and\s)(?P<post>(?:who (?:became|is|was) |then |the |a |former |now )*[^,.;:()]*?\b(?i:{_POST_HEAD_RE})\b(?:[^,.;:()]|,(?=\s+[a-z][\w-]*(?:,\s+[a-z][\w-]*)*\s+and\s))*?)(?=,|\.|;|:|\(|$| who | which | said| has| had| will| would| signed| and (?:[A-Z]|the [A-Z])| took| announced| called| helped| leads| set)"
)
# "Commerce Secretary Gina Raimondo", "US Trade Representative Katherine Tai", "Executive Vice-Presidents A and B"
_CAP_POST = re.compile(
    rf"(?P<post>(?:\b(?:[A-Z][a-z]+|[A-Z]{{2,5}})\s+){{0,3}}\b(?:Secretary|Secretaries|Ministers?|Representative|Vice-Presidents?|Presidents?"
    rf"|Commissioners?|Director|Envoy|Adviser|Administrator|Governor|Chancellor|Ambassador|Astronaut|Treasurer))\s+(?P<name>{NAME})"
)
# "appointed James Mnyupe as its hydrogen commissioner"
_APPOINTED = re.compile(
    rf"\b(?:appointed|named|nominated|chose|picked)\s+(?P<name>{NAME})\s+(?:as|to be)\s+(?:its|the|their|his|her|[A-Z]\w+(?:'s|’s))\s+"
    rf"(?P<post>(?:[a-z][\w-]*\s+){{0,4}}?(?i:{_POST_HEAD_RE}))\b"
)
_PAIR_APPOS = re.compile(
    rf"(?P<a>{NAME})\s+and\s+(?P<b>{NAME}),\s+(?:the\s+)?(?P<post>(?:[\w’'-]+\s+){{0,3}}?(?i:{_POST_HEAD_RE})s?\b(?:\s+(?:of|for|to|at)\s+(?:the\s+)?[A-Z][^,.;:()]*)?)"
)
# "Kenya's Cabinet Secretary for Foreign Affairs, Musalia Mudavadi, and ...": a post, then the name between commas
_POST_COMMA_NAME = re.compile(
    rf"(?P<post>\b[A-Z][\w-]*(?:'s|’s)\s+(?:[A-Z][\w-]*\s+){{0,3}}(?:Secretary|Minister|Commissioner|Ambassador|Director|President|Adviser|Envoy|Chancellor)"
    rf"(?:\s+(?:of|for)\s+[A-Z][^,;:()]*)?),\s+(?P<name>{NAME}),"
)
_SAID = re.compile(rf"(?P<name>{NAME})\s+(?:said|says|told|added|announced|signed|called|described|stressed|argued|urged|noted|unveiled|criticised|criticized|welcomed|praised|warned|insisted|confirmed|pledged)\b")
_LEADER_OF = re.compile(rf"\b(?:administration|government|presidency|premiership) of (?P<name>{NAME})")
#: "The US health secretary, Robert F. Kennedy Jr., criticised": a lower-case post, then the name between commas
_LOWER_POST_COMMA = re.compile(
    rf"\b(?:[Tt]he\s+(?:[a-z]+(?:'s|’s)\s+)?|(?=[A-Z][\w-]*(?:'s|’s)\s))(?P<post>(?:[A-Z][\w-]*(?:'s|’s)\s+|[A-Z]{{2,5}}\s+|[A-Z][a-z]+\s+)?(?:[a-z][a-z-]*\s+){{0,3}}(?i:{_POST_HEAD_RE})"
    rf"(?:\s+(?:of|for)\s+(?:[a-z]+\s+){{0,3}}?(?:[A-Z][\w-]*\s*){{0,3}}?[a-z]*)?),\s+(?P<name>{NAME}(?:\s+Jr\.)?),"
)

AGREEMENT_HEADS = {
    "memorandum of understanding": "mou",
    "memoranda of understanding": "mou",
    "memorandum of cooperation": "mou",
    "memorandum": "mou",
    "memoranda": "mou",
    "roadmap": "agreement",
    "action plan": "agreement",
    "membership": "agreement",
    "mou": "mou",
    "letter of intent": "declaration",
    "declaration of intent": "declaration",
    "communication of intent": "declaration",
    "declaration": "declaration",
    "joint statement": "statement",
    "cooperation statement": "statement",
    "statement of intent": "declaration",
    "agreement": "agreement",
    "accord": "accord",
    "accords": "accord",
    "treaty": "treaty",
    "convention": "convention",
    "deal": "deal",
    "pact": "agreement",
    "protocol": "agreement",
    "partnership": "partnership",
    "arrangement": "agreement",
    "dialogue": "dialogue",
    "common understanding": "agreement",
    "package": "agreement",
    "initiative": "agreement",
    "charter": "agreement",
    "compact": "agreement",
    "principles": "agreement",
    "extension": "agreement",
}
_AG_HEAD_RE = "|".join(sorted((re.escape(h) for h in AGREEMENT_HEADS), key=len, reverse=True))
#: capitalised heads that close an instrument's name ("Economic Partnership Agreement", "European Chips Act", "Green Alliance")
_NAMED_HEADS = "|".join([h.title() for h in AGREEMENT_HEADS if " " not in h] + ["Act", "Alliance", "Statement", "Commitments", "Framework", "Targets"])
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_NAMED_AG = re.compile(
    rf"(?P<name>(?:[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)*\s+(?:(?:and|on|of|for|in|the|&)\s+)?)*?"
    rf"(?:[A-Z][A-Za-z]*|\d{{4}})(?:-[A-Z][A-Za-z]*)*\s+(?:{_NAMED_HEADS}|Memorandum of Understanding)\b(?:\s+(?:{_NAMED_HEADS})\b)*"
    rf"(?:\s+(?:on|for|of|Establishing|establishing)\s+(?!(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES})\b)(?:the\s+)?(?:[A-Z][A-Za-z]*(?:\s+|\b))+)?)"
)
_HEAD_FIRST_AG = re.compile(
    r"(?P<name>(?:Convention|Treaty|Agreement|Initiative|Declaration|Memorandum|Partnership|Charter|Protocol|Roadmap|Pact|Compact|Accord) (?:on|for|of|Establishing|establishing|between) (?:the )?"
    r"(?:[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)*(?: (?:and|of|on|for|in|the|beyond|between|to) (?:the )?(?=[A-Z])| |\b))+)"
)
# generic: "a new bilateral accord", "a memorandum of understanding between X and Y", "IBM's partnership"
_GENERIC_HEAD = re.compile(rf"\b(?P<head>{_AG_HEAD_RE})(?P<plural>s)?\b", re.I)
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "their", "its", "his", "her", "our", "another", "further", "any", "each", "every", "no"}
_NOT_MODIFIERS = _DETERMINERS | {
    "of", "on", "in", "to", "for", "with", "by", "at", "from", "and", "or", "but", "as", "under", "into", "towards", "between",
    "has", "have", "had", "is", "are", "was", "were", "be", "been", "will", "would", "could", "should", "can", "may", "might",
    "signs", "signed", "sign", "signing", "covers", "covered", "includes", "included", "including", "marking", "marks", "reached",
    "reach", "opened", "open", "launched", "launch", "announced", "announce", "agreed", "agree", "renewed", "renew", "said", "says",
    "made", "make", "struck", "strike", "secured", "secure", "sealed", "seal", "forms", "form", "part", "also", "not", "only",
    "once", "again", "still", "yet", "now", "then", "that", "which", "who", "it", "they", "we", "he", "she", "there", "here",
    "join", "joined", "joining", "endorsed", "adopted", "initialled", "amends", "amend", "extends", "extend", "handed", "plan",
    "plans", "planned", "about", "over", "after", "before", "since", "until", "during", "within", "without", "against", "around",
    "through", "across", "among", "amongst", "toward", "including", "behind", "beyond", "alongside",
    "this", "raft", "kind", "type", "set", "series", "number", "range", "way", "way", "onto", "upon", "via", "per", "than", "so",
    "such", "like", "up", "out", "off", "down", "some", "all", "both", "either", "neither", "more", "most", "less", "least",
}
_AG_STOP_MODS = {"grant", "grants", "programmes", "corporate", "purchase", "power", "loan", "licence", "license"}

_MONEY = re.compile(
    r"(?P<amt>(?:(?P<code>USD|EUR|GBP|CHF|JPY|CNY|INR|KRW|AUD|CAD|NZD|AED|SEK|NOK|DKK)\s?|(?P<sign>A\$|AU\$|C\$|CA\$|NZ\$|S\$|HK\$|US\$|R\$|£|€|\$|¥|₩|₹))"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>trillion|billion|million|thousand|crore|lakh|bn|tn|mn|m|k|b)?)\b"
    r"|(?P<amt2>(?P<num2>\d[\d,]*(?:\.\d+)?)\s?(?P<scale2>trillion|billion|million|bn|m)?\s+(?P<word>pounds|euros|dollars|yen|won|rupees|Swiss francs|francs|yuan))\b"
)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_MONTH_RE = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY_RE = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DATE = re.compile(
    rf"\b(?P<dmy>(?P<d>\d{{1,2}})(?:\s+(?:and|to|-|–)\s+\d{{1,2}})?\s+(?P<m>{_MONTH_RE})(?:\s+(?P<y>\d{{4}}))?)\b"
    rf"|\b(?P<mdy>(?P<m2>{_MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y2>\d{{4}}))?)\b"
    rf"|\b(?P<my>(?:(?:early|mid|late)[- ])?(?P<m3>{_MONTH_RE})(?:\s+(?P<y3>\d{{4}}))?)\b"
    rf"|\b(?:in|since|from|by|until|during)\s+(?P<year>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<rel>last|this|next|earlier this|later this)\s+(?P<unit>week|month|year|September|{_MONTH_RE}|{_WEEKDAY_RE})\b"
    rf"|\b(?:on\s+)?(?P<wd>{_WEEKDAY_RE})\b"
)
_EVENT = re.compile(
    r"(?P<pre>(?:(?:[A-Z][A-Za-z0-9]*|\d+(?:st|nd|rd|th))(?:[- ][A-Z][A-Za-z0-9]*)*(?:'s|’s|s')?\s+)?)"
    r"(?P<mods>(?:(?:state|official|leaders'|leaders’|first|ministerial|signing|press|joint|autumn|spring|bilateral|annual|inaugural|next|"
    r"climate|change|biodiversity|ocean|oceans|water|energy|science|research|space|nuclear|health|security|environment|"
    r"(?:one|two|three|four|five|six|seven|\d+)-(?:day|nation|country)|week-long|weeklong|working|historic|landmark|maiden)\s+){0,3})"
    r"(?P<head>summit|Summit|visit|ceremony|press conference|conference|Conference|meeting|forum|Forum|joint statement|autumn statement|Autumn Statement|event|mission)\b"
    r"(?P<post>\s+(?:of|to)\s+(?:the\s+)?(?:[A-Z][A-Za-z-]*(?:\s+|\b))+)?"
)
# (lower-case particles inside a name: "Sharm el-Sheikh", "Rio de Janeiro", "Dar es Salaam")
_PLACE_PREP = re.compile(r"(?:\b|^)(?P<prep>in|at|near|visit to|trip to|visited|visiting|^In|^At)\s+(?P<the>the\s+)?(?P<name>(?:(?:St|Mt|Ste|Ft)\.\s+[A-ZÀ-Ý][\wÀ-ÿ'’/-]*|[A-ZÀ-Ý][\wÀ-ÿ'’/-]*|//[A-Z][\w]*)(?:(?:\s+|\s+(?:el|al|de|da|do|dos|das|del|es|sur|upon)[\s-](?=[A-ZÀ-Ý]))(?:[A-ZÀ-Ý][\wÀ-ÿ'’/-]*|//[A-Z]\w*))*)")
_PLACE_STOP = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Moon", "Mars", "Earth",
    "The", "A", "An", "It", "This", "That", "Under", "As", "Its", "Their", "His", "Her", "Our",
    # parts of programmes and texts: "take part in Pillar II", "in Article 5"
    "Pillar", "Article", "Annex", "Chapter", "Phase", "Part", "Section", "Horizon",
}
_GOVERNMENT = re.compile(r"\b(?P<who>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*)(?:'s|’s)?\s+(?P<mod>central |federal |national )?(?P<head>government|administration)\b")
_ACRONYM_DEF = re.compile(r"(?P<full>(?:[A-Z][\w’'-]*|of|for|and|the|on|in|&)(?:[ ,]+(?:[A-Z][\w’'-]*|of|for|and|the|on|in|&))*)\s+\((?P<acr>[A-Za-z][A-Za-z0-9&+-]{1,9})\)")
_ORG_HEADS = (
    "Ministry", "Department", "Agency", "Office", "Council", "Commission", "Committee", "Institute", "Foundation",
    "University", "Organisation", "Organization", "Administration", "Authority", "Centre", "Center", "Academy",
    "Society", "Secretariat", "Corporation", "Company", "Bank", "Laboratory", "Cabinet", "Parliament", "Assembly",
    "Accelerator", "Observatory", "Force", "Board", "Service", "Federation", "Association", "Confederation", "Senate", "Diet", "Navy", "Army",
    "College", "Hospital", "Museum", "Party",
)
#: a company introduced by what it does: "carmaker Toyota", "the Houston company Axiom Space"
_COMPANY = re.compile(
    r"\b(?:carmaker|automaker|chipmaker|company|firm|start-up|startup|manufacturer|developer|conglomerate|miner|producer|operator|contractor|bank|lender|insurer)"
    r"\s+(?P<name>[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+){0,3})"
)
#: "companies including Google, Microsoft, Meta and OpenAI", "firms such as Airbus and Thales"
_COMPANY_LIST = re.compile(
    r"\b(?:companies|firms|carmakers|chipmakers|manufacturers|start-ups|startups|developers|operators|contractors),?\s+(?:including|such as|among them|like)\s+"
    r"(?P<names>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2}(?:,\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})*(?:,?\s+and\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})?)"
)
#: a company described in apposition: "Hysata, a Wollongong start-up,", "Edify Energy, the Brisbane developer"
_COMPANY_APPOS = re.compile(
    r"\b(?P<name>[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+){0,2}),\s+(?:a|an|the)\s+(?:[A-Z][\w-]*\s+|[a-z-]+\s+){0,3}?"
    r"(?:start-up|startup|company|firm|developer|manufacturer|carmaker|chipmaker|maker|conglomerate|group|operator|contractor)\b"
)
_ORG_PHRASE = re.compile(
    rf"\b(?P<name>(?:[A-Z][\w’'-]*\s+(?:(?:and(?!\s+the\b)|for|of|the|on)\s+)*)*(?:{'|'.join(_ORG_HEADS)})\b(?:\s+(?:of|for|on)\s+(?:the\s+)?(?:[A-Z][\w’'-]*(?:,?\s+(?:and\s+)?|\b))+)?)"
)


@lru_cache(maxsize=1)
def _matchers():
    from spacy.matcher import PhraseMatcher

    g = gazetteer()
    pipeline = nlp()
    make = pipeline.make_doc
    names = PhraseMatcher(pipeline.vocab, attr="ORTH")
    surfaces_country = list(g.country_surfaces)
    names.add("COUNTRY", [make(s) for s in surfaces_country])
    org_surfaces: set[str] = set()
    seen_entries = {id(e): e for e in g.orgs.values()}
    for e in seen_entries.values():
        for s in (e.name, *e.aliases, *([e.acronym] if e.acronym else [])):
            org_surfaces.add(s)
            if s.startswith("the "):
                org_surfaces.add(s[4:])
    names.add("ORG", [make(s) for s in sorted(org_surfaces)])
    people = set()
    for p in g.people.values():
        people.add(p.name)
        people.update(p.aliases)
    names.add("KNOWN_PERSON", [make(s) for s in people])
    if g.venues:
        names.add("VENUE", [make(s) for s in sorted(g.venues)])
    topics = PhraseMatcher(pipeline.vocab, attr="LOWER")
    topics.add("TOPIC", [make(s) for s in g.topic_surfaces])
    return names, topics


def _add(out: list[Mention], m: Mention) -> None:
    out.append(m)


def _post_country(post: str, sent_mentions: list[Mention], offset: int) -> str | None:
    g = gazetteer()
    for surface, (code, _how) in sorted(g.country_surfaces.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<![\w-]){re.escape(surface)}(?:'s|’s|')?(?![\w-])", post):
            return code
    return None


def recognise(article: ArticleText) -> list[list[Mention]]:
    """Mentions of each sentence, in sentence order (overlaps left for :mod:`.resolve`)."""
    names, topics = _matchers()
    make = nlp().make_doc
    out: list[list[Mention]] = []
    for s in article.sentences:
        out.append(recognise_sentence(s.text, s.index, names, topics, make))
    return out


def recognise_sentence(text: str, idx: int, names=None, topics=None, make=None) -> list[Mention]:
    if names is None:
        names, topics = _matchers()
        make = nlp().make_doc
    g = gazetteer()
    ms: list[Mention] = []
    doc = make(text)
    vocab = doc.vocab
    # gazetteer names (countries, organisations, known people): longest match wins
    spans = []
    for match_id, start, end in names(doc):
        spans.append((start, end, vocab.strings[match_id]))
    spans.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    taken: set[int] = set()
    for start, end, label in spans:
        if label == "VENUE" and any(i in taken for i in range(start, end)):
            # "the White House" is also the US government: leave the choice to resolve
            span = doc[start:end]
            ms.append(Mention("place", span.start_char, span.end_char, span.text, idx, {"prep": "at", "the": False, "known": True}))
            continue
        if any(i in taken for i in range(start, end)):
            continue
        span = doc[start:end]
        # "Korea" in "Korea-based" is fine, but never match inside a hyphenated word
        if start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ and label != "COUNTRY":
            continue
        taken.update(range(start, end))
        surface = span.text
        if label == "COUNTRY":
            if start > 0 and doc[start - 1].text in ("North", "South", "Central", "Latin") and surface == "America":
                continue  # a continent, not the United States
            code, how = g.country_surfaces[surface]
            ms.append(Mention("country", span.start_char, span.end_char, surface, idx, {"code": code, "how": how}))
        elif label == "VENUE":
            ms.append(Mention("place", span.start_char, span.end_char, surface, idx, {"prep": "at", "the": False, "known": True}))
        elif label == "ORG":
            e = g.org(surface)
            ms.append(Mention("org", span.start_char, span.end_char, surface, idx, {"entry": e}))
        else:
            ms.append(Mention("person", span.start_char, span.end_char, surface, idx, {"known": g.people[normalise_name(surface)]}))
    # topics (case-insensitive)
    tspans = sorted(((s, e) for _, s, e in topics(doc)), key=lambda t: (-(t[1] - t[0]), t[0]))
    ttaken: set[int] = set()
    for start, end in tspans:
        if any(i in ttaken for i in range(start, end)):
            continue
        ttaken.update(range(start, end))
        span = doc[start:end]
        iri = g.topics.get(span.text)
        if iri is not None:
            ms.append(Mention("topic", span.start_char, span.end_char, span.text, idx, {"iri": iri}))
    _people(text, idx, ms)
    _orgs(text, idx, ms)
    _agreements(text, idx, ms)
    _money(text, idx, ms)
    _dates(text, idx, ms)
    _places(text, idx, ms)
    _events(text, idx, ms)
    return _drop_name_topics(text, ms)


#: a body or post whose name a topic word is part of: "Minister of Innovation, Science and Industry"
_POST_BEFORE = re.compile(r"\b(?:Minister|Ministry|Commissioner|Secretary|Department|Office|Agency|Council|Committee|Institute|Centre|Center|Directorate|Secretariat)\s+(?:of|for)\s+(?:(?:the\s+)?[A-Z][\w-]*,?\s+(?:and\s+)?)*$")
#: a topic phrase qualifying a body, post or facility: "a space agency", "the Space Applications Centre"
_NAME_HEAD_AFTER = re.compile(r"\s*(?:councils?|committees?|agenc(?:y|ies)|centres?|centers?|institutes?|ministr(?:y|ies)|departments?|offices?|stations?|ministers?|commissioners?|secretary|secretaries|advis[eo]rs?|envoys?|launch vehicle|vehicle|directorate)\b", re.I)
#: plural nouns for institutions: actors ("the two universities"), not subjects of cooperation
_INSTITUTION_NOUNS = {"university", "universities", "laboratories", "labs", "companies", "schools", "colleges"}


def _drop_name_topics(text: str, ms: list[Mention]) -> list[Mention]:
    """Topic words inside the names of bodies, posts, programmes and places ("International Space Station",
    "Digital Europe", "Minister of Innovation, ...") and plural institution nouns are no topics."""
    spans = [(m.start, m.end) for m in ms if m.kind in ("org", "place", "event", "person") or (m.kind == "agreement" and m.data.get("named"))]
    out = []
    for m in ms:
        if m.kind == "topic":
            if any(s <= m.start and m.end <= e and (s, e) != (m.start, m.end) for s, e in spans):
                continue
            if m.text.lower() in _INSTITUTION_NOUNS:
                continue
            if _POST_BEFORE.search(text[: m.start]) or _NAME_HEAD_AFTER.match(text[m.end :]):
                continue
            # capitalised inside a sentence next to another capitalised word: part of a proper name
            if m.text[:1].isupper() and m.start > 0 and text[: m.start].strip()[-1:] not in (".", "", '"', "“"):
                prev = re.search(r"([A-Z][\w-]*)\s+$", text[: m.start])
                nxt = re.match(r"\s+(?:of\s+)?([A-Z][\w+-]*)", text[m.end :])
                if prev or nxt:
                    continue
        out.append(m)
    return out


_NOT_NAME_WORDS = {
    "In", "On", "At", "The", "A", "An", "After", "Before", "Under", "As", "For", "Since", "When", "While", "With", "By",
    "From", "To", "Of", "And", "But", "Or", "If", "This", "That", "These", "Those", "It", "Its", "Their", "His", "Her",
    "Our", "We", "They", "He", "She", "Both", "Some", "Many", "Most", "Among", "Along", "Not", "Rather", "Read", "More",
    "Then", "Now", "Also", "Last", "Next", "Earlier", "Later", "Yet", "Still", "Only", "Much", "Others", "Other", "Every",
    "Each", "Any", "All", "Such", "Six", "Seven", "Five", "Three", "Two", "Four", "Eight", "Nine", "Ten", "Minister", "Treasurer",
    "President", "Secretary", "Prime", "Chancellor", "Administrator", "Ambassador", "Vice", "Deputy", "Director", "Data",
    "Science", "Research", "Technology", "Agreement", "Accord", "Accords", "Treaty", "Deal", "Partnership", "Government",
    "National", "Federal", "Department", "Ministry", "Agency", "Council", "Commission", "Committee", "Union", "University",
    "Space", "Station", "Programme", "Program", "Fund", "Observatory", "Institute", "Summit", "State", "Foreign", "Defence",
    "Defense", "Under", "Pillar", "Office", "Board", "Centre", "Center", "Europe", "European", "International", "Global",
    "Councillor", "Commissioner", "Governor", "Ambassador", "Senator", "Astronaut", "Chairman", "Chair", "Professor",
    "Declaration", "Convention", "Protocol", "Charter", "Memorandum", "Pact", "Alliance", "Act", "Initiative", "Compact",
    "Arrangement", "Dialogue", "Commitments", "Principles", "Strategy", "Plan", "Mission", "Project", "Telescope",
    "Representative", "Trade", "Executive", "Vice-President", "Vice-Presidents", "High", "Permanent",
}
_MONTH_WORDS = {m.title() for m in ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]} | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def valid_name(name: str) -> bool:
    """Whether a capitalised sequence can be a person's name (not a date, place, body or clause start)."""
    toks = name.replace("-", " ").split()
    if not toks or toks[0] in _NOT_NAME_WORDS or toks[-1] in _NOT_NAME_WORDS:
        return False
    if any(t in _MONTH_WORDS or t in _NOT_NAME_WORDS for t in toks):
        return False
    g = gazetteer()
    if name in g.country_surfaces or g.org(name) is not None:
        return False
    if any(t in g.country_surfaces for t in name.split()):
        return False
    return True


def _clean_post(post: str) -> str:
    """Keep a post phrase from its first content word ("along with minister of ..." → "minister of ...")."""
    words = post.split()
    # ("new" only in lower case: "New Zealand's minister ..." keeps its country)
    while words and (words[0].lower().strip(",") in _NOT_MODIFIERS or words[0].strip(",") in {"along", "said", "told", "called", "named", "appointed", "former", "then", "new", "who", "became"}):
        words = words[1:]
    return " ".join(words).strip().rstrip(",")


def _people(text: str, idx: int, ms: list[Mention]) -> None:
    found: list[Mention] = []

    def add(name: str, start: int, post: str | None, how: str) -> None:
        name = name.strip()
        name = re.sub(r"(?:'s|’s)$", "", name)
        # "Federal Councillor Guy Parmelin, head of ...": drop leading title words from a captured name
        while not valid_name(name) and len(name.split()) > 2 and name.split()[0] in _NOT_NAME_WORDS:
            first = name.split()[0]
            start += len(first) + (len(name) - len(name[len(first):].lstrip()) - len(first))
            name = name[len(first):].lstrip()
        if not valid_name(name) and not (how == "title" and " " not in name and name not in _NOT_NAME_WORDS and name not in _MONTH_WORDS):
            return
        if post is not None:
            post = _clean_post(post) or None
        end = start + len(name)
        for m in found:
            if m.start == start and m.end == end:
                old = m.data.get("post")
                if post and (not old or (len(post) > len(old) and post.endswith(old))):
                    m.data["post"] = post  # "Trade Minister" over "Minister"
                return
        found.append(Mention("person", start, end, name, idx, {"post": post, "how": how}))

    for m in _TITLED.finditer(text):
        add(m.group("name"), m.start("name"), m.group("post"), "title")
    for m in _LOWER_POST.finditer(text):
        post = m.group("post").strip().rstrip(",")
        if re.search(r"(?:,|\band)$", post):
            continue  # "the minister of research, science and innovation, and Mariya Gabriel": a list, not her post
        # keep the post from the head on ("the new defence secretary" → "defence secretary")
        post = re.sub(r"^(?:the|a|an|former|new|then|and|with|by|of|as|said|that)\s+", "", post)
        add(m.group("name"), m.start("name"), post, "post-before")
        # "advisers Jake Sullivan and Ajit Doval": a plural post covers both
        tail = text[m.end("name"):]
        c = re.match(rf"\s+and\s+(?P<name>{NAME})", tail)
        if c:
            shared = post if re.search(r"(?:s|ies)$", post.split(" of ")[0].split(" for ")[0].strip()) else None
            add(c.group("name"), m.end("name") + c.start("name"), shared, "coordinated")
    for m in _CAP_POST.finditer(text):
        post = m.group("post")
        add(m.group("name"), m.start("name"), post, "title")
        c = re.match(rf"\s+and\s+(?P<name>{NAME})", text[m.end("name"):])
        if c:
            shared = post if re.search(r"(?:s|ies)$", post) else None
            add(c.group("name"), m.end("name") + c.start("name"), shared, "coordinated")
    for m in _POST_COMMA_NAME.finditer(text):
        add(m.group("name"), m.start("name"), m.group("post"), "post-before")
    for m in _LOWER_POST_COMMA.finditer(text):
        add(m.group("name"), m.start("name"), m.group("post"), "post-before")
    for m in _APPOINTED.finditer(text):
        add(m.group("name"), m.start("name"), m.group("post"), "apposition")
    # "led by Margrethe Vestager and Valdis Dombrovskis, Executive Vice-Presidents of the European Commission"
    for m in _PAIR_APPOS.finditer(text):
        post = m.group("post").strip()
        add(m.group("a"), m.start("a"), post, "apposition")
        add(m.group("b"), m.start("b"), post, "apposition")
    for m in _APPOS.finditer(text):
        post = m.group("post").strip()
        post = re.sub(r"^(?:(?:who (?:became|is|was)|then|the|a|former|now)\s+)+", "", post)
        add(m.group("name"), m.start("name"), post, "apposition")
    for m in _SAID.finditer(text):
        add(m.group("name"), m.start("name"), None, "speaker")
    for m in _LEADER_OF.finditer(text):  # "the administration of Ronald Reagan"
        add(m.group("name"), m.start("name"), None, "speaker")
    # "Jim Skea of the United Kingdom", "Helen Roy of the United Kingdom, Aníbal Pauchard of Chile":
    # a name followed by the state it comes from (not "Bank of England": no body or state word)
    surfaces = gazetteer().country_surfaces
    for m in _NAME_RE.finditer(text):
        after = _OF_COUNTRY.match(text, m.end())
        if after is None or any(t in _ORG_HEAD_WORDS or t in _STATE_WORDS for t in m.group(0).split()):
            continue
        words = after.group("country").split()
        hit = next((h for k in range(len(words), 0, -1) if (h := surfaces.get(" ".join(words[:k]))) is not None), None)
        if hit is None or hit[1] in ("capital", "adjective"):
            continue
        n = len(found)
        add(m.group(0), m.start(), None, "of-country")
        if len(found) > n:
            found[-1].data["country"] = hit[0]
    # a second full name coordinated with a titled person: "President Jimmy Carter and Deng Xiaoping"
    for m in list(found):
        c = re.match(rf"\s+and\s+(?P<name>{NAME})", text[m.end:])
        if c:
            add(c.group("name"), m.end + c.start("name"), None, "coordinated")
    ms.extend(found)


#: a person and the state they come from: "Thelma Krug of Brazil"
_OF_COUNTRY = re.compile(r"\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w’'-]*(?:\s+(?:and\s+the\s+|and\s+)?[A-Z][\w’'-]*){0,3})(?![\w’'-])")
_ORG_HEAD_WORDS = set(_ORG_HEADS) | {"Platform", "Panel", "Network", "Fund", "Union", "Group", "Programme", "Program", "Agreement",
                                     "Treaty", "Convention", "Declaration", "Partnership", "Initiative", "Summit", "Conference",
                                     "Party", "Congress", "Court", "Coalition", "Movement", "Front", "League", "Church"}
_STATE_WORDS = {"Republic", "Kingdom", "State", "States", "Islands", "Federal", "Democratic", "People's", "Royal", "Government",
                "Embassy", "Prime", "Central", "National", "Free", "Grand", "Duchy", "Principality", "Commonwealth", "Sultanate"}


def _orgs(text: str, idx: int, ms: list[Mention]) -> None:
    for m in _ACRONYM_DEF.finditer(text):
        full = m.group("full")
        # trim leading words that cannot start a name ("the", "with", sentence starts)
        words = full.split(" ")
        while words and (words[0][:1].islower() or words[0] in ("The", "A", "An", "Under", "Its")):
            words = words[1:]
        if not words:
            continue
        if len(words) > 1 and re.fullmatch(r"[A-Z][\w.-]*(?:'s|’s)", words[0]):
            words = words[1:]  # "NASA's Jet Propulsion Laboratory (JPL)": the body after its parent's possessive
        full = " ".join(words).rstrip(",")
        start = m.start("full") + (len(m.group("full")) - len(" ".join(words)))
        ms.append(Mention("acronym", start, m.end(), m.group(0)[start - m.start():], idx, {"full": full, "acronym": m.group("acr")}))
    for m in _ORG_PHRASE.finditer(text):
        name = m.group("name").strip().rstrip(",")
        name = re.sub(r"\s+(?:and|of|for|the|on)$", "", name)
        if len(name.split()) < 2:
            continue
        start = m.start("name")
        if name.startswith(("The ", "A ")) or re.match(r"[A-Z][\w.-]*(?:'s|’s) ", name):
            name = name.split(" ", 1)[1]
            start += text[start:].index(name)
        ms.append(Mention("org-phrase", start, start + len(name), name, idx, {}))
    # companies, which no gazetteer lists: named in a list, in apposition, or after what they do
    def company(name: str, start: int) -> None:
        if name.split()[0] not in _NOT_NAME_WORDS and name not in gazetteer().country_surfaces:
            ms.append(Mention("org-phrase", start, start + len(name), name, idx, {"company": True}))

    for m in _COMPANY_LIST.finditer(text):
        for n in re.finditer(r"[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2}", m.group("names")):
            company(n.group(0), m.start("names") + n.start())
    for rx in (_COMPANY_APPOS, _COMPANY):
        for m in rx.finditer(text):
            company(m.group("name"), m.start("name"))
    for m in _GOVERNMENT.finditer(text):
        ms.append(Mention("government", m.start(), m.end(), m.group(0), idx, {"who": m.group("who"), "head": m.group("head")}))


#: cooperation with a partner that is being weighed: "are considering cooperation with Japan on ..."
_COOPERATION_TALKS = re.compile(
    r"\b(?:consider(?:ing|s)?|explor(?:ing|es?)|discuss(?:ing|es)?|negotiat(?:ing|es?)|talks on|talks about|agreed to expand)\s+"
    r"(?:(?:closer|deeper|further|possible|their|its)\s+)?(?P<np>cooperation\s+with\s+(?P<who>(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*))"
)


_CAP_NAME_LOWER_HEAD = re.compile(
    r"\bthe\s+(?P<caps>(?:[A-Z][\w'’-]+\s+){1,3})(?P<head>treaty|pact|accord|accords|agreement|deal|partnership|declaration|charter|convention)\b(?!\s+(?:of|on|between|with|centres?|centers?|halls?)\b)"
)


def _agreements(text: str, idx: int, ms: list[Mention]) -> None:
    for m in _COOPERATION_TALKS.finditer(text):
        ms.append(Mention("agreement", m.start("np"), m.end("np"), m.group("np"), idx, {
            "named": False, "head": "cooperation", "kind": "agreement", "det": "", "mods": "", "poss": None, "plural": False,
            "complement": "with " + m.group("who"), "in_principle": False,
        }))
    named: list[tuple[int, int, str]] = []
    g = gazetteer()
    for rx in (_HEAD_FIRST_AG, _NAMED_AG):
        for m in rx.finditer(text):
            name = m.group("name").strip()
            start = m.start("name")
            # drop leading sentence-initial function words: "The UK-Korea Science Deal" → "UK-Korea Science Deal"
            while True:
                first = name.split(" ", 1)[0]
                if first in ("The", "the", "A", "An", "Under", "After", "With", "Its", "Their", "Both", "Since", "When", "In", "As", "This", "Signing") and " " in name:
                    name = name.split(" ", 1)[1]
                    start = text.index(name, start)
                else:
                    break
            # "... between the Philippines and the United States in San Francisco on Thursday": where and when
            # it was signed are not part of its name
            cut = re.search(rf"\s+(?:on\s+(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES})\b|(?:in|at)\s+(?:the\s+)?(?P<where>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(?P<when>\s+on\s+(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES})\b)?$)", name)
            particle = re.match(r"\s+(?:de|da|do|del|el|al|es|sur|upon)[\s-][A-ZÀ-Ý]", text[start + len(name):])  # "in Rio de Janeiro"
            if cut and (cut.group("where") is None or cut.group("when") or particle or cut.group("where") in g.country_surfaces or cut.group("where") in g.venues):
                name = name[: cut.start()]
            name = re.sub(r"\s+(?:and|of|for|the|on)$", "", name)
            if len(name.split()) < 2 and not re.search(r"[A-Z]{2,}", name):
                continue
            if any(s <= start < e for s, e, _ in named):
                continue
            named.append((start, start + len(name), name))
    # "the Falepili Union treaty", "the Windsor Framework agreement": a proper name before a lower-case head
    g = gazetteer()
    for m in _CAP_NAME_LOWER_HEAD.finditer(text):
        words = m.group("caps").split()
        if any(w in _MONTH_WORDS for w in words) or words[0] in _NOT_NAME_WORDS:
            continue
        if all(w.rstrip("'’s") in g.country_surfaces or w in g.country_surfaces or "-" in w or "–" in w for w in words):
            continue  # "the EU agreement", "the Australia-Tuvalu treaty": labelled by the parties elsewhere
        if g.org(" ".join(words)) is not None or g.org(words[0]) is not None:
            continue  # "the NASA agreement": a body's agreement
        start = m.start("caps")
        if any(s_ <= start < e_ for s_, e_, _ in named):
            continue
        named.append((start, m.end("head"), text[start : m.end("head")]))
    for start, end, name in named:
        head = _head_of(name)
        ms.append(Mention("agreement", start, end, name, idx, {"named": True, "head": head, "kind": AGREEMENT_HEADS.get(head, "agreement")}))
    for m in _GENERIC_HEAD.finditer(text):
        head = m.group("head").lower()
        if m.group("head")[0].isupper() and m.start() > 0 and text[m.start() - 2 : m.start()].strip() not in ("", ".", "“", '"'):
            continue  # capitalised inside a sentence: part of a name the named patterns handle
        s, e = m.start(), m.end()
        if any(ns <= s < ne for ns, ne, _ in named):
            continue
        # modifiers: up to three words before the head, stopping at determiners, verbs, prepositions
        before = text[:s]
        words = list(re.finditer(r"[\w’'$£€-]+(?:'s|’s)?", before))
        mods: list[re.Match] = []
        poss = None
        det = ""
        for w in reversed(words):
            if before[w.end():].strip(" ") not in ("",) and len(mods) == 0 and before[w.end():s].strip():
                break
            word = w.group(0)
            low = word.lower()
            if mods and before[w.end():mods[-1].start()].strip():
                break  # punctuation between words
            if low in _NOT_MODIFIERS:
                det = low if low in _DETERMINERS else ""
                break
            if word.endswith(("'s", "’s")) and word[:1].isupper():
                poss = word[:-2]
                mods.append(w)
                break
            if len(mods) >= 3:
                break
            if word[:1].isupper() and not word.isupper() and not re.match(r"^[A-Z]{2,}(?:-[A-Z]{2,})?$", word):
                parts = word.split("-")
                if not (len(parts) > 1 and all(p in gazetteer().country_surfaces for p in parts)):
                    break
            mods.append(w)
        mod_words = [w.group(0) for w in reversed(mods)]
        if head == "principles" and (not mod_words or poss):
            continue  # "a set of principles for ...": a description; "basic principles for ..." names an instrument
        if mod_words and mod_words[-1].lower() in _AG_STOP_MODS:
            continue
        if head == "package" and _MONEY.search(text[max(0, s - 30) : s]):
            continue  # "a wider €200m package of climate support": money, not an agreement
        if re.match(r"\s+(?:partners?|members?|countr(?:y|ies)|nations?|states?|status|centres?|centers?|halls?)\b", text[e:]):
            continue  # "the bloc's first dialogue partner", "partnership countries": a role, no instrument
        if head == "agreement" and text[e:].startswith(" in principle"):
            e += len(" in principle")
        comp = re.match(r"\s+(?P<c>(?:between|on|with|for|of|to|establishing)\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\d))[^,.;:()]*)", text[e:])
        complement = comp.group("c") if comp else ""
        complement = re.split(r"\s+(?:which|that|who|signed|was|were|is|are|will|would|has|had|during|after|before|as|while|when|but|and (?:to|is|was|will))\b", complement)[0]
        # "... on green hydrogen in Berlin on Friday": where and when it was signed are not part of its name
        complement = re.split(rf"\s+(?:in|at)\s+(?:the\s+)?(?=[A-Z])|\s+on\s+(?=(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES}|\d))|\s+(?:last|this|next)\s+(?=week|month|year)", complement)[0]
        complement = " ".join(complement.split()[:14]).rstrip("”\"'’")
        start = mods[-1].start() if mods else s
        if re.search(r"\b(?:is|was|are|were|remains?|remained|became|becomes)\s+(?:one of|among)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", text[:start]):
            continue  # "It was one of the first intergovernmental accords": classifies the subject, names no new agreement
        surface = text[start:e]
        ms.append(
            Mention(
                "agreement",
                start,
                e,
                surface,
                idx,
                {
                    "named": False,
                    "head": head,
                    "kind": AGREEMENT_HEADS[head],
                    "det": det,
                    "mods": " ".join(mod_words),
                    "poss": poss,
                    "plural": bool(m.group("plural")),
                    "complement": complement,
                    "in_principle": surface.endswith("in principle"),
                },
            )
        )


def _head_of(name: str) -> str:
    low = name.lower()
    for h in sorted(AGREEMENT_HEADS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(h)}\b", low):
            if low.startswith(h) or low.endswith(h) or h in ("memorandum of understanding",):
                return h
    for h in sorted(AGREEMENT_HEADS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(h)}\b", low):
            return h
    return "agreement"


def _money(text: str, idx: int, ms: list[Mention]) -> None:
    from ...values import CURRENCY_SIGNS, SCALES, _normal
    from decimal import Decimal

    words = {"pounds": "GBP", "euros": "EUR", "dollars": "USD", "yen": "JPY", "won": "KRW", "rupees": "INR", "swiss francs": "CHF", "francs": "CHF", "yuan": "CNY"}
    for m in _MONEY.finditer(text):
        if m.group("amt"):
            num, scale = m.group("num"), m.group("scale")
            cur = m.group("code") or CURRENCY_SIGNS.get(m.group("sign") or "", None)
        else:
            num, scale = m.group("num2"), m.group("scale2")
            cur = words.get(m.group("word").lower())
        if not cur:
            continue
        try:
            value = Decimal(num.replace(",", ""))
        except Exception:
            continue
        if scale:
            value *= SCALES.get(scale.lower()) or {"crore": Decimal(10) ** 7, "lakh": Decimal(10) ** 5}[scale.lower()]
        # "$1.2bn" fine; "£4.5m" fine; a bare "$5" is not funding news but keep it
        ms.append(Mention("money", m.start(), m.end(), m.group(0), idx, {"amount": _normal(value), "currency": cur}))


def _dates(text: str, idx: int, ms: list[Mention]) -> None:
    for m in _DATE.finditer(text):
        d = {k: v for k, v in m.groupdict().items() if v}
        ms.append(Mention("date", m.start(), m.end(), m.group(0), idx, d))


#: buildings and facilities named by a capitalised name and a common noun: "the Willard
#: InterContinental hotel", "its Hiroshima plant", "the ESPRIT refuelling and communications module"
_FACILITY_NOUNS = "hotel|plant|factory|facility|laboratory|campus|module|airlock|spaceport|shipyard|mine|convention centre|convention center|exhibition centre|conference centre|conference center"
_FACILITY = re.compile(
    rf"\b(?:the|its|their|a|an|at|in|[A-Z][\w-]*(?:'s|’s))\s+(?P<name>(?:[A-Z][\w-]*|[A-Z]{{2,}}\d*)(?:\s+(?:and\s+|of\s+)?(?:[A-Z][\w-]*|[A-Z]{{2,}}\d*))*)"
    rf"(?P<mods>(?:\s+[a-z][a-z-]+(?:\s+and\s+[a-z][a-z-]+)?)?)\s+(?P<noun>{_FACILITY_NOUNS})\b"
)
#: areas named by a capitalised name and an area noun: "South Africa's Karoo region" → "Karoo"
_AREA = re.compile(r"\b(?:the|[A-Z][\w-]*(?:'s|’s))\s+(?P<name>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)\s+(?:region|province|district|desert|valley|peninsula|basin)\b")
#: "the South Korean port city of Busan", "the island of Hainan": a place named by what it is
_CITY_OF = re.compile(r"\b(?:city|town|port|capital|island|province|state|region|village) of (?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")
#: "a Barcelona-based joint undertaking": the place a body is based in
_BASED = re.compile(r"\b(?P<name>[A-Z][a-zà-ÿ]+(?:\s+[A-Z][a-zà-ÿ]+)?)-based\b")
#: an apposition that says what a name is: "Gateway, the space station NASA ... plan"
_APPOS_VENUE = re.compile(r"\b(?P<name>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*),\s+(?:the|a|an)\s+(?:[a-z-]+\s+){0,2}(?:space station|station|observatory|telescope|spaceport|venue|palace|hotel|conference centre|campus)\b")


@lru_cache(maxsize=1)
def _subdivisions() -> frozenset[str]:
    """Names of states, provinces and territories (pycountry's ISO 3166-2), and "D.C."."""
    import pycountry

    kinds = {"State", "Province", "Territory", "Prefecture", "Land", "Union territory", "Autonomous region"}
    return frozenset({s.name for s in pycountry.subdivisions if s.type in kinds} | {"D.C.", "DC"})


def _subdivision_after(rest: str) -> str | None:
    """The state or province named straight after a city: ", Alaska", ", Newfoundland and Labrador"."""
    m = re.match(r",\s+((?:[A-Z][\w'’.-]*)(?:\s+(?:and\s+)?[A-Z][\w'’.-]*){0,3})", rest)
    if not m:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n]).rstrip(".") if words[n - 1] != "D.C." else " ".join(words[:n])
        if cand in _subdivisions() and cand not in gazetteer().country_surfaces:
            rest_after = rest[m.start(1) + len(cand) :]
            if re.match(r"\s*(?:,\s*|\s+and\s+|\s+or\s+)[A-Z]", rest_after):
                return None  # "in Kyoto, Osaka and Nagoya": a list of cities
            return cand
    return None


def _places(text: str, idx: int, ms: list[Mention]) -> None:
    g = gazetteer()
    for m in _PLACE_PREP.finditer(text):
        name = m.group("name")
        start = m.start("name")
        # "in South Africa's Karoo region": the place after a country's possessive
        pm = re.match(r"(?P<c>.+?)(?:'s|’s)\s+(?=[A-Z])", name)
        if pm and pm.group("c") in g.country_surfaces:
            start += pm.end()
            name = name[pm.end():]
        # cut at possessives and at words that start a new clause
        if not re.match(r"(?:St|Ste)\.\s", name):  # "St. John's" keeps its possessive
            name = re.split(r"(?:'s|’s)\b", name)[0]
        toks = name.split()
        while toks and toks[-1] in _PLACE_STOP:
            toks.pop()
        if not toks or toks[0] in _PLACE_STOP:
            continue
        name = " ".join(toks)
        prep = m.group("prep").lower()
        if m.group("prep") in ("In", "At") and not re.match(r",", text[start + len(name):]):
            continue  # "In Horizon Europe, ...": only a sentence-opening "In London," names a place
        data = {"prep": "in" if prep in ("visited", "visiting") else prep, "the": bool(m.group("the"))}
        # "in Fairbanks, Alaska", "in Washington, D.C.": the city with its state or province
        sub = _subdivision_after(text[start + len(name):])
        if sub:
            data["label"] = f"{name}, {sub}"
        tail = re.match(rf"\s+(?P<noun>{_FACILITY_NOUNS})\b", text[start + len(name):])
        if tail:
            name = name + " " + tail.group("noun")  # "at the Willard InterContinental hotel"
            data["facility"] = True
        ms.append(Mention("place", start, start + len(name), name, idx, data))
    for m in _FACILITY.finditer(text):
        name = m.group("name")
        if g.org(name) is not None or name in g.country_surfaces or name.split()[0] in _PLACE_STOP or len(name) < 3:
            continue
        label = f"{name} {m.group('noun')}"
        ms.append(Mention("place", m.start("name"), m.end("noun"), m.group(0)[m.start("name") - m.start():], idx, {"prep": "at", "the": True, "facility": True, "label": label}))
    for rx in (_AREA, _BASED, _APPOS_VENUE, _CITY_OF):
        for m in rx.finditer(text):
            name = m.group("name")
            if name in g.country_surfaces and g.country_surfaces[name][1] != "capital":
                continue
            if g.org(name) is not None or name.split()[0] in _PLACE_STOP:
                continue
            ms.append(Mention("place", m.start("name"), m.end("name"), name, idx, {"prep": "at", "the": False, "known": True}))


#: talks or a call between two parties: "talks between Modi and President Joe Biden", "a call the previous evening between ..."
_TALKS_BETWEEN = re.compile(r"\b(?P<head>talks|(?:phone |telephone |video )?call)\s+(?:(?:the|on|last|previous|same|\w+day|evening|morning|night)\s+){0,3}between\s+(?:[A-Z]|the [A-Z])")
#: a date straight after a bare meeting word: "at a meeting on 18 March"
_DATE_AFTER = re.compile(rf"^\s+(?:on|in)\s+(?:\d{{1,2}}\s+(?:{_MONTH_RE})|(?:{_MONTH_RE})\s+\d{{1,2}}|{_WEEKDAY_RE})\b")


#: the UN conferences of the parties, by number: "COP28", "CBD COP16", "COP-15"
_COP = re.compile(r"\b(?:(?:CBD|UN|UNFCCC)\s+)?COP-?\d{1,2}\b")
#: numbered sessions of a body: "the 59th session of the IPCC", "the fifth session of the Intergovernmental ..."
_SESSION = re.compile(
    r"\b(?P<ord>\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(?:plenary\s+)?session\s+of\s+(?:the\s+)?"
    r"(?P<body>[A-Z][\w-]*(?:\s+(?:on\s+|of\s+|for\s+)?[A-Z][\w-]*)*)"
)


def _events(text: str, idx: int, ms: list[Mention]) -> None:
    for m in _COP.finditer(text):
        if re.match(r"\s+(?:[A-Z]|(?:[a-z]+\s+){0,3}(?:summit|conference|meeting|talks|session)\b)", text[m.end():]):
            continue  # "the COP28 UAE Declaration", "the COP28 climate conference": part of a longer name
        if re.search(r"(?:Conference|Summit|Meeting)\s*\(\s*$", text[: m.start()]):
            continue  # "the UN Biodiversity Conference (COP15)": the conference's short name
        ms.append(Mention("event", m.start(), m.end(), m.group(0), idx, {"head": "conference", "mods": "", "pre": m.group(0), "kind": "event"}))
    for m in _SESSION.finditer(text):
        ms.append(Mention("event", m.start(), m.end(), text[m.start():m.end()], idx, {"head": "session", "mods": "", "pre": m.group("ord"), "kind": "event"}))
    for m in _TALKS_BETWEEN.finditer(text):
        head = m.group("head")
        ms.append(Mention("event", m.start("head"), m.end("head"), head, idx, {"head": head.split()[-1].lower(), "mods": "", "pre": "", "kind": "event"}))
    for m in _EVENT.finditer(text):
        pre = (m.group("pre") or "").strip()
        if pre in ("The", "A", "An", "This", "That", "In", "At", "During", "After", "Before", "Its", "Their"):
            pre = ""
        # "Chancellor Olaf Scholz's three-day visit": the visitor, without the post
        title = re.match(r"(?:(?:Vice|Deputy|Prime|Foreign|Federal)\s+)*(?:Chancellor|President|Minister|Premier|King|Queen|Emperor|Secretary(?: of State)?)\s+(?=[A-Z][a-z])", pre)
        if title and (m.group("pre") or "").strip().endswith(("'s", "’s")):
            pre = pre[title.end():]
        mods = (m.group("mods") or "").strip()
        head = m.group("head")
        post = (m.group("post") or "").rstrip()
        if head == "mission" and not pre:
            continue  # "crewed missions to Mars": only a named mission ("a future Artemis mission") is an event
        if head.lower() in ("visit", "meeting", "event", "conference", "forum") and not (pre or mods or post):
            # a bare "the event" is an anaphor (resolved later); a bare "meeting" needs context (a date)
            kind = "anaphor" if head.lower() == "event" else "event" if _DATE_AFTER.match(text[m.end("head"):]) else "bare"
        else:
            kind = "event"
        if pre:
            start = m.start() + (len(m.group("pre")) - len(m.group("pre").lstrip()))
            start = m.start("pre") + m.group("pre").index(pre)
        elif mods:
            start = m.start("mods")
        else:
            start = m.start("head")
        end = m.end("post") if post else m.end("head")
        ms.append(Mention("event", start, end, text[start:end], idx, {"head": head.lower(), "mods": mods, "pre": pre, "kind": kind}))
