"""Generate a realistic synthetic science-diplomacy graph as N-Triples, at a target size.

    python benchmarks/generate.py 100k -o /tmp/bench-100k.nt [--seed 1]

What it writes (the ontology's classes and properties, the project's IRIs):

* every ISO 3166 country (pycountry: real alpha-3 codes, labels, alpha-2 altLabels);
* agencies and ministries of countries, international organisations (hosted by a
  country, with member countries), places (venues) in countries;
* officials with posts (``sd:holdsPost`` → ``sd:Post`` with ``sd:postIn``);
* agreements of every kind with 2–30 parties (mostly bilateral, a long tail of
  multilateral ones), signatories (officials of the parties), signing dates and places,
  statuses, topics of the bundled topic scheme, ``sd:partOf`` links, and for
  multilateral agreements ``sd:Participation`` nodes with per-party dates;
* funding (amount, ISO 4217 currency, funder, purpose, topics, recipient, shares);
* events (summits with participants), sources (news articles, press releases, datasets)
  that facts are ``prov:wasDerivedFrom``, with ``sd:evidence`` sentences.

Triples are written as they are made (a buffered file: constant memory apart from the
lists of IRIs later entities refer to), deterministic for a seed. The mix is scaled so
that the file ends within a few triples of the target. A ``.params.json`` file beside the
output names parameters for the named queries that have answers in the data (two
countries sharing agreements, an agreement with signatories, a topic ...).

The output is valid against the SHACL shapes (``python benchmarks/generate.py 10k
--check`` validates it with ``kg.validate.validate_graph``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import IO

import pycountry

from kg.bundled import TopicIndex
from kg.resolve import CountryIndex
from kg.vocab import DCTERMS, PROV, RDF, RDFS, SCHEMA, SD, SKOS, SDID, XSD, entity_iri

__all__ = ["generate", "parse_size"]

_T = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_XSD_DATE = str(XSD.date)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_GYEAR = str(XSD.gYear)
_XSD_GYM = str(XSD.gYearMonth)

KINDS = [  # (kind text, class, weight)
    ("memorandum of understanding", SD.MemorandumOfUnderstanding, 30),
    ("agreement", SD.Agreement, 25),
    ("cooperation agreement", SD.Agreement, 10),
    ("partnership", SD.Partnership, 10),
    ("declaration", SD.Declaration, 8),
    ("accord", SD.Accord, 5),
    ("treaty", SD.Treaty, 7),
    ("convention", SD.Treaty, 5),
]
STATUSES = [  # (status, weight)
    (SD.Signed, 40), (SD.InForce, 25), (SD.Announced, 6), (SD.UnderNegotiation, 5), (SD.InDiscussion, 5),
    (SD.Proposed, 3), (SD.AgreedInPrinciple, 3), (SD.Renewed, 5), (SD.Expired, 6), (SD.Withdrawn, 2),
]
SIGNED_STATUSES = {SD.Signed, SD.InForce, SD.Renewed, SD.Expired, SD.Withdrawn}
AGENCY_PATTERNS = [
    "Ministry of Science and Technology", "Ministry of Foreign Affairs", "Ministry of Education",
    "Ministry of Energy", "Ministry of Health", "National Space Agency", "National Research Council",
    "Academy of Sciences", "Innovation Agency", "Research Foundation", "Ministry of Trade and Industry",
    "Atomic Energy Commission", "Meteorological Office", "Standards Institute", "Polar Institute",
    "Ministry of Digital Affairs", "Development Agency", "Bureau of Statistics",
]
POSTS = [
    "Minister of Science", "Minister of Foreign Affairs", "Ambassador", "Science Attaché",
    "Head of Government", "Minister of Energy", "Minister of Education", "Minister of Health",
    "Minister of Trade", "Chief Scientific Adviser", "Director-General", "Deputy Minister",
]
INTERNATIONAL = [
    "Square Kilometre Array Observatory", "European Organization for Nuclear Research", "ITER Organization",
    "International Atomic Energy Agency", "European Space Agency", "World Meteorological Organization",
    "International Science Council", "Global Research Council", "Group on Earth Observations",
    "International Renewable Energy Agency", "Belmont Forum", "Human Frontier Science Program",
]
FIRST = ["Anna", "Ben", "Chen", "Daniela", "Emeka", "Fatima", "Giorgos", "Hana", "Ivan", "Jae", "Kofi", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Umar", "Valentina", "Wei", "Yusuf", "Zara"]
LAST = ["Adeyemi", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen", "Kim",
        "López", "Müller", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Singh", "Tanaka", "Ueda", "Varga",
        "Wang", "Yilmaz", "Zhou", "O'Brien", "Lee"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KRW", "AUD", "CAD", "CHF", "INR", "CNY", "BRL", "ZAR", "SEK", "NOK"]
PURPOSES = ["joint research fund", "researcher exchanges", "infrastructure contribution", "doctoral training",
            "innovation challenge", "capacity building", "satellite mission", "data sharing platform"]
SOURCE_KINDS = ["news article", "press release", "dataset", "report"]
HUBS = ["USA", "GBR", "DEU", "FRA", "JPN", "CHN", "KOR", "IND", "CAN", "AUS", "BRA", "ZAF", "ITA", "ESP", "NLD", "CHE"]


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``250000`` → 250000."""
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult != 1 else t) * mult)


