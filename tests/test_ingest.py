"""Ingest: formats, provenance, replacement, removal, and bad input refused with the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

import kg
from kg.bundled import data_dir
from kg.vocab import SD, SDG, country_iri

SEED_RECORDS = data_dir() / "records" / "uk-korea-science-deal-2023.yaml"

RECORD = """\
source:
  id: {slug}
  title: A test record
  published: 2024-03-01
agreements:
  - name: {name}
    kind: mou
    parties: [{party}, Japan]
    signed: {signed}
    status: signed
    topics: [space]
funding:
  - amount: {amount}
    currency: EUR
    for: [{name}]
"""


def record(tmp_path: Path, *, slug="test-record", name="UK-Japan space MoU", party="UK", signed="2024-02-20", amount="€2m", extra="") -> Path:
    p = tmp_path / f"{slug}.yaml"
    p.write_text(RECORD.format(slug=slug, name=name, party=party, signed=signed, amount=amount) + extra, "utf-8")
    return p


def snapshot(graph: kg.KnowledgeGraph) -> bytes:
    """Every quad of the store, in a canonical order (the 'store unchanged' check)."""
    return b"\n".join(sorted(graph.export("nquads").splitlines()))


# --- good input -----------------------------------------------------------------------


def test_each_source_gets_its_own_named_graph_with_provenance(fresh_kg):
    [src] = fresh_kg.sources()
    assert src.graph == SDG["uk-korea-science-deal-2023"]
    assert src.title == "Republic of Korea deal adds to UK quantum momentum"
    assert src.published == "2023-11-22"
    assert src.extractor == "curated"
    assert src.generated and src.triples > 300


def test_country_names_resolve_to_iso_with_every_name_kept(fresh_kg, tmp_path):
    fresh_kg.ingest(record(tmp_path, party="Britain"))
    alt = {str(o) for o in fresh_kg.dataset.objects(country_iri("GBR"), SKOS.altLabel)}
    assert {"UK", "Britain"} <= alt
    assert {str(o) for o in fresh_kg.dataset.objects(country_iri("GBR"), RDFS.label)} == {"United Kingdom"}


def test_same_entity_from_two_sources_is_one_node(fresh_kg, tmp_path):
    fresh_kg.ingest(record(tmp_path, party="GB"))
    rows = list(fresh_kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a sd:Country } }", bindings={"c": country_iri("GBR")}))
    assert len(rows) == 2  # stated in both sources, one IRI
    assert len(fresh_kg.run("agreements-between", a="United Kingdom", b="Japan")) == 1


def test_reingest_replaces_exactly_its_graph(fresh_kg, tmp_path):
    other = record(tmp_path)
    fresh_kg.ingest(other)
    seed_before = fresh_kg.export("nquads", sources=["uk-korea-science-deal-2023"])
    other.write_text(other.read_text().replace("UK-Japan space MoU", "UK-Japan space accord"), "utf-8")
    [report] = fresh_kg.ingest(other)
    assert report.replaced and report.previous > 0
    got = {str(r.label) for r in fresh_kg.run("agreements-between", a="UK", b="JPN")}
    assert got == {"UK-Japan space accord"}
    assert fresh_kg.export("nquads", sources=["uk-korea-science-deal-2023"]) == seed_before


def test_remove_removes_exactly_one_source(fresh_kg, tmp_path):
    before = snapshot(fresh_kg)
    fresh_kg.ingest(record(tmp_path))
    assert fresh_kg.remove("test-record") is True
    assert snapshot(fresh_kg) == before
    assert fresh_kg.remove("test-record") is False


def test_on_disk_store_survives_reopening(tmp_path):
    path = tmp_path / "store"
    with kg.KnowledgeGraph(path) as g:
        g.ingest(SEED_RECORDS)
    with kg.KnowledgeGraph(path) as g:
        assert [s.slug for s in g.sources()] == ["uk-korea-science-deal-2023"]
        assert len(g.run("signatories", agreement="UK-Korea Science Deal")) == 3


@pytest.mark.parametrize("fmt,ext", [("turtle", "ttl"), ("ntriples", "nt"), ("nquads", "nq"), ("trig", "trig"), ("jsonld", "jsonld"), ("xml", "rdf")])
def test_rdf_formats_round_trip(seed_kg, tmp_path, fmt, ext):
    data = seed_kg.export("turtle", sources=["uk-korea-science-deal-2023"])
    g = Graph().parse(data=data, format="turtle")
    path = tmp_path / f"seed.{ext}"
    rdflib_fmt = {"ntriples": "nt", "jsonld": "json-ld"}.get(fmt, fmt)
    if fmt in ("nquads", "trig"):
        from rdflib import Dataset

        ds = Dataset()
        gg = ds.graph(URIRef("urn:x:g"))
        for t in g:
            gg.add(t)
        path.write_bytes(ds.serialize(format=rdflib_fmt, encoding="utf-8"))
    else:
        path.write_bytes(g.serialize(format=rdflib_fmt, encoding="utf-8"))
    fresh = kg.KnowledgeGraph()
    [report] = fresh.ingest(path)
    assert report.slug == "seed" and report.triples == len(g)
    assert len(fresh.run("signatories", agreement="UK-Korea Science Deal")) == 3


# --- bad input: refused clearly, store unchanged --------------------------------------


def refused(graph: kg.KnowledgeGraph, path: Path, error=kg.KGError) -> str:
    before = snapshot(graph)
    with pytest.raises(error) as info:
        graph.ingest(path)
    assert snapshot(graph) == before
    return str(info.value)


def test_malformed_turtle_names_file_and_line(fresh_kg, tmp_path):
    p = tmp_path / "bad.ttl"
    p.write_text('@prefix sd: <https://w3id.org/scidip/ontology#> .\n<urn:a> a sd:Agreement .\n<urn:a> sd:label "x .\n', "utf-8")
    msg = refused(fresh_kg, p, kg.ParseError)
    assert "bad.ttl:3" in msg


def test_shacl_violation_names_shape_and_focus_node(fresh_kg, tmp_path):
    p = tmp_path / "noparty.ttl"
    p.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/scidip/id/agreement/x> a sd:Treaty ; rdfs:label \"X\" ; sd:status sd:Signed .\n",
        "utf-8",
    )
    msg = refused(fresh_kg, p, kg.ValidationError)
    assert "noparty.ttl" in msg and "agreement/x" in msg and "sd:party" in msg


def test_unknown_country(fresh_kg, tmp_path):
    msg = refused(fresh_kg, record(tmp_path, party="Atlantis"), kg.ResolutionError)
    assert "Atlantis" in msg and "agreements[0].parties[0]" in msg and "test-record.yaml:" in msg


def test_country_iri_not_iso_is_a_shacl_violation(fresh_kg, tmp_path):
    p = tmp_path / "xyz.ttl"
    p.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/scidip/id/country/XYZ> a sd:Country ; rdfs:label \"Xyz\" .\n",
        "utf-8",
    )
    assert "country/XYZ" in refused(fresh_kg, p, kg.ValidationError)


@pytest.mark.parametrize("signed", ["2023-02-30", "yesterday", "2023-13"])
def test_bad_date(fresh_kg, tmp_path, signed):
    msg = refused(fresh_kg, record(tmp_path, signed=signed), kg.InputError)
    assert "agreements[0].signed" in msg and signed in msg


def test_bad_date_in_rdf_is_a_shacl_violation(fresh_kg, tmp_path):
    p = tmp_path / "date.ttl"
    p.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/scidip/id/agreement/x> a sd:Agreement ; rdfs:label \"X\" ; sd:status sd:Signed ;\n"
        "  sd:party <https://w3id.org/scidip/id/country/GBR> ; sd:signedOn \"2023-13-45\"^^xsd:date .\n",
        "utf-8",
    )
    assert "signedOn" in refused(fresh_kg, p, kg.ValidationError)


def test_negative_amount(fresh_kg, tmp_path):
    msg = refused(fresh_kg, record(tmp_path, amount="-5"), kg.InputError)
    assert "funding[0].amount" in msg and "negative" in msg


def test_negative_amount_in_rdf_is_a_shacl_violation(fresh_kg, tmp_path):
    p = tmp_path / "neg.ttl"
    p.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/scidip/id/funding/f> a sd:Funding ; rdfs:label \"F\" ; sd:amount \"-5\"^^xsd:decimal ; sd:currency \"GBP\" .\n",
        "utf-8",
    )
    assert "amount" in refused(fresh_kg, p, kg.ValidationError)


def test_unknown_currency(fresh_kg, tmp_path):
    p = record(tmp_path)
    p.write_text(p.read_text().replace("currency: EUR", "currency: XXY").replace("€2m", "2m"), "utf-8")
    assert "XXY" in refused(fresh_kg, p, kg.InputError)


def test_empty_file(fresh_kg, tmp_path):
    p = tmp_path / "empty.ttl"
    p.write_bytes(b"")
    assert "empty.ttl: empty file" in refused(fresh_kg, p, kg.InputError)


def test_non_utf8_file(fresh_kg, tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes(RECORD.format(slug="x", name="Accord de coopération", party="France", signed="2024", amount=1).encode("latin-1"))
    msg = refused(fresh_kg, p, kg.InputError)
    assert "latin1.yaml" in msg and "UTF-8" in msg


def test_binary_file(fresh_kg, tmp_path):
    p = tmp_path / "blob.ttl"
    p.write_bytes(bytes(range(256)) * 4)
    assert "binary" in refused(fresh_kg, p, kg.InputError)


def test_unknown_field_is_named_with_its_line(fresh_kg, tmp_path):
    p = record(tmp_path, extra="events:\n  - name: Visit\n    strat: 2024-01-01\n")
    msg = refused(fresh_kg, p, kg.InputError)
    assert "test-record.yaml:17: events[0]" in msg and "strat" in msg


def test_one_bad_file_in_a_batch_writes_nothing(fresh_kg, tmp_path):
    good = record(tmp_path, slug="good")
    bad = record(tmp_path, slug="bad", party="Atlantis")
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ResolutionError):
        fresh_kg.ingest(good, bad)
    assert snapshot(fresh_kg) == before


def test_remote_jsonld_context_is_not_fetched(fresh_kg, tmp_path):
    p = tmp_path / "remote.jsonld"
    p.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a", "name": "x"}', "utf-8")
    assert "remote JSON-LD contexts are not fetched" in refused(fresh_kg, p, kg.ParseError)


# --- all or nothing, with failures injected mid-write -----------------------------------


def test_failure_while_writing_quads_leaves_store_unchanged(fresh_kg, tmp_path):
    before = snapshot(fresh_kg)

    def exploding():
        for i, t in enumerate(Graph().parse(SEED_RECORDS.with_suffix(".yaml").parent.parent / "records" / SEED_RECORDS.name, format="turtle") if False else []):
            yield t
        yield (URIRef("urn:a"), URIRef("urn:p"), Literal(1))
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        fresh_kg.store.replace_graph(SDG["uk-korea-science-deal-2023"], exploding(), meta=[])
    assert snapshot(fresh_kg) == before
    assert not [g for g in fresh_kg.store.oxigraph.named_graphs() if "_staging" in g.value]


class _FailingUpdate:
    """The real Oxigraph store, except that the swap transaction fails."""

    def __init__(self, inner: ox.Store):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def update(self, *_a, **_k):
        raise OSError("simulated crash during the swap")


def test_failure_during_the_swap_leaves_store_unchanged(fresh_kg, tmp_path):
    before = snapshot(fresh_kg)
    real = fresh_kg.store._ox
    fresh_kg.store._ox = _FailingUpdate(real)
    try:
        with pytest.raises(kg.StoreError, match="store unchanged"):
            fresh_kg.ingest(record(tmp_path))
    finally:
        fresh_kg.store._ox = real
    assert snapshot(fresh_kg) == before
    assert not [g for g in real.named_graphs() if "_staging" in g.value]


def test_facts_stated_by_two_sources_are_answered_once(fresh_kg, tmp_path):
    """The union of graphs is a bag: a fact in two sources must not double the answers."""
    twin = tmp_path / "twin.yaml"
    twin.write_text(SEED_RECORDS.read_text("utf-8").replace("id: uk-korea-science-deal-2023", "id: twin"), "utf-8")
    fresh_kg.ingest(twin)
    assert len(fresh_kg.sources()) == 2
    assert len(fresh_kg.run("funding")) == 4
    assert len(fresh_kg.run("signatories", agreement="UK-Korea Science Deal")) == 3
    assert len(fresh_kg.run("agreements-between", a="GBR", b="KOR")) == 6
    assert {str(r.agreements) for r in fresh_kg.run("partners-on-topic", country="GBR", topic="quantum")} <= {"1", "3"}
