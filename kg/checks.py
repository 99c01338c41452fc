"""Integrity checks of bulk loads, run as SPARQL inside the store.

A file too large to hold in memory is streamed into a staging graph by Oxigraph's bulk
loader; pyshacl would then need the whole graph in Python (minutes and gigabytes at
millions of triples). These queries check the same core rules as the SHACL shapes
(``ontology/shapes.ttl``) on the staged graph, in the store, in under a second per
million triples: an agreement without a label, party or status; a funding without a
non-negative decimal amount or an ISO 4217 currency; a country IRI that is not ISO 3166
alpha-3; a malformed date; a signatory that is not a person. Types of entities that the
staged graph refers to are looked up in the whole store.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rdflib import Literal, URIRef

from .resolve import CountryIndex, currency_codes
from .store import Store

__all__ = ["CHECKS", "run_checks", "Problem"]

# one pattern per class joined by UNION: Oxigraph evaluates ``VALUES ?c {...} ?focus a ?c``
# by scanning every rdf:type triple of the graph (0.3 s at a million triples, UNION 0.03 s)
_AGREEMENTS = "{ " + " } UNION { ".join(
    f"?focus a sd:{c}" for c in "Agreement MemorandumOfUnderstanding Treaty Accord Declaration Partnership".split()
) + " } "
_STATUSES = " ".join(
    f"sd:{s}" for s in "Proposed InDiscussion UnderNegotiation AgreedInPrinciple Announced Signed InForce Renewed Expired Withdrawn".split()
)

_DATE_PROPERTIES = "signedOn ratifiedOn inForceFrom withdrewOn startDate endDate announcedOn".split()
_DATE_MESSAGE = "date is not a valid xsd:date, xsd:gYearMonth or xsd:gYear"
_CURRENCY_MESSAGE = "currency is not an ISO 4217 code"
_AMOUNT_MESSAGE = "funding has no amount, or one that is not a non-negative xsd:decimal"


def _comparable(datatype: str, low: str, high: str) -> str:
    # true for a valid literal of ``datatype``, an error for anything else (a malformed lexical
    # form, another datatype, an IRI): Oxigraph keeps valid dates decoded, so the comparison is
    # cheap (0.04 s for 69,000 dates, where DATATYPE() IN (...) and casts took 1.7 s). Two bounds
    # far apart: XSD orders a date with a time zone and one without only when they are more than
    # 14 hours apart, so "0001-01-01Z" is not comparable with "0001-01-01" but is with "2000-01-01".
    return f'?value >= "{low}"^^xsd:{datatype} || ?value < "{high}"^^xsd:{datatype}'


def _date_check(prop: str) -> tuple[str, str, str]:
    valid = ", ".join(
        _comparable(d, low, high)
        for d, low, high in [("date", "0001-01-01", "2000-01-01"), ("gYearMonth", "0001-01", "2000-01"), ("gYear", "0001", "2000")]
    )
    return ("dates", _DATE_MESSAGE,
            f"SELECT DISTINCT ?focus ?value WHERE {{ GRAPH ?stage {{ ?focus sd:{prop} ?value }} "
            f"FILTER(!COALESCE({valid}, false)) }}")


# a funding's amount and currency may be stated by any source, but not by the one being
# replaced (its statements go): the graphs that count
_COUNTS = "FILTER(?g = ?stage || ?g != ?target)"


def _funding_value(prop: str, message: str, bad: str) -> list[tuple[str, str, str]]:
    """A staged funding without a value of ``prop``, with two, and the values that ``bad`` refuses."""
    return [
        ("funding", message,
         f"SELECT DISTINCT ?focus WHERE {{ GRAPH ?stage {{ ?focus a sd:Funding }} "
         f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?focus sd:{prop} ?v }} {_COUNTS} }} }}"),
        ("funding", f"funding has more than one sd:{prop}",
         f"SELECT DISTINCT ?focus WHERE {{ GRAPH ?stage {{ ?focus a sd:Funding }} GRAPH ?g {{ ?focus sd:{prop} ?value }} "
         f"GRAPH ?h {{ ?focus sd:{prop} ?other }} FILTER(?value != ?other && (?g = ?stage || ?g != ?target) && (?h = ?stage || ?h != ?target)) }}"),
        ("funding", message,
         f"SELECT DISTINCT ?focus ?value WHERE {{ GRAPH ?stage {{ ?focus a sd:Funding }} GRAPH ?g {{ ?focus sd:{prop} ?value }} "
         f"{_COUNTS} {bad} }}"),
    ]


#: (name, message, query). Each query selects ?focus (and ?value) of the problems in
#: GRAPH ?stage, which is bound to the staging graph, and ?target to the source's graph
#: (the same graph for a new source). The slowest come first (two run at a time). ``MINUS``
#: rather than ``FILTER NOT EXISTS`` where the shared variables are always bound: the same
#: answers, as one anti-join instead of a look-up per row (4-10× faster at a million triples).
#: ``?CURRENCIES`` is replaced by the ISO 4217 codes as plain literals (exact terms, as the
#: shapes' ``sh:in``), ``?COUNTRIES`` by the ISO 3166 codes. As the shapes, the checks apply to
#: agreements, participations and fundings, not to any node that has the property.
CHECKS: list[tuple[str, str, str]] = [
    # (the label, party and status must be stated in the source itself; looked up in its graph)
    ("agreement", "agreement has no rdfs:label",
     "SELECT DISTINCT ?focus WHERE { GRAPH ?stage { " + _AGREEMENTS + "MINUS { ?focus rdfs:label ?l } } }"),
    ("agreement", "agreement has no sd:party",
     "SELECT DISTINCT ?focus WHERE { GRAPH ?stage { " + _AGREEMENTS + "MINUS { ?focus sd:party ?p } } }"),
    *_funding_value("currency", _CURRENCY_MESSAGE, "MINUS { VALUES ?value { ?CURRENCIES } }"),
    *_funding_value("amount", _AMOUNT_MESSAGE, "FILTER(!COALESCE(DATATYPE(?value) = xsd:decimal && ?value >= 0, false))"),
    ("country", "country IRI is not ISO 3166-1 alpha-3",
     "SELECT DISTINCT ?focus WHERE { GRAPH ?stage { ?focus a sd:Country } "
     "FILTER(!(STRAFTER(STR(?focus), \"https://w3id.org/scidip/id/country/\") IN (?COUNTRIES))) }"),
    ("agreement", "agreement has no sd:status",
     "SELECT DISTINCT ?focus WHERE { GRAPH ?stage { " + _AGREEMENTS + "MINUS { ?focus sd:status ?value } } }"),
    ("signatory", "signatory is not an sd:Person",
     "SELECT DISTINCT ?focus ?value WHERE { GRAPH ?stage { ?focus sd:signatory ?value } "
     "MINUS { VALUES ?c { sd:Person sd:Official } ?value a ?c } }"),
    # (the values that are not statuses first, then whether their node is an agreement or a
    # participation: restricting the scan to those classes first, or by FILTER EXISTS, made it
    # 30 to 100 times slower)
    ("status", "status is not one of the ten sd:AgreementStatus individuals",
     "SELECT DISTINCT ?focus ?value WHERE { GRAPH ?stage { ?focus sd:status ?value } "
     "MINUS { VALUES ?value { " + _STATUSES + " } } GRAPH ?stage { ?focus a ?c } "
     "FILTER(?c IN (sd:Agreement, sd:MemorandumOfUnderstanding, sd:Treaty, sd:Accord, sd:Declaration, sd:Partnership, sd:Participation)) }"),
    *(_date_check(p) for p in _DATE_PROPERTIES),
]


@dataclass(frozen=True)
class Problem:
    check: str
    focus: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        val = f" (value {self.value})" if self.value else ""
        return f"{self.check}: <{self.focus}>: {self.message}{val}"


def _list(values: list[str], sep: str = ", ") -> str:
    # the code lists are ours (pycountry), never user text; written as escaped literals
    return sep.join(Literal(v).n3() for v in sorted(values))


def run_checks(store: Store, stage: URIRef, *, target: URIRef | None = None, limit: int = 20) -> list[Problem]:
    """The problems of the staged graph ``stage`` (at most ``limit`` per check); ``target`` is
    the graph the stage will replace (by default the stage itself: a new source)."""
    currencies = _list(list(currency_codes()), " ")
    countries = _list(list(CountryIndex.default().by_code))

    def run(check: tuple[str, str, str]) -> list[Problem]:
        name, message, query = check
        q = query.replace("?CURRENCIES", currencies).replace("?COUNTRIES", countries) + f" LIMIT {int(limit)}"
        out = []
        for row in store.query(q, bindings={"stage": stage, "target": target if target is not None else stage}):
            value = row.get("value") if hasattr(row, "get") else None
            out.append(Problem(name, str(row["focus"]), message, str(value) if value is not None else None))
        return out

    # the queries are independent and Oxigraph evaluates them outside the GIL: two at a time
    # (one per core here) takes 30 % off the wall time at millions of triples
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [p for problems in pool.map(run, CHECKS) for p in problems]