def size_name(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class _Writer:
    def __init__(self, out: IO[str]):
        self.out = out
        self.n = 0
        self._buf: list[str] = []

    def iri(self, s: str, p: str, o: str) -> None:
        self._buf.append(f"<{s}> <{p}> <{o}> .\n")
        self.n += 1
        if len(self._buf) >= 4096:
            self.flush()

    def text(self, s: str, p: str, o: str) -> None:
        self._buf.append(f"<{s}> <{p}> {_lit(o)} .\n")
        self.n += 1

    def typed(self, s: str, p: str, o: str, datatype: str) -> None:
        self._buf.append(f'<{s}> <{p}> "{o}"^^<{datatype}> .\n')
        self.n += 1

    def flush(self) -> None:
        self.out.write("".join(self._buf))
        self._buf.clear()


def _date(rng: random.Random, start: int = 1990, end: int = 2024) -> tuple[str, str]:
    """A date, mostly precise to the day, sometimes to the month or the year."""
    d = dt.date(start, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(end, 12, 31) - dt.date(start, 1, 1)).days))
    r = rng.random()
    if r < 0.85:
        return d.isoformat(), _XSD_DATE
    if r < 0.95:
        return d.isoformat()[:7], _XSD_GYM
    return str(d.year), _XSD_GYEAR


