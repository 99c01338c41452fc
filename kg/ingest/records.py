"""Curated records: the hand-writable YAML format for analysts → one source graph.

The format is documented in the README ("Curated records"). Every problem is reported
with the file, the line and the field (``agreements[2].signed``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ..bundled import TopicIndex
from ..errors import InputError, ParseError, ResolutionError
from ..resolve import CountryIndex, normalise_name
from ..values import parse_amount, parse_date
from ..vocab import SD, entity_iri
from .source import SourceGraph, SourceMeta, read_file_text

__all__ = ["read_records", "AGREEMENT_KINDS", "ORGANISATION_KINDS", "STATUSES"]

AGREEMENT_KINDS: dict[str, URIRef] = {
    "agreement": SD.Agreement,
    "deal": SD.Agreement,
    "dialogue": SD.Agreement,
    "programme association": SD.Agreement,
    "cooperation agreement": SD.Agreement,
    "mou": SD.MemorandumOfUnderstanding,
    "memorandum of understanding": SD.MemorandumOfUnderstanding,
    "treaty": SD.Treaty,
    "convention": SD.Treaty,
    "accord": SD.Accord,
    "declaration": SD.Declaration,
    "statement": SD.Declaration,
    "partnership": SD.Partnership,
}
ORGANISATION_KINDS: dict[str, URIRef] = {
    "agency": SD.Agency,
    "ministry": SD.Agency,
    "department": SD.Agency,
    "funder": SD.Agency,
    "international": SD.InternationalOrganisation,
    "international organisation": SD.InternationalOrganisation,
    "organisation": SD.Organisation,
    "organization": SD.Organisation,
    "university": SD.Organisation,
    "company": SD.Organisation,
}
STATUSES: dict[str, URIRef] = {
    "proposed": SD.Proposed,
    "in discussion": SD.InDiscussion,
    "under negotiation": SD.UnderNegotiation,
    "agreed in principle": SD.AgreedInPrinciple,
    "announced": SD.Announced,
    "signed": SD.Signed,
    "in force": SD.InForce,
    "renewed": SD.Renewed,
    "expired": SD.Expired,
    "withdrawn": SD.Withdrawn,
}

_FIELDS: dict[str, set[str]] = {
    "source": {"id", "title", "publisher", "published", "url", "kind", "note"},
    "countries": {"name", "aliases", "hosts", "member_of", "note", "evidence"},
    "organisations": {"name", "kind", "country", "acronym", "aliases", "member_of", "note", "evidence"},
    "people": {"name", "aliases", "country", "post", "post_in", "post_aliases", "note", "evidence"},
    "places": {"name", "country", "aliases", "note", "evidence"},
    "topics": {"name", "aliases", "broader", "note"},
    "agreements": {
        "name", "kind", "aliases", "parties", "signatories", "signed", "signed_at", "status",
        "topics", "part_of", "announced_by", "announced", "note", "evidence", "participation",
    },
    "participation": {"party", "signed", "ratified", "in_force", "withdrew", "status"},
    "funding": {
        "name", "amount", "currency", "funder", "for", "purpose", "topics", "share_of",
        "announced_by", "date", "note", "evidence",
    },
    "events": {"name", "kind", "start", "end", "place", "hosted_by", "participants", "topics", "note", "evidence"},
}
_SECTIONS = ("countries", "organisations", "people", "places", "topics", "agreements", "funding", "events")

#: looks a name up among entities already in the store: name → IRI or None
StoreLookup = Callable[[str], "URIRef | None"]


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so that a bad date is reported by its field."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, path: Path, *, what: str = "YAML") -> tuple[Any, dict[tuple, int]]:
    """Parse a YAML document once: its data (dates left as text) and the line of each field path."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ParseError(f"{what} syntax error: {getattr(e, 'problem', e)}", path=str(path), line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    return doc, (_lines(node) if node is not None else {})


