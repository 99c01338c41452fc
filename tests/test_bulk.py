"""Large triples files are streamed into the store, checked there, and written all or nothing."""

from __future__ import annotations

import pytest

import kg
import kg.vocab

from .test_ingest import snapshot


@pytest.fixture
def seed_nt(seed_kg, tmp_path):
    p = tmp_path / "seed-bulk.nt"
    p.write_bytes(seed_kg.export("ntriples", sources=["uk-korea-science-deal-2023"]))
    return p


def test_bulk_ingest_answers_like_the_normal_path(seed_nt):
    g = kg.KnowledgeGraph()
    [report] = g.ingest(seed_nt, bulk=True)
    assert report.slug == "seed-bulk" and report.triples > 300
    assert len(g.run("agreements-between", a="GBR", b="KOR")) == 6
    assert not [n for n in g.store.oxigraph.named_graphs() if "_staging" in n.value]
    [again] = g.ingest(seed_nt, bulk=True)
    assert again.replaced and again.previous == report.triples


_FUNDING = '<https://w3id.org/scidip/id/funding/f> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Funding> .\n'


@pytest.mark.parametrize(
    "bad,expect",
    [
        ('<https://w3id.org/scidip/id/country/XYZ> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Country> .', "country/XYZ"),
        ('<https://w3id.org/scidip/id/funding/f> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Funding> .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#amount> "-5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "GBP" .', "non-negative"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#signedOn> "2023-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .', "not a valid xsd:date"),
        ('<https://w3id.org/scidip/id/agreement/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Treaty> .', "no sd:party"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#signatory> <https://w3id.org/scidip/id/country/GBR> .', "not an sd:Person"),
        ('<https://w3id.org/scidip/id/agreement/y> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Accord> .\n'
         '<https://w3id.org/scidip/id/agreement/y> <https://w3id.org/scidip/ontology#party> <https://w3id.org/scidip/id/country/GBR> .\n'
         '<https://w3id.org/scidip/id/agreement/y> <https://w3id.org/scidip/ontology#status> <https://w3id.org/scidip/ontology#Signed> .', "no rdfs:label"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#status> <https://w3id.org/scidip/ontology#Bogus> .', "AgreementStatus"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#inForceFrom> "2023"^^<http://www.w3.org/2001/XMLSchema#string> .', "not a valid xsd:date"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#ratifiedOn> "20x3"^^<http://www.w3.org/2001/XMLSchema#gYear> .', "not a valid xsd:date"),
        ('<https://w3id.org/scidip/id/agreement/uk-korea-science-deal> <https://w3id.org/scidip/ontology#announcedOn> "2023-05-01" .', "not a valid xsd:date"),
        (_FUNDING + '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#amount> "5"^^<http://www.w3.org/2001/XMLSchema#decimal> .', "ISO 4217"),
        (_FUNDING + '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "GBP" .', "no amount"),
        (_FUNDING + '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "gbp" .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#amount> "5"^^<http://www.w3.org/2001/XMLSchema#decimal> .', "ISO 4217"),
        (_FUNDING + '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "GBP" .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#amount> "5" .', "non-negative"),
        (_FUNDING + '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "GBP" .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#currency> "EUR" .\n'
         '<https://w3id.org/scidip/id/funding/f> <https://w3id.org/scidip/ontology#amount> "5"^^<http://www.w3.org/2001/XMLSchema#decimal> .', "more than one sd:currency"),
        ('<https://w3id.org/scidip/id/participation/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Participation> .\n'
         '<https://w3id.org/scidip/id/participation/p> <https://w3id.org/scidip/ontology#status> <https://w3id.org/scidip/ontology#Ratified> .', "AgreementStatus"),
    ],
)
def test_bulk_checks_refuse_and_leave_store_unchanged(fresh_kg, seed_nt, bad, expect):
    """The in-store checks refuse what the SHACL shapes refuse, and nothing is written."""
    seed_nt.write_bytes(seed_nt.read_bytes() + bad.encode() + b"\n")
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ValidationError, match=expect):
        fresh_kg.ingest(seed_nt, bulk=True)
    with pytest.raises(kg.ValidationError):  # the normal path, checked by pyshacl
        fresh_kg.ingest(seed_nt, bulk=False)
    assert snapshot(fresh_kg) == before


def test_bulk_checks_accept_every_form_of_date(fresh_kg, seed_nt):
    dates = ['"2023-05-01Z"^^<http://www.w3.org/2001/XMLSchema#date>', '"2023-05-01+09:00"^^<http://www.w3.org/2001/XMLSchema#date>',
             '"2023-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>', '"1957"^^<http://www.w3.org/2001/XMLSchema#gYear>']
    extra = "".join(f'<https://w3id.org/scidip/id/participation/p{i}> <https://w3id.org/scidip/ontology#signedOn> {d} .\n'
                    for i, d in enumerate(dates))
    seed_nt.write_bytes(seed_nt.read_bytes() + extra.encode())
    [report] = fresh_kg.ingest(seed_nt, bulk=True)
    assert len(list(fresh_kg.query("SELECT ?d WHERE { ?p sd:signedOn ?d }", sources=[report.slug]))) >= len(dates)


def test_bulk_parse_error_names_the_line(fresh_kg, seed_nt):
    lines = seed_nt.read_bytes().splitlines()
    seed_nt.write_bytes(b"\n".join(lines[:10] + [b"<urn:a> <urn:b> ."] + lines[10:]) + b"\n")
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ParseError, match="seed-bulk.nt:11"):
        fresh_kg.ingest(seed_nt, bulk=True)
    assert snapshot(fresh_kg) == before


def test_large_sources_in_memory_are_checked_in_the_store(fresh_kg, seed_nt):
    """Above kg.graph.SHACL_MAX_TRIPLES a parsed source is written first and checked by SPARQL."""
    from kg.graph import SHACL_MAX_TRIPLES

    filler = b"".join(
        b'<https://w3id.org/scidip/id/place/p%d> <http://www.w3.org/2000/01/rdf-schema#label> "Place %d" .\n' % (i, i)
        for i in range(SHACL_MAX_TRIPLES)
    )
    seed_nt.write_bytes(seed_nt.read_bytes() + filler)
    [report] = fresh_kg.ingest(seed_nt, bulk=False)
    assert report.triples > SHACL_MAX_TRIPLES and not report.replaced
    bad = b'<https://w3id.org/scidip/id/country/XYZ> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/scidip/ontology#Country> .\n'
    seed_nt.write_bytes(seed_nt.read_bytes() + bad)
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ValidationError, match="country/XYZ"):
        fresh_kg.ingest(seed_nt, bulk=False)
    assert snapshot(fresh_kg) == before


