"""kg serve: the SPARQL 1.1 Protocol endpoint, queried with SPARQLWrapper."""

from __future__ import annotations

import csv
import io
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg import KnowledgeGraph
from kg.bundled import data_dir
from kg.errors import KGError
from kg.serve import make_server

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper2  # noqa: E402,F401
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException  # noqa: E402

TOKEN = "test-token-0123456789"
DEAL_LABELS = "SELECT ?a ?label WHERE { ?a a sd:Agreement ; rdfs:label ?label } ORDER BY ?label"


def _start(kg, **options):
    server = make_server(kg, host="127.0.0.1", port=0, **options)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def served():
    kg = KnowledgeGraph()
    kg.ingest(data_dir() / "records")
    server = _start(kg, max_rows=500, timeout=5)
    yield server
    server.close()


@pytest.fixture
def writable():
    kg = KnowledgeGraph()
    server = _start(kg, allow_write=True, token=TOKEN, timeout=0.3)
    yield server
    server.close()


def _client(server, fmt=JSON, query=DEAL_LABELS):
    s = SPARQLWrapper.SPARQLWrapper(server.url + "/sparql")
    s.setQuery(query)
    s.setReturnFormat(fmt)
    return s


def _get(server, path, accept=None):
    req = urllib.request.Request(server.url + path, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def _post(server, body: bytes, ctype: str, token: str | None = None):
    headers = {"Content-Type": ctype}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(server.url + "/sparql", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


# --- queries and formats ------------------------------------------------------------------


def test_select_json(served):
    doc = _client(served, JSON).queryAndConvert()
    labels = {b["label"]["value"] for b in doc["results"]["bindings"]}
    assert "UK-Korea Science Deal" in labels and len(labels) >= 9
    assert doc["head"]["vars"] == ["a", "label"]


def test_select_json_by_post(served):
    s = _client(served, JSON)
    s.setMethod(POST)
    assert "UK-Korea Science Deal" in {b["label"]["value"] for b in s.queryAndConvert()["results"]["bindings"]}


def test_select_xml(served):
    dom = _client(served, XML).queryAndConvert()
    literals = {n.firstChild.data for n in dom.getElementsByTagName("literal")}
    assert "UK-Korea Science Deal" in literals


def test_select_csv(served):
    text = _client(served, CSV).queryAndConvert().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "UK-Korea Science Deal" in {r["label"] for r in rows}


def test_select_tsv_and_ask(served):
    status, headers, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": DEAL_LABELS}), "text/tab-separated-values")
    assert status == 200 and body.startswith("?a\t?label\n") and '"UK-Korea Science Deal"' in body
    ask = _client(served, JSON, 'ASK { ?a rdfs:label "UK-Korea Science Deal" }').queryAndConvert()
    assert ask["boolean"] is True


def test_construct_turtle(served):
    q = "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sd:Agreement ; rdfs:label ?l }"
    data = _client(served, TURTLE, q).queryAndConvert()
    g = Graph().parse(data=data, format="turtle")
    assert Literal("UK-Korea Science Deal") in set(g.objects(None, RDFS.label))
    status, headers, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": q}), "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples") and len(Graph().parse(data=body, format="nt")) == len(g)


def test_default_graph_uri_restricts_the_dataset(served):
    q = urllib.parse.urlencode({"query": "SELECT ?a WHERE { ?a a sd:Agreement }", "default-graph-uri": "https://w3id.org/scidip/graph/ontology"})
    status, _h, body = _get(served, "/sparql?" + q, "text/csv")
    assert status == 200 and body.strip() == "a"


def test_named_queries(served):
    status, _h, body = _get(served, "/named/signatories?agreement=UK-Korea+Science+Deal", "text/csv")
    assert status == 200 and {"Michelle Donelan", "Bang Moon-kyu", "Lee Jong-ho"} == {r["name"] for r in csv.DictReader(io.StringIO(body))}
    status, _h, body = _get(served, "/named/signatories", "text/csv")
    assert status == 400 and "missing parameter" in body


def test_unacceptable_type_is_406(served):
    status, _h, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": DEAL_LABELS}), "image/png")
    assert status == 406 and "text/csv" in body


# --- limits and errors -----------------------------------------------------------------------


def test_a_result_over_the_row_limit_is_a_clear_error(served):
    with pytest.raises(QueryBadFormed, match="more than 500 rows"):
        _client(served, JSON, "SELECT * WHERE { ?s ?p ?o }").queryAndConvert()
    status, _h, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
    assert status == 400 and body.startswith("the result has more than 500 rows") and "LIMIT" in body


def test_syntax_errors_and_service_are_400(served):
    status, _h, body = _get(served, "/sparql?query=SELEC")
    assert status == 400 and "syntax error" in body
    q = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    status, _h, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": q}))
    assert status == 400 and "SERVICE" in body


def test_a_slow_query_answers_503(writable):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?x { 1 2 } }"
    writable.kg.ingest(data_dir() / "records")
    status, headers, body = _get(writable, "/sparql?" + urllib.parse.urlencode({"query": slow}))
    assert status == 503 and "did not finish within 0.3 s" in body and headers["Retry-After"]


# --- updates ----------------------------------------------------------------------------------

INSERT = 'INSERT DATA { GRAPH <https://w3id.org/scidip/graph/scratch> { <urn:x:a> rdfs:label "added" } }'


def test_updates_are_refused_by_a_read_only_server(served):
    s = _client(served, JSON, INSERT)
    s.setMethod(POST)
    s.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as e:
        s.query()
    assert "403" in str(e.value) or getattr(e.value, "code", None) == 403
    assert _post(served, INSERT.encode(), "application/sparql-update")[0] == 403


def test_updates_need_the_token(writable):
    assert _post(writable, INSERT.encode(), "application/sparql-update")[0] == 401
    assert _post(writable, INSERT.encode(), "application/sparql-update", token="wrong")[0] == 401
    s = _client(writable, JSON, INSERT)
    s.setMethod(POST)
    s.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    s.query()  # SPARQLWrapper sends update= in a form
    ask = _client(writable, JSON, 'ASK { <urn:x:a> rdfs:label "added" }').queryAndConvert()
    assert ask["boolean"] is True
    assert _post(writable, b"DELETE DATA { GRAPH <https://w3id.org/scidip/graph/scratch> { <urn:x:a> rdfs:label \"added\" } }",
                 "application/sparql-update", token=TOKEN)[0] == 204


def test_write_needs_a_token():
    with pytest.raises(KGError, match="token"):
        make_server(KnowledgeGraph(), port=0, allow_write=True)


# --- the page -------------------------------------------------------------------------------


def test_the_page_escapes_everything(served):
    evil = '</textarea><script>alert("x")</script>'
    status, headers, body = _get(served, "/?" + urllib.parse.urlencode({"query": evil}))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<script" not in body and "&lt;/textarea&gt;&lt;script&gt;" in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    q = 'SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }'
    status, headers, body = _get(served, "/sparql?" + urllib.parse.urlencode({"query": q, "format": "html"}))
    assert status == 200 and "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "signatories" in _get(served, "/")[2]  # the named queries are listed


def test_graph_page(served):
    status, _h, body = _get(served, "/graph?view=actors")
    try:
        import kg.viz  # noqa: F401
    except ImportError:
        assert status == 404
    else:
        assert status == 200 and "<html" in body.lower()
    assert _get(served, "/graph?view=nope")[0] == 400


# --- the command ---------------------------------------------------------------------------


def test_cli_serve_refuses_write_without_a_token(tmp_path, monkeypatch):
    import kg.cli_serve  # noqa: F401 - registers the command until kg.cli imports it
    from kg.cli import main

    r = CliRunner().invoke(main, ["--store", ":memory:", "serve", "--allow-write"])
    assert r.exit_code == 2 and "--token-env" in r.output
    monkeypatch.setenv("KG_TEST_TOKEN", "short")
    r = CliRunner().invoke(main, ["--store", ":memory:", "serve", "--allow-write", "--token-env", "KG_TEST_TOKEN"])
    assert r.exit_code == 1 and "at least 16 characters" in r.output


def test_cli_serve_runs(tmp_path):
    """The command starts, answers and stops (in a subprocess, as a user runs it)."""
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = "import kg.cli_serve; from kg.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "--store", str(tmp_path / "store"), "serve", "--port", str(port), "-q"],
                            stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a owl:Class }"})
        for _ in range(200):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=2) as r:
                    assert r.read().decode().split() == ["boolean", "true"]
                    break
            except urllib.error.URLError:
                time.sleep(0.05)
        else:
            pytest.fail(proc.stderr.read1().decode() if proc.poll() is not None else "kg serve did not answer")
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()