def _lines(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map each field path of a composed YAML document to its 1-based line."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _lines(v, (*path, k.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _lines(v, (*path, i), out)
    return out


@dataclass
class _Ref:
    iri: URIRef
    kind: str


class _Builder:
    def __init__(self, path: Path, lines: dict[tuple, int], lookup: StoreLookup | None):
        self.path = path
        self.lines = lines
        self.lookup = lookup
        self.g = Graph()
        self.names: dict[str, _Ref] = {}
        self.countries = CountryIndex.default()
        self.topics = TopicIndex.default()
        self.local_topics: dict[str, URIRef] = {}

    # --- errors ---------------------------------------------------------------------
    def where(self, fieldpath: tuple) -> str:
        label = fieldpath[0] + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in fieldpath[1:])
        line = None
        for n in range(len(fieldpath), 0, -1):
            line = self.lines.get(fieldpath[:n])
            if line:
                break
        return f"{self.path}:{line}: {label}" if line else f"{self.path}: {label}"

    def fail(self, fieldpath: tuple, message: str, cls: type[InputError] = InputError) -> InputError:
        return cls(f"{self.where(fieldpath)}: {message}")

    # --- names ----------------------------------------------------------------------
    def declare(self, names: list[str], ref: _Ref, fieldpath: tuple) -> None:
        for n in names:
            key = normalise_name(str(n))
            prev = self.names.get(key)
            if prev is not None and prev.iri != ref.iri:
                raise self.fail(fieldpath, f"the name {n!r} is already used for {prev.iri}")
            self.names[key] = ref

    def ref(self, name: Any, fieldpath: tuple, *, kinds: tuple[str, ...]) -> URIRef:
        """The IRI a reference in the file stands for: declared here, a country, or in the store."""
        if not isinstance(name, (str, int)) or not str(name).strip():
            raise self.fail(fieldpath, f"expected a name, got {name!r}")
        name = str(name).strip()
        hit = self.names.get(normalise_name(name))
        if hit is not None:
            if hit.kind not in kinds:
                raise self.fail(fieldpath, f"{name!r} is a {hit.kind}, expected {' or '.join(kinds)}")
            return hit.iri
        if "country" in kinds:
            c = self.countries.get(name)
            if c is not None:
                self.country_node(c.alpha3, name)
                return c.iri
        if self.lookup is not None:
            found = self.lookup(name)
            if found is not None:
                return found
        expect = " or ".join(kinds)
        raise self.fail(fieldpath, f"unknown {expect} {name!r}: declare it in this file first", ResolutionError)

    def country_node(self, alpha3: str, seen_as: str | None = None) -> URIRef:
        c = self.countries.by_code[alpha3]
        self.g.add((c.iri, RDF.type, SD.Country))
        self.g.add((c.iri, RDFS.label, Literal(c.label)))
        if seen_as and normalise_name(seen_as) != normalise_name(c.label) and seen_as != alpha3:
            self.g.add((c.iri, SKOS.altLabel, Literal(seen_as)))
        return c.iri

    def topic(self, name: Any, fieldpath: tuple) -> URIRef:
        key = normalise_name(str(name))
        if key in self.local_topics:
            return self.local_topics[key]
        try:
            return self.topics.resolve(str(name))
        except ResolutionError as e:
            raise self.fail(fieldpath, str(e), ResolutionError) from None

    # --- values ---------------------------------------------------------------------
    def date(self, value: Any, fieldpath: tuple) -> Literal:
        try:
            return parse_date(value)
        except ValueError as e:
            raise self.fail(fieldpath, str(e)) from None

    def status(self, value: Any, fieldpath: tuple) -> URIRef:
        key = str(value).strip().lower().replace("-", " ").replace("_", " ")
        if key not in STATUSES:
            raise self.fail(fieldpath, f"unknown status {value!r}; use one of: {', '.join(STATUSES)}")
        return STATUSES[key]

    def common(self, node: URIRef, item: dict) -> None:
        if item.get("note"):
            self.g.add((node, RDFS.comment, Literal(str(item["note"]))))
        if item.get("evidence"):
            self.g.add((node, SD.evidence, Literal(str(item["evidence"]))))

    def labels(self, node: URIRef, item: dict, fieldpath: tuple) -> list[str]:
        name = str(item["name"]).strip()
        aliases = _as_list(item.get("aliases"), (*fieldpath, "aliases"), self)
        self.g.add((node, RDFS.label, Literal(name)))
        for a in aliases:
            self.g.add((node, SKOS.altLabel, Literal(str(a))))
        return [name, *map(str, aliases)]


