"""Nothing reaches the network unless the user asks: checked against a real local server."""

from __future__ import annotations

import http.server
import threading

import pytest

import kg


@pytest.fixture
def watcher():
    """A local HTTP server that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_jsonld_remote_context_is_never_fetched(seed_kg, tmp_path, watcher):
    url, hits = watcher
    p = tmp_path / "remote.jsonld"
    p.write_text(f'{{"@context": "{url}/ctx.jsonld", "@id": "http://example.org/a", "name": "x"}}', "utf-8")
    with pytest.raises(kg.ParseError, match="remote JSON-LD contexts are not fetched"):
        seed_kg.ingest(p)
    assert hits == []


def test_rdfxml_external_entity_is_never_fetched(seed_kg, tmp_path, watcher):
    url, hits = watcher
    p = tmp_path / "entity.rdf"
    p.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{url}/e.txt">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">'
        '<rdf:Description rdf:about="http://example.org/a"><s:name>&e;</s:name></rdf:Description></rdf:RDF>',
        "utf-8",
    )
    with pytest.raises(kg.KGError):
        seed_kg.ingest(p)
    assert hits == []


def test_service_clause_is_refused(seed_kg, watcher):
    url, hits = watcher
    with pytest.raises(kg.QueryError, match="SERVICE"):
        seed_kg.query(f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")
    assert hits == []


def test_from_names_a_graph_of_the_store_never_a_download(seed_kg, watcher):
    url, hits = watcher
    rows = list(seed_kg.query(f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}"))
    assert rows == [] and hits == []
    rows = list(seed_kg.query("SELECT (COUNT(*) AS ?n) FROM sdg:uk-korea-science-deal-2023 WHERE { ?s ?p ?o }"))
    assert int(rows[0][0]) > 300


def test_huge_file_is_refused_before_reading(seed_kg, tmp_path):
    p = tmp_path / "huge.jsonld"
    with p.open("wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(kg.InputError, match="huge.jsonld: file too large"):
        seed_kg.ingest(p)


def test_huge_binary_triples_file_is_refused_before_streaming(seed_kg, tmp_path):
    p = tmp_path / "huge.nt"
    with p.open("wb") as f:
        f.truncate(300 * 1024 * 1024)
    with pytest.raises(kg.InputError, match="huge.nt: binary file"):
        seed_kg.ingest(p)