def test_a_new_source_is_loaded_in_place_and_a_crash_leaves_nothing(tmp_path, seed_nt):
    """A new bulk source goes straight into its graph; undescribed graphs are dropped on open."""
    import pyoxigraph as ox

    path = tmp_path / "store"
    with kg.KnowledgeGraph(path) as g:
        g.store.stage_file(kg.vocab.graph_iri("crashed"), seed_nt, "ntriples")  # then "crash": never described
    with kg.KnowledgeGraph(path) as g:
        assert [s.slug for s in g.sources()] == []
        assert ox.NamedNode(str(kg.vocab.graph_iri("crashed"))) not in set(g.store.oxigraph.named_graphs())


def test_chunked_load_keeps_line_numbers_and_blank_nodes(fresh_kg, seed_nt, monkeypatch):
    """N-Triples are loaded in chunks (bounded memory); errors still name the line of the
    whole file, and blank nodes stay joined across chunks (from the first chunk with a blank
    node on, the file is parsed as one stream, still written in chunks)."""
    import kg.store

    monkeypatch.setattr(kg.store, "CHUNK_LINES", 50)
    lines = seed_nt.read_bytes().splitlines()
    assert len(lines) > 200
    [report] = fresh_kg.ingest(seed_nt, bulk=True)
    assert report.triples == len(lines)
    broken = seed_nt.with_name("broken.nt")
    broken.write_bytes(b"\n".join(lines[:120] + [b"<urn:a> <urn:b> ."] + lines[120:]) + b"\n")
    with pytest.raises(kg.ParseError, match="broken.nt:121"):
        fresh_kg.ingest(broken, bulk=True)
    bnodes = seed_nt.with_name("bnodes.nt")
    bnodes.write_bytes(b"\n".join(lines) + b'\n_:x <urn:p> "1" .\n' + b"\n".join(lines[:60]) + b'\n_:x <urn:p> "2" .\n')
    fresh_kg.ingest(bnodes, bulk=True)
    rows = list(fresh_kg.query("SELECT ?x WHERE { ?x <urn:p> \"1\", \"2\" }", sources=["bnodes"]))
    assert len(rows) == 1
    # the same label in another file is another node
    other = seed_nt.with_name("other.nt")
    filler = b"".join(b'<urn:s%d> <urn:q> "%d" .\n' % (i, i) for i in range(120))
    other.write_bytes(b'_:x <urn:p> "3" .\n' + filler + b'_:x <urn:p> "4" .\n')
    fresh_kg.ingest(other, bulk=True)
    assert len(list(fresh_kg.query('SELECT ?x WHERE { ?x <urn:p> "1", "4" }'))) == 0
    assert len(list(fresh_kg.query('SELECT ?x WHERE { ?x <urn:p> "3", "4" }'))) == 1
    # a parse error after the switch to the stream still names the line of the whole file
    late = seed_nt.with_name("late.nt")
    late.write_bytes(b"\n".join(lines[:100] + [b'_:y <urn:p> "1" .'] + lines[:30] + [b"<urn:a> <urn:b> ."]) + b"\n")
    with pytest.raises(kg.ParseError, match="late.nt:132"):
        fresh_kg.ingest(late, bulk=True)