def _as_list(value: Any, fieldpath: tuple, b: _Builder) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    if isinstance(value, list):
        return value
    raise b.fail(fieldpath, f"expected a list, got {type(value).__name__}")


def _items(doc: dict, section: str, b: _Builder) -> list[tuple[tuple, dict]]:
    items = doc.get(section) or []
    if not isinstance(items, list):
        raise b.fail((section,), "expected a list of items (each starting with '- name:')")
    out = []
    for i, item in enumerate(items):
        fp = (section, i)
        if not isinstance(item, dict):
            raise b.fail(fp, "expected an item with fields (name: ...)")
        unknown = set(item) - _FIELDS[section]
        if unknown:
            raise b.fail(fp, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(_FIELDS[section]))}")
        if section != "funding" and not str(item.get("name") or "").strip():
            raise b.fail(fp, "missing 'name'")
        out.append((fp, item))
    return out


def _source_meta(doc: dict, path: Path, b: _Builder) -> SourceMeta:
    src = doc.get("source")
    if not isinstance(src, dict):
        raise b.fail(("source",), "missing 'source:' section (id, title, published ...)")
    unknown = set(src) - _FIELDS["source"]
    if unknown:
        raise b.fail(("source",), f"unknown field(s) {', '.join(sorted(unknown))}")
    return SourceMeta.from_mapping(src, file=path, kind="curated", extractor="curated", where=lambda f: b.where(("source", f)))