def generate(target: int, out: IO[str], *, seed: int = 1) -> dict:
    """Write about ``target`` triples to ``out``; returns the counts and query parameters."""
    rng = random.Random(seed)
    w = _Writer(out)
    countries = CountryIndex.default()
    codes = sorted(countries.by_code)
    topic_labels = TopicIndex.default().labels
    topics = sorted(map(str, topic_labels))
    hub_set = set(HUBS)
    # hubs take part far more often: a realistic skew, and country pairs with many agreements
    weights = [12.0 if c in hub_set else 1.0 for c in codes]

    # --- countries --------------------------------------------------------------------
    for code in codes:
        c = countries.by_code[code]
        s = str(c.iri)
        w.iri(s, _T, str(SD.Country))
        w.text(s, _LABEL, c.label)
        pc = pycountry.countries.get(alpha_3=code)
        if pc is not None:
            w.text(s, _ALT, pc.alpha_2)
            if pc.name != c.label:
                w.text(s, _ALT, pc.name)

    # --- sources ----------------------------------------------------------------------
    n_sources = max(10, int(0.03 * target / 8))
    sources = []
    for i in range(n_sources):
        kind = rng.choice(SOURCE_KINDS)
        title = f"{rng.choice(['Ministers sign', 'New deal on', 'Talks open on', 'Funding for', 'Joint statement on'])} {rng.choice(topics).lower()} cooperation ({i})"
        s = str(SDID[f"source/synthetic-{i}"])
        sources.append(s)
        w.iri(s, _T, str(SD.Source))
        w.iri(s, _T, str(PROV.Entity))
        if kind == "news article":
            w.iri(s, _T, str(SCHEMA.NewsArticle))
        w.text(s, _LABEL, title)
        w.text(s, str(DCTERMS.title), title)
        w.text(s, str(SD.sourceKind), kind)
        d, dtype = _date(rng, 2000, 2024)
        w.typed(s, str(DCTERMS.issued), d, dtype)
        w.iri(s, str(SCHEMA.url), f"https://news.example.org/{i}")

    # --- places -----------------------------------------------------------------------
    places: list[str] = []
    for i in range(max(20, int(0.01 * target / 4))):
        code = rng.choices(codes, weights)[0]
        name = f"{rng.choice(['Royal', 'National', 'Grand', 'City', 'Science', 'Congress'])} {rng.choice(['Hall', 'Palace', 'Centre', 'Museum', 'Society', 'House'])} of {countries.by_code[code].label} {i}"
        s = str(entity_iri("place", name))
        places.append(s)
        w.iri(s, _T, str(SD.Place))
        w.text(s, _LABEL, name)
        w.iri(s, str(SD.locatedIn), str(countries.by_code[code].iri))

    # --- agencies and international organisations -------------------------------------
    # about 8% of the triples; every hub has some, the rest go to countries by weight
    agencies: dict[str, list[str]] = {c: [] for c in codes}
    n_agencies = max(60, int(0.08 * target / 4.3))
    for k in range(n_agencies):
        code = HUBS[k] if k < len(HUBS) else rng.choices(codes, weights)[0]
        c = countries.by_code[code]
        j = len(agencies[code])
        pattern = AGENCY_PATTERNS[j % len(AGENCY_PATTERNS)]
        name = f"{pattern} of {c.label}" + (f" ({j // len(AGENCY_PATTERNS) + 1})" if j >= len(AGENCY_PATTERNS) else "")
        s = str(entity_iri("org", f"{code} {name}"))
        agencies[code].append(s)
        w.iri(s, _T, str(SD.Agency))
        w.text(s, _LABEL, name)
        w.iri(s, str(SD.country), str(c.iri))
        if rng.random() < 0.3:
            w.text(s, str(SD.acronym), "".join(x[0] for x in name.split() if x[0].isupper())[:6] + str(j))
    intl: list[str] = []
    for name in INTERNATIONAL:
        s = str(entity_iri("org", name))
        intl.append(s)
        host = rng.choice(HUBS)
        w.iri(s, _T, str(SD.InternationalOrganisation))
        w.text(s, _LABEL, name)
        w.iri(str(countries.by_code[host].iri), str(SD.hosts), s)
        for m in rng.sample(codes, rng.randint(5, 40)):
            w.iri(str(countries.by_code[m].iri), str(SD.memberOf), s)

    # --- officials with posts ---------------------------------------------------------
    # about 15% of the triples; one post node per (country, office, rank)
    officials: dict[str, list[str]] = {c: [] for c in codes}
    n_officials = max(60, int(0.15 * target / 8))
    for serial in range(1, n_officials + 1):
        code = HUBS[(serial - 1) % len(HUBS)] if serial <= 3 * len(HUBS) else rng.choices(codes, weights)[0]
        c = countries.by_code[code]
        j = len(officials[code])
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {serial}"
        post_name = POSTS[j % len(POSTS)] + (f" ({j // len(POSTS) + 1})" if j >= len(POSTS) else "")
        p = str(entity_iri("person", name))
        post = str(entity_iri("post", f"{code} {post_name}"))
        officials[code].append(p)
        w.iri(p, _T, str(SD.Person))
        w.iri(p, _T, str(SD.Official))
        w.text(p, _LABEL, name)
        w.iri(p, str(SD.country), str(c.iri))
        w.iri(p, str(SD.holdsPost), post)
        w.iri(post, _T, str(SD.Post))
        w.text(post, _LABEL, post_name)
        w.iri(post, str(SD.postIn), rng.choice(agencies[code]) if agencies[code] and rng.random() < 0.5 else str(c.iri))
        w.iri(post, str(SD.country), str(c.iri))
    w.flush()

    # --- agreements, funding, events until the target ---------------------------------
    params: dict = {"a": "GBR", "b": "KOR", "country": "GBR", "topic": "Quantum technologies"}
    pair_count = 0
    agreements: list[str] = []
    showcase: str | None = None
    i = 0
    funding_i = 0
    event_i = 0
    kinds = list(KINDS)
    kind_weights = [k[2] for k in KINDS]
    status_weights = [s[1] for s in STATUSES]
    quantum = [str(t) for t, lab in topic_labels.items() if "quantum" in lab.lower()]
    while w.n < target:
        i += 1
        kind, cls, _ = rng.choices(kinds, kind_weights)[0]
        r = rng.random()
        n_parties = 2 if r < 0.6 else rng.randint(3, 6) if r < 0.85 else rng.randint(7, 30)
        if i == 1:  # the showcase agreement: every competency question has an answer
            party_codes = ["GBR", "KOR"]
        else:
            party_codes = list(dict.fromkeys(rng.choices(codes, weights, k=n_parties)))
            while len(party_codes) < 2:
                party_codes = list(dict.fromkeys(party_codes + [rng.choice(codes)]))
        if "GBR" in party_codes and "KOR" in party_codes:
            pair_count += 1
        topic_iris = rng.sample(topics, rng.choice([1, 1, 2, 2, 3]))
        if i == 1:
            topic_iris = quantum[:2] + [str(t) for t, lab in topic_labels.items() if lab == "Artificial intelligence"]
        first = countries.by_code[party_codes[0]].label
        second = countries.by_code[party_codes[1]].label
        topic_name = topic_labels[rng.choice(list(topic_labels))] if i > 1 else "Science and Technology"
        if len(party_codes) == 2:
            label = f"{first}–{second} {kind.title()} on {topic_name} {i}"
        else:
            label = f"{kind.title()} on {topic_name} Cooperation {i}"
        a = str(entity_iri("agreement", label))
        if i == 1:
            showcase = label
        agreements.append(a)
        w.iri(a, _T, str(SD.Agreement))
        if cls != SD.Agreement:
            w.iri(a, _T, str(cls))
        w.text(a, str(SD.agreementKind), kind)
        w.text(a, _LABEL, label)
        status = SD.Signed if i == 1 else rng.choices([s[0] for s in STATUSES], status_weights)[0]
        w.iri(a, str(SD.status), str(status))
        for t in topic_iris:
            w.iri(a, str(SD.topic), t)
        multi = len(party_codes) > 5
        signed, sdt = _date(rng)
        for code in party_codes:
            c_iri = str(countries.by_code[code].iri)
            # a party is the country, or now and then one of its agencies
            party = c_iri if rng.random() < 0.8 or not agencies[code] else rng.choice(agencies[code])
            w.iri(a, str(SD.party), party)
            if multi:
                pnode = str(entity_iri("participation", f"{a.rsplit('/', 1)[-1]} {party.rsplit('/', 1)[-1]}"))
                w.iri(a, str(SD.participation), pnode)
                w.iri(pnode, _T, str(SD.Participation))
                w.iri(pnode, str(SD.actor), party)
                if status in SIGNED_STATUSES:
                    d, dtype = _date(rng)
                    w.typed(pnode, str(SD.signedOn), d, dtype)
                    if rng.random() < 0.6:
                        d2, dt2 = _date(rng)
                        w.typed(pnode, str(SD.ratifiedOn), d2, dt2)
                        if rng.random() < 0.8:
                            w.typed(pnode, str(SD.inForceFrom), d2, dt2)
                    if rng.random() < 0.03:
                        d3, dt3 = _date(rng)
                        w.typed(pnode, str(SD.withdrewOn), d3, dt3)
        if status in SIGNED_STATUSES:
            if not multi or rng.random() < 0.5:
                w.typed(a, str(SD.signedOn), signed, sdt)
            for code in party_codes[: 3 if i == 1 else rng.randint(0, 2)]:
                if officials[code]:
                    w.iri(a, str(SD.signatory), rng.choice(officials[code]))
            if i == 1 or rng.random() < 0.3:
                w.iri(a, str(SD.signedAt), rng.choice(places))
        elif rng.random() < 0.5:
            d, dtype = _date(rng)
            w.typed(a, str(SD.announcedOn), d, dtype)
        if i > 1 and (i < 20 or rng.random() < 0.08):
            parent = agreements[0] if i < 20 else rng.choice(agreements[max(0, len(agreements) - 5000):-1])
            w.iri(a, str(SD.partOf), parent)
        src = rng.choice(sources)
        w.iri(a, str(PROV.wasDerivedFrom), src)
        if rng.random() < 0.3:
            w.text(a, str(SD.evidence), f"The {kind} between {first} and {second} covers {topic_name.lower()}.")

        # funding for about one agreement in four
        if i == 1 or rng.random() < 0.25:
            funding_i += 1
            currency = rng.choice(CURRENCIES)
            amount = rng.choice([1, 2, 4.5, 10, 14, 25, 50, 100, 270]) * 10 ** rng.choice([5, 6, 6, 6, 7])
            f = str(entity_iri("funding", f"synthetic funding {funding_i}"))
            purpose = rng.choice(PURPOSES)
            w.iri(f, _T, str(SD.Funding))
            w.text(f, _LABEL, f"{amount:g} {currency} {purpose} {funding_i}")
            w.typed(f, str(SD.amount), f"{amount:.2f}".rstrip("0").rstrip("."), _XSD_DECIMAL)
            w.text(f, str(SD.currency), currency)
            funder = rng.choice(party_codes)
            w.iri(f, str(SD.funder), str(countries.by_code[funder].iri) if rng.random() < 0.5 or not agencies[funder] else rng.choice(agencies[funder]))
            w.text(f, str(SD.purpose), purpose)
            w.iri(f, str(SD.topic), topic_iris[0])
            w.iri(a, str(SD.funding), f)
            w.iri(f, str(SD.recipient), a)
            if funding_i > 1 and rng.random() < 0.1:
                w.iri(f, str(SD.shareOf), str(entity_iri("funding", f"synthetic funding {rng.randint(1, funding_i - 1)}")))
            w.typed(f, str(SD.announcedOn), *_date(rng))

        # an event now and then
        if rng.random() < 0.03:
            event_i += 1
            e = str(entity_iri("event", f"synthetic summit {event_i}"))
            w.iri(e, _T, str(SD.Event))
            w.text(e, _LABEL, f"{rng.choice(['Summit', 'Forum', 'State visit', 'Ministerial meeting'])} {event_i}")
            w.text(e, str(SD.eventKind), "summit")
            w.typed(e, str(SD.startDate), *_date(rng))
            w.iri(e, str(SD.heldAt), rng.choice(places))
            w.iri(e, str(SD.hostedBy), str(countries.by_code[party_codes[0]].iri))
            for code in party_codes[:5]:
                w.iri(e, str(SD.participant), str(countries.by_code[code].iri))
            w.iri(e, str(SD.topic), topic_iris[0])
        if len(agreements) > 20_000:  # keep memory bounded: partOf refers to recent agreements only
            del agreements[1:10_000]
    w.flush()
    params.update({"agreement": showcase, "entity": showcase, "pair_agreements": pair_count})
    return {"triples": w.n, "agreements": i, "funding": funding_i, "events": event_i, "params": params}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", help="target number of triples: 10k, 100k, 1M, 5M, or a number")
    ap.add_argument("-o", "--output", help="N-Triples file to write (default: bench-SIZE.nt)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="validate the output against the SHACL shapes (small sizes)")
    args = ap.parse_args(argv)
    target = parse_size(args.size)
    out = Path(args.output or f"bench-{size_name(target)}.nt")
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8", buffering=1 << 20) as f:
        info = generate(target, f, seed=args.seed)
    Path(str(out) + ".params.json").write_text(json.dumps(info, indent=2), "utf-8")
    print(f"wrote {info['triples']} triples ({info['agreements']} agreements) to {out} in {time.perf_counter() - t0:.1f} s")
    if args.check:
        violations = check(out)
        print(f"SHACL: {len(violations)} violation(s)")
        for v in violations[:20]:
            print(f"  {v}")
        return 1 if violations else 0
    return 0


def check(path: Path) -> list:
    """The SHACL violations of a generated file (with the ontology's topics and statuses)."""
    from rdflib import Graph

    from kg.validate import validate_graph

    g = Graph().parse(path, format="nt")
    return validate_graph(g)


if __name__ == "__main__":
    sys.exit(main())
