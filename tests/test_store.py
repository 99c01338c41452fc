"""The store interface: bindings never paste text, the rdflib view sees the same data."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

import kg
from kg.store import with_bindings
from kg.vocab import SD, SDG, country_iri

from .test_ingest import snapshot


def test_hostile_parameter_values_are_data(fresh_kg):
    before = snapshot(fresh_kg)
    for hostile in ['x" } ; DROP ALL ; #', "UK-Korea Science Deal' }", "<urn:x> } UNION { ?s ?p ?o"]:
        with pytest.raises(kg.QueryError, match="no agreement called"):
            fresh_kg.run("signatories", agreement=hostile)
        rows = list(fresh_kg.query("SELECT ?e WHERE { ?e rdfs:label ?name }", bindings={"name": Literal(hostile)}))
        assert rows == []
    assert snapshot(fresh_kg) == before


def test_bad_iri_bindings_are_refused():
    with pytest.raises(kg.QueryError, match="not a valid IRI"):
        with_bindings("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("urn:a> } ; DROP ALL ; <urn:b")})


def test_bindings_reach_filters(seed_kg):
    rows = list(seed_kg.query(
        "SELECT ?l WHERE { ?p a sd:Place ; rdfs:label ?l FILTER(STRSTARTS(?l, ?prefix)) }",
        bindings={"prefix": Literal("Royal")},
    ))
    assert [str(r.l) for r in rows] == ["Royal Society"]


def test_rdflib_dataset_view_is_the_same_data(seed_kg):
    ds = seed_kg.dataset
    g = ds.graph(SDG["uk-korea-science-deal-2023"])
    assert len(g) == seed_kg.store.count(SDG["uk-korea-science-deal-2023"])
    parties = set(ds.objects(None, SD.party))
    assert {country_iri("GBR"), country_iri("KOR"), country_iri("AUS")} <= parties


def test_query_restricted_to_sources(fresh_kg, tmp_path):
    from .test_ingest import record

    fresh_kg.ingest(record(tmp_path))
    q = "SELECT DISTINCT ?a WHERE { ?a a sd:Agreement }"
    assert len(list(fresh_kg.query(q, sources=["test-record"]))) == 1
    assert len(list(fresh_kg.query(q))) == 10


def test_ontology_graph_is_in_every_store_and_not_a_source(seed_kg):
    assert all(s.slug != "ontology" for s in seed_kg.sources())
    with pytest.raises(kg.KGError):
        seed_kg.remove("ontology")
    assert seed_kg.query("ASK { sd:Signed a sd:AgreementStatus }").askAnswer


def _slow_from_ox(term):
    """The conversion as rdflib's constructors make it (the reference for kg.store.from_ox)."""
    import pyoxigraph as ox
    from rdflib import BNode

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def test_fast_term_conversion_makes_the_same_rdflib_terms(seed_kg):
    """from_ox builds IRIs and plain literals without rdflib's checks and caches terms per
    result: every term of the seed store must come out exactly as rdflib would make it."""
    import pyoxigraph as ox

    from kg.store import from_ox

    terms = {t for q in seed_kg.store.oxigraph for t in (q.subject, q.predicate, q.object)}
    terms |= {ox.Literal(""), ox.Literal("é ✓ \n"), ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))}
    assert any(isinstance(t, ox.Literal) and t.datatype.value.endswith("#string") for t in terms)
    for t in terms:
        fast, slow = from_ox(t), _slow_from_ox(t)
        assert type(fast) is type(slow) and fast == slow and str(fast) == str(slow) and hash(fast) == hash(slow)
        assert fast.n3() == slow.n3()
        if isinstance(slow, Literal):
            assert (fast.value, fast.datatype, fast.language, fast.ill_typed) == (slow.value, slow.datatype, slow.language, slow.ill_typed)


def test_query_results_convert_each_term_once_and_equal(seed_kg):
    rows = list(seed_kg.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
    again = [tuple(_slow_from_ox(t) for t in sol) for sol in seed_kg.store.oxigraph.query(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)]
    assert [tuple(r) for r in rows] == again