def read_records(path: Path, fmt: str = "yaml", *, lookup: StoreLookup | None = None, **_: object) -> SourceGraph:
    """Read one records file. ``lookup`` resolves names declared by earlier sources."""
    doc, lines = load_yaml(read_file_text(path), path)
    if not isinstance(doc, dict):
        raise InputError("a records file is a YAML mapping with 'source:' and sections such as 'agreements:'", path=str(path))
    b = _Builder(path, lines, lookup)
    unknown = set(doc) - {"source", *_SECTIONS}
    if unknown:
        raise b.fail((sorted(unknown)[0],), f"unknown section; allowed: source, {', '.join(_SECTIONS)}")
    meta = _source_meta(doc, path, b)
    g = b.g
    sections = {s: _items(doc, s, b) for s in _SECTIONS}

    # 1. declare every named thing, so references may point forward
    for fp, it in sections["topics"]:
        iri = entity_iri("topic", str(it["name"]))
        for n in [it["name"], *_as_list(it.get("aliases"), (*fp, "aliases"), b)]:
            b.local_topics[normalise_name(str(n))] = iri
    for fp, it in sections["countries"]:
        c = b.countries.get(str(it["name"]))
        if c is None:
            raise b.fail((*fp, "name"), f"unknown country {it['name']!r}", ResolutionError)
        b.declare([*map(str, _as_list(it.get("aliases"), (*fp, "aliases"), b))], _Ref(c.iri, "country"), fp)
    kinds = {"organisations": "org", "people": "person", "places": "place", "agreements": "agreement", "events": "event"}
    for section, kind in kinds.items():
        for fp, it in sections[section]:
            iri = entity_iri(kind, str(it["name"]))
            names = [str(it["name"]), *map(str, _as_list(it.get("aliases"), (*fp, "aliases"), b))]
            if it.get("acronym"):
                names.append(str(it["acronym"]))
            b.declare(names, _Ref(iri, "organisation" if kind == "org" else kind), fp)
    funding_iris: list[URIRef] = []
    for fp, it in sections["funding"]:
        iri = _funding_iri(it, fp, b)
        funding_iris.append(iri)
        if it.get("name"):
            b.declare([str(it["name"])], _Ref(iri, "funding"), fp)

    # 2. describe each thing
    for fp, it in sections["topics"]:
        t = b.local_topics[normalise_name(str(it["name"]))]
        g.add((t, RDF.type, SD.Topic))
        g.add((t, RDF.type, SKOS.Concept))
        b.labels(t, it, fp)
        g.add((t, SKOS.prefLabel, Literal(str(it["name"]))))
        if it.get("broader"):
            g.add((t, SKOS.broader, b.topic(it["broader"], (*fp, "broader"))))
        b.common(t, it)

    for fp, it in sections["countries"]:
        c = b.countries.get(str(it["name"]))
        assert c is not None
        b.country_node(c.alpha3, str(it["name"]))
        for a in _as_list(it.get("aliases"), (*fp, "aliases"), b):
            g.add((c.iri, SKOS.altLabel, Literal(str(a))))
        for i, o in enumerate(_as_list(it.get("hosts"), (*fp, "hosts"), b)):
            g.add((c.iri, SD.hosts, b.ref(o, (*fp, "hosts", i), kinds=("organisation",))))
        for i, o in enumerate(_as_list(it.get("member_of"), (*fp, "member_of"), b)):
            g.add((c.iri, SD.memberOf, b.ref(o, (*fp, "member_of", i), kinds=("organisation",))))
        b.common(c.iri, it)

    for fp, it in sections["organisations"]:
        o = entity_iri("org", str(it["name"]))
        kind = str(it.get("kind") or "organisation").lower()
        if kind not in ORGANISATION_KINDS:
            raise b.fail((*fp, "kind"), f"unknown organisation kind {kind!r}; use one of: {', '.join(ORGANISATION_KINDS)}")
        g.add((o, RDF.type, ORGANISATION_KINDS[kind]))
        b.labels(o, it, fp)
        if it.get("acronym"):
            g.add((o, SD.acronym, Literal(str(it["acronym"]))))
            g.add((o, SKOS.altLabel, Literal(str(it["acronym"]))))
        if it.get("country"):
            g.add((o, SD.country, b.ref(it["country"], (*fp, "country"), kinds=("country",))))
        for i, m in enumerate(_as_list(it.get("member_of"), (*fp, "member_of"), b)):
            g.add((o, SD.memberOf, b.ref(m, (*fp, "member_of", i), kinds=("organisation",))))
        b.common(o, it)

    for fp, it in sections["people"]:
        p = entity_iri("person", str(it["name"]))
        g.add((p, RDF.type, SD.Person))
        b.labels(p, it, fp)
        country = b.ref(it["country"], (*fp, "country"), kinds=("country",)) if it.get("country") else None
        if country is not None:
            g.add((p, SD.country, country))
        if it.get("post"):
            g.add((p, RDF.type, SD.Official))
            post_name = str(it["post"]).strip()
            holder = b.ref(it["post_in"], (*fp, "post_in"), kinds=("organisation", "country")) if it.get("post_in") else country
            scope = str(country).rsplit("/", 1)[-1] if country is not None else ""
            post = entity_iri("post", f"{scope} {post_name}".strip())
            g.add((p, SD.holdsPost, post))
            g.add((post, RDF.type, SD.Post))
            g.add((post, RDFS.label, Literal(post_name)))
            for a in _as_list(it.get("post_aliases"), (*fp, "post_aliases"), b):
                g.add((post, SKOS.altLabel, Literal(str(a))))
            if holder is not None:
                g.add((post, SD.postIn, holder))
            if country is not None:
                g.add((post, SD.country, country))
        b.common(p, it)

    for fp, it in sections["places"]:
        pl = entity_iri("place", str(it["name"]))
        g.add((pl, RDF.type, SD.Place))
        b.labels(pl, it, fp)
        if it.get("country"):
            g.add((pl, SD.locatedIn, b.ref(it["country"], (*fp, "country"), kinds=("country",))))
        b.common(pl, it)

    for fp, it in sections["agreements"]:
        _agreement(fp, it, b)

    for (fp, it), f in zip(sections["funding"], funding_iris):
        _funding(fp, it, f, b)

    for fp, it in sections["events"]:
        e = entity_iri("event", str(it["name"]))
        g.add((e, RDF.type, SD.Event))
        b.labels(e, it, fp)
        if it.get("kind"):
            g.add((e, SD.eventKind, Literal(str(it["kind"]))))
        for key, prop in (("start", SD.startDate), ("end", SD.endDate)):
            if it.get(key):
                g.add((e, prop, b.date(it[key], (*fp, key))))
        if it.get("place"):
            g.add((e, SD.heldAt, b.ref(it["place"], (*fp, "place"), kinds=("place",))))
        for i, h in enumerate(_as_list(it.get("hosted_by"), (*fp, "hosted_by"), b)):
            g.add((e, SD.hostedBy, b.ref(h, (*fp, "hosted_by", i), kinds=("country", "organisation"))))
        for i, h in enumerate(_as_list(it.get("participants"), (*fp, "participants"), b)):
            g.add((e, SD.participant, b.ref(h, (*fp, "participants", i), kinds=("person", "country", "organisation"))))
        for i, t in enumerate(_as_list(it.get("topics"), (*fp, "topics"), b)):
            g.add((e, SD.topic, b.topic(t, (*fp, "topics", i))))
        b.common(e, it)

    if not len(g):
        raise InputError("no records in file (add agreements:, organisations:, people: ...)", path=str(path))
    return SourceGraph(meta=meta, graph=g)