def test_turtle_is_streamed_in_chunks_with_blank_nodes_joined(fresh_kg, tmp_path, monkeypatch):
    """Turtle is parsed as one stream and written in chunks: the same ``_:b1`` in two chunks
    is one node, and a parse error names the line of the file."""
    import kg.store

    monkeypatch.setattr(kg.store, "CHUNK_LINES", 40)
    filler = "".join(f'<https://w3id.org/scidip/id/place/p{i}> rdfs:label "Place {i}" .\n' for i in range(200))
    head = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    ttl = tmp_path / "big.ttl"
    ttl.write_text(head + '_:b1 <urn:p> "1" .\n' + filler + '_:b1 <urn:p> "2" .\n[] <urn:p> "3" .\n', "utf-8")
    [report] = fresh_kg.ingest(ttl, bulk=True)
    assert report.triples == 203
    assert len(list(fresh_kg.query('SELECT ?x WHERE { ?x <urn:p> "1", "2" }', sources=["big"]))) == 1
    assert len(list(fresh_kg.query('SELECT ?x WHERE { ?x <urn:p> "3" }', sources=["big"]))) == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text(head + filler + "<urn:a> <urn:b> .\n" + filler, "utf-8")
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ParseError, match="bad.ttl:202"):
        fresh_kg.ingest(bad, bulk=True)
    assert snapshot(fresh_kg) == before


_SD = "https://w3id.org/scidip/ontology#"
_F = "<https://w3id.org/scidip/id/funding/shared>"


def test_a_fundings_values_count_from_other_sources_but_not_from_the_one_replaced(fresh_kg, seed_nt, tmp_path):
    """As before, a funding's amount and currency may come from another source; a bad one there
    is refused, and a re-ingest cannot lean on the statements it is replacing."""
    other = tmp_path / "other.ttl"
    other.write_text(f'{_F} <{_SD}currency> "gbp" ; <{_SD}amount> 5.0 .\n', "utf-8")
    fresh_kg.ingest(other)  # no sd:Funding there: nothing for the shapes to check
    staged = seed_nt.read_bytes()
    seed_nt.write_bytes(staged + f'{_F} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SD}Funding> .\n'.encode())
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ValidationError, match="ISO 4217"):
        fresh_kg.ingest(seed_nt, bulk=True)
    assert snapshot(fresh_kg) == before
    # a funding with its values in the bulk source itself, then the same source without them
    v1 = tmp_path / "v1.nt"
    v1.write_bytes(staged + (f'{_F.replace("shared", "own")} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SD}Funding> .\n'
                             f'{_F.replace("shared", "own")} <{_SD}currency> "EUR" .\n'
                             f'{_F.replace("shared", "own")} <{_SD}amount> "7"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n').encode())
    fresh_kg.ingest(v1, bulk=True)
    v1.write_bytes(staged + f'{_F.replace("shared", "own")} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SD}Funding> .\n'.encode())
    before = snapshot(fresh_kg)
    with pytest.raises(kg.ValidationError, match="no amount"):
        fresh_kg.ingest(v1, bulk=True)
    assert snapshot(fresh_kg) == before


def test_bulk_checks_apply_to_what_the_shapes_target(fresh_kg, seed_nt):
    """A status, amount or currency on a node the shapes do not target passes both paths; a date
    with a time zone near year 1 is still a date."""
    extra = (f'<https://w3id.org/scidip/id/org/o> <{_SD}status> <https://w3id.org/scidip/id/x/Active> .\n'
             f'<https://w3id.org/scidip/id/org/o> <{_SD}amount> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
             f'<https://w3id.org/scidip/id/participation/q> <{_SD}signedOn> "0001-01-01Z"^^<http://www.w3.org/2001/XMLSchema#date> .\n')
    seed_nt.write_bytes(seed_nt.read_bytes() + extra.encode())
    [report] = fresh_kg.ingest(seed_nt, bulk=True)
    assert report.triples > 300
    [again] = fresh_kg.ingest(seed_nt, bulk=False)  # and the SHACL path agrees
    assert again.replaced and again.triples == report.triples