def _agreement(fp: tuple, it: dict, b: _Builder) -> None:
    g = b.g
    a = entity_iri("agreement", str(it["name"]))
    kind = str(it.get("kind") or "agreement").lower()
    if kind not in AGREEMENT_KINDS:
        raise b.fail((*fp, "kind"), f"unknown agreement kind {kind!r}; use one of: {', '.join(AGREEMENT_KINDS)}")
    g.add((a, RDF.type, AGREEMENT_KINDS[kind]))
    g.add((a, RDF.type, SD.Agreement))
    g.add((a, SD.agreementKind, Literal(kind)))
    b.labels(a, it, fp)
    if not it.get("status"):
        raise b.fail(fp, "missing 'status' (signed, announced, in discussion, ...)")
    g.add((a, SD.status, b.status(it["status"], (*fp, "status"))))
    parties = _as_list(it.get("parties"), (*fp, "parties"), b)
    if not parties:
        raise b.fail(fp, "missing 'parties' (the countries or organisations taking part)")
    for i, p in enumerate(parties):
        g.add((a, SD.party, b.ref(p, (*fp, "parties", i), kinds=("country", "organisation"))))
    for i, s in enumerate(_as_list(it.get("signatories"), (*fp, "signatories"), b)):
        g.add((a, SD.signatory, b.ref(s, (*fp, "signatories", i), kinds=("person",))))
    if it.get("signed"):
        g.add((a, SD.signedOn, b.date(it["signed"], (*fp, "signed"))))
    if it.get("announced"):
        g.add((a, SD.announcedOn, b.date(it["announced"], (*fp, "announced"))))
    if it.get("signed_at"):
        g.add((a, SD.signedAt, b.ref(it["signed_at"], (*fp, "signed_at"), kinds=("place",))))
    for i, t in enumerate(_as_list(it.get("topics"), (*fp, "topics"), b)):
        g.add((a, SD.topic, b.topic(t, (*fp, "topics", i))))
    for i, p in enumerate(_as_list(it.get("part_of"), (*fp, "part_of"), b)):
        g.add((a, SD.partOf, b.ref(p, (*fp, "part_of", i), kinds=("agreement",))))
    for i, p in enumerate(_as_list(it.get("announced_by"), (*fp, "announced_by"), b)):
        g.add((a, SD.announcedBy, b.ref(p, (*fp, "announced_by", i), kinds=("person", "organisation", "country"))))
    for i, part in enumerate(_as_list(it.get("participation"), (*fp, "participation"), b)):
        pfp = (*fp, "participation", i)
        if not isinstance(part, dict) or "party" not in part:
            raise b.fail(pfp, "each participation needs 'party:'")
        unknown = set(part) - _FIELDS["participation"]
        if unknown:
            raise b.fail(pfp, f"unknown field(s) {', '.join(sorted(unknown))}")
        actor = b.ref(part["party"], (*pfp, "party"), kinds=("country", "organisation"))
        node = entity_iri("participation", f"{a.rsplit('/', 1)[-1]} {actor.rsplit('/', 1)[-1]}")
        g.add((a, SD.participation, node))
        g.add((a, SD.party, actor))
        g.add((node, RDF.type, SD.Participation))
        g.add((node, SD.actor, actor))
        for key, prop in (("signed", SD.signedOn), ("ratified", SD.ratifiedOn), ("in_force", SD.inForceFrom), ("withdrew", SD.withdrewOn)):
            if part.get(key):
                g.add((node, prop, b.date(part[key], (*pfp, key))))
        if part.get("status"):
            g.add((node, SD.status, b.status(part["status"], (*pfp, "status"))))
    b.common(a, it)


def _funding_amount(it: dict, fp: tuple, b: _Builder) -> tuple[Any, str]:
    if "amount" not in it or it["amount"] is None:
        raise b.fail(fp, "missing 'amount'")
    try:
        amount, implied = parse_amount(it["amount"])
    except ValueError as e:
        raise b.fail((*fp, "amount"), str(e)) from None
    if amount < 0:
        raise b.fail((*fp, "amount"), f"amount must not be negative ({it['amount']})")
    currency = str(it.get("currency") or implied or "").strip().upper()
    if not currency:
        raise b.fail(fp, "missing 'currency' (an ISO 4217 code such as GBP, USD, EUR)")
    from ..resolve import currency_codes

    if currency not in currency_codes():
        raise b.fail((*fp, "currency"), f"{currency!r} is not an ISO 4217 currency code")
    if implied and it.get("currency") and implied != currency:
        raise b.fail((*fp, "currency"), f"the amount's sign says {implied}, the currency says {currency}")
    return amount, currency


def _funding_iri(it: dict, fp: tuple, b: _Builder) -> URIRef:
    if it.get("name"):
        return entity_iri("funding", str(it["name"]))
    amount, currency = _funding_amount(it, fp, b)
    return entity_iri("funding", f"{it.get('funder', '')} {amount} {currency} {it.get('purpose', '')}")


def _funding(fp: tuple, it: dict, f: URIRef, b: _Builder) -> None:
    g = b.g
    amount, currency = _funding_amount(it, fp, b)
    g.add((f, RDF.type, SD.Funding))
    label = str(it.get("name") or f"{amount} {currency} {it.get('purpose', '')}".strip())
    g.add((f, RDFS.label, Literal(label)))
    g.add((f, SD.amount, Literal(str(amount), datatype=XSD.decimal)))
    g.add((f, SD.currency, Literal(currency)))
    if it.get("funder"):
        g.add((f, SD.funder, b.ref(it["funder"], (*fp, "funder"), kinds=("country", "organisation"))))
    if it.get("purpose"):
        g.add((f, SD.purpose, Literal(str(it["purpose"]))))
    if it.get("date"):
        g.add((f, SD.announcedOn, b.date(it["date"], (*fp, "date"))))
    for i, t in enumerate(_as_list(it.get("topics"), (*fp, "topics"), b)):
        g.add((f, SD.topic, b.topic(t, (*fp, "topics", i))))
    for i, x in enumerate(_as_list(it.get("for"), (*fp, "for"), b)):
        target = b.ref(x, (*fp, "for", i), kinds=("agreement", "organisation", "event", "country"))
        g.add((target, SD.funding, f))
        g.add((f, SD.recipient, target))
    if it.get("share_of"):
        g.add((f, SD.shareOf, b.ref(it["share_of"], (*fp, "share_of"), kinds=("funding",))))
    for i, p in enumerate(_as_list(it.get("announced_by"), (*fp, "announced_by"), b)):
        g.add((f, SD.announcedBy, b.ref(p, (*fp, "announced_by", i), kinds=("person", "organisation", "country"))))
    b.common(f, it)
