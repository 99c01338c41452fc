"""RemoteStore against a real Oxigraph server on 127.0.0.1, plus stub servers for failures.

The competency-question checks of ``test_competency.py`` are re-run, unchanged, against a
KnowledgeGraph on the remote store. Skipped when the ``oxigraph`` server binary (PyPI
package ``oxigraph``) is not installed.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg import KnowledgeGraph
from kg.bundled import data_dir
from kg.errors import ParseError, QueryError, StoreError
from kg.remote import RemoteStore
from kg.store import _STAGING
from kg.vocab import SDG

from . import test_competency as cq

# --- servers ------------------------------------------------------------------------------


def _oxigraph_binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """An ``oxigraph serve`` process on a free loopback port (in memory, or on disk)."""

    def __init__(self, location: Path | None = None):
        binary = _oxigraph_binary()
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary, self.location, self.port = binary, location, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        cmd = [self.binary, "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            cmd += ["--location", str(self.location)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.skip(f"oxigraph serve exited: {self.proc.stderr.read().decode(errors='replace')[:300]}")
            try:
                req = urllib.request.Request(f"{self.url}/query", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
                urllib.request.urlopen(req, timeout=1).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        pytest.skip("oxigraph serve did not become ready within 15 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    @property
    def location_string(self) -> str:
        return "sparql+" + self.url


@pytest.fixture(scope="session")
def oxigraph():
    server = Oxigraph()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_kg(oxigraph):
    """The seed records ingested into the session's Oxigraph server, through RemoteStore."""
    graph = KnowledgeGraph(RemoteStore(oxigraph.location_string))
    graph.ingest(data_dir() / "records")
    return graph


@pytest.fixture
def fresh_server(tmp_path):
    """A fresh on-disk Oxigraph server of its own (it can be killed and restarted)."""
    server = Oxigraph(tmp_path / "oxstore")
    yield server
    server.stop()


class Stub(ThreadingHTTPServer):
    """A tiny HTTP server whose answers a test scripts with ``handle(handler) -> (status, headers, body)``."""

    daemon_threads = True

    def __init__(self, handle):
        self.handle_request_fn = handle
        self.seen: list[dict] = []

        class H(BaseHTTPRequestHandler):
            def do_any(h):  # noqa: N805
                n = int(h.headers.get("Content-Length") or 0)
                body = h.rfile.read(n) if n else b""
                self.seen.append({"method": h.command, "path": h.path, "headers": dict(h.headers), "body": body})
                answer = self.handle_request_fn(h, body)
                if answer is None:  # drop the connection without an answer
                    h.close_connection = True
                    h.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, payload = answer
                h.send_response(status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(payload)))
                h.end_headers()
                h.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_any  # noqa: N815

            def log_message(h, *a):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def stub():
    servers: list[Stub] = []

    def make(handle):
        s = Stub(handle)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


def _forward(upstream: str, h, body: bytes):
    """Pass one request on to ``upstream``; 502 when it is down."""
    req = urllib.request.Request(upstream + h.path, data=body if h.command != "GET" else None, method=h.command)
    for k in ("Content-Type", "Accept", "Authorization"):
        if h.headers.get(k):
            req.add_header(k, h.headers[k])
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {"Content-Type": r.headers.get("Content-Type", "")}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {"Content-Type": "text/plain"}, e.read()
    except (urllib.error.URLError, ConnectionError):
        return 502, {"Content-Type": "text/plain"}, b"Bad Gateway: upstream down"


_ASK_TRUE = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{},"boolean":true}')


# --- the competency questions, on the remote store ----------------------------------------

_CQ_CHECKS = [f for name, f in sorted(vars(cq).items()) if name.startswith("test_cq") and callable(f)]


@pytest.mark.parametrize("check", _CQ_CHECKS, ids=lambda f: f.__name__[5:])
def test_competency_questions_on_a_remote_store(check, remote_kg):
    check(remote_kg)


def test_every_competency_check_is_rerun():
    assert len(_CQ_CHECKS) >= 12


def test_remote_store_reads(remote_kg):
    store = remote_kg.store
    slug = "uk-korea-science-deal-2023"
    assert SDG[slug] in store.graph_names() and SDG["ontology"] in store.graph_names()
    assert [s.slug for s in remote_kg.sources()] == [slug]
    n = store.count(SDG[slug])
    assert n == len(list(store.triples(SDG[slug]))) > 100
    assert store.count() >= n
    assert b"UK-Korea Science Deal" in remote_kg.export("nquads", sources=[slug])
    assert b"UK-Korea Science Deal" in remote_kg.export("turtle")
    ask = remote_kg.query("ASK { ?a rdfs:label ?l }", bindings={"l": Literal("UK-Korea Science Deal")})
    assert ask.askAnswer is True
    g = remote_kg.query("CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sd:Agreement ; rdfs:label ?l }").graph
    assert Literal("UK-Korea Science Deal") in set(g.objects())
    only_onto = remote_kg.query("SELECT ?a WHERE { ?a a sd:Agreement }", sources=["ontology"])
    assert len(only_onto) == 0
    with pytest.raises(NotImplementedError, match="no rdflib Dataset view"):
        _ = store.dataset


def test_query_errors_are_clear(remote_kg):
    with pytest.raises(QueryError, match="refused the query"):
        remote_kg.query("SELEC ?x WHERE { ?x ?p ?o }")
    with pytest.raises(QueryError, match="SERVICE"):
        remote_kg.query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")


def test_cli_on_a_remote_store(remote_kg, oxigraph, monkeypatch):
    from kg.cli import main

    _route_sparql_locations(monkeypatch)
    r = CliRunner().invoke(main, ["--store", oxigraph.location_string, "query", "-n", "signatories",
                                  "-p", "agreement=UK-Korea Science Deal", "-f", "json"])
    assert r.exit_code == 0, r.output
    names = {b["name"]["value"] for b in json.loads(r.output)["results"]["bindings"]}
    assert names == {"Michelle Donelan", "Bang Moon-kyu", "Lee Jong-ho"}


def _route_sparql_locations(monkeypatch):
    """Until kg.store.open_store knows sparql+ locations, route them here (no-op after)."""
    import kg.graph
    from kg.store import open_store

    def opener(location=None):
        if location is not None and str(location).startswith("sparql+"):
            return RemoteStore(str(location))
        return open_store(location)

    monkeypatch.setattr(kg.graph, "open_store", opener)


# --- locations and configuration ----------------------------------------------------------


def test_locations():
    s = RemoteStore("sparql+https://db.example.org/ds?query=/sparql&update=/update&gsp=/data&union=none&timeout=5")
    assert (s.query_url, s.update_url, s.gsp_url) == (
        "https://db.example.org/ds/sparql", "https://db.example.org/ds/update", "https://db.example.org/ds/data")
    assert s.union_param is None and s.timeout == 5
    s = RemoteStore(query_url="http://h/q", update_url="http://h/u", gsp_url="http://h/g", union_param="list")
    assert s.union_param == "list"
    with pytest.raises(StoreError, match="credentials do not go in the location"):
        RemoteStore("sparql+http://user:pw@127.0.0.1:7878")
    with pytest.raises(StoreError, match="unknown option"):
        RemoteStore("sparql+http://127.0.0.1:7878?qurey=/sparql")
    with pytest.raises(StoreError, match="sparql\\+http"):
        RemoteStore("http://127.0.0.1:7878")


def test_union_by_listing_graphs(remote_kg, oxigraph):
    """union=list names every graph in the query: works on servers without a union option."""
    listing = KnowledgeGraph(RemoteStore(oxigraph.location_string + "?union=list"))
    cq.test_cq2_signatories_with_posts_and_countries(listing)


# --- failures -------------------------------------------------------------------------------


def test_server_down_is_a_clear_error_and_a_nonzero_exit(monkeypatch):
    port = _free_port()
    with pytest.raises(StoreError, match=rf"cannot reach the SPARQL endpoint at http://127.0.0.1:{port}/query: connection refused"):
        KnowledgeGraph(RemoteStore(f"sparql+http://127.0.0.1:{port}", retries=0))
    from kg.cli import main

    _route_sparql_locations(monkeypatch)
    r = CliRunner().invoke(main, ["--store", f"sparql+http://127.0.0.1:{port}?retries=0", "sources"])
    assert r.exit_code == 1
    assert "cannot reach the SPARQL endpoint" in r.output and "connection refused" in r.output
    assert "Traceback" not in r.output


def test_slow_server_times_out(stub):
    def slow(h, body):
        time.sleep(2)
        return _ASK_TRUE

    s = stub(slow)
    store = RemoteStore(query_url=f"{s.url}/query", update_url=f"{s.url}/update", gsp_url=f"{s.url}/store", timeout=0.3)
    t = time.monotonic()
    with pytest.raises(StoreError, match=r"did not answer within 0.3 s \(timeout\)"):
        store.query("ASK {}")
    assert time.monotonic() - t < 1.5  # a timeout is not retried


def test_refusals_carry_the_servers_message(stub):
    s = stub(lambda h, body: (500, {"Content-Type": "text/plain"}, b"disk full\nmore detail"))
    store = RemoteStore("sparql+" + s.url, retries=0)
    with pytest.raises(StoreError, match=r"refused the request: HTTP 500 .*: disk full$"):
        store.query("ASK {}")


def test_retries_on_503_then_succeeds(stub):
    answers = iter([(503, {}, b"busy"), _ASK_TRUE])
    s = stub(lambda h, body: next(answers))
    store = RemoteStore("sparql+" + s.url, retries=2, backoff=0.01)
    assert store.query("ASK {}").askAnswer is True
    assert len(s.seen) == 2


def test_credentials_come_from_the_environment(stub, monkeypatch):
    s = stub(lambda h, body: _ASK_TRUE)
    monkeypatch.delenv("KG_SPARQL_TOKEN", raising=False)
    monkeypatch.setenv("KG_SPARQL_USER", "alice")
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "pä:ss")
    RemoteStore("sparql+" + s.url).query("ASK {}")
    assert s.seen[-1]["headers"]["Authorization"] == "Basic " + base64.b64encode("alice:pä:ss".encode()).decode()
    monkeypatch.setenv("KG_SPARQL_TOKEN", "s3cret")
    RemoteStore("sparql+" + s.url).query("ASK {}")
    assert s.seen[-1]["headers"]["Authorization"] == "Bearer s3cret"
    monkeypatch.delenv("KG_SPARQL_TOKEN")
    monkeypatch.delenv("KG_SPARQL_USER")
    RemoteStore("sparql+" + s.url).query("ASK {}")
    assert "Authorization" not in s.seen[-1]["headers"]


def test_credentials_do_not_follow_a_redirect_to_another_host(stub, monkeypatch):
    other = stub(lambda h, body: _ASK_TRUE)
    s = stub(lambda h, body: (307, {"Location": f"{other.url}/query"}, b""))
    monkeypatch.setenv("KG_SPARQL_TOKEN", "s3cret")
    with pytest.raises(StoreError, match="redirect"):
        RemoteStore("sparql+" + s.url, retries=0).query("ASK {}")
    assert other.seen == []


# --- all-or-nothing writes ------------------------------------------------------------------

G = SDG["remote-test"]


def _triples(tag: str, n: int = 50):
    return [(URIRef(f"urn:x:{i}"), URIRef("urn:p"), Literal(f"{tag}-{i}")) for i in range(n)]


def _meta(tag: str):
    return [(G, URIRef("http://purl.org/dc/terms/title"), Literal(tag))]


def _staging_left(server_url: str) -> list[str]:
    req = urllib.request.Request(
        f"{server_url}/query", data=b"SELECT DISTINCT ?g WHERE { GRAPH ?g {} }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    rows = json.loads(urllib.request.urlopen(req, timeout=5).read())["results"]["bindings"]
    return [r["g"]["value"] for r in rows if r["g"]["value"].startswith(_STAGING)]


def _proxied(stub, server, rule):
    """A RemoteStore through a proxy to ``server`` whose ``rule(method, path, body)`` answers
    "forward", "fail" (HTTP 500, not forwarded) or "lose" (forwarded, answer dropped)."""

    def handle(h, body):
        what = rule(h.command, h.path, body)
        if what == "fail":
            return 500, {"Content-Type": "text/plain"}, b"injected failure"
        answer = _forward(server.url, h, body)
        return None if what == "lose" else answer

    proxy = stub(handle)
    return RemoteStore("sparql+" + proxy.url, retries=0, backoff=0.01)


def _two_graphs(tag: str):
    return [(G, _triples(tag), _meta(tag)), (SDG["remote-test-2"], _triples(tag + "2"), [])]


def test_a_put_failing_mid_write_leaves_the_store_unchanged(stub, fresh_server):
    store = RemoteStore(fresh_server.location_string)
    store.replace_graphs(_two_graphs("old"))
    before = store.serialize("nquads")
    puts = []

    def rule(method, path, body):
        if method in ("PUT", "POST") and "/store" in path:
            puts.append(path)
            return "fail" if len(puts) == 3 else "forward"
        return "forward"

    with pytest.raises(StoreError, match="write failed, store unchanged: .*injected failure"):
        _proxied(stub, fresh_server, rule).replace_graphs(_two_graphs("new"))
    assert store.serialize("nquads") == before
    assert _staging_left(fresh_server.url) == []


def test_a_failed_swap_leaves_the_store_unchanged(stub, fresh_server):
    store = RemoteStore(fresh_server.location_string)
    store.replace_graphs(_two_graphs("old"))
    before = store.serialize("nquads")
    rule = lambda method, path, body: "fail" if b"ADD SILENT" in body else "forward"  # noqa: E731
    with pytest.raises(StoreError, match="write failed, store unchanged"):
        _proxied(stub, fresh_server, rule).replace_graphs(_two_graphs("new"))
    assert store.serialize("nquads") == before
    assert _staging_left(fresh_server.url) == []


def test_a_swap_whose_answer_is_lost_is_recognised_as_applied(stub, fresh_server):
    store = RemoteStore(fresh_server.location_string)
    store.replace_graphs(_two_graphs("old"))
    rule = lambda method, path, body: "lose" if b"ADD SILENT" in body else "forward"  # noqa: E731
    _proxied(stub, fresh_server, rule).replace_graphs(_two_graphs("new"))  # no error: it was applied
    assert {str(t[2]) for t in store.triples(G)} == {f"new-{i}" for i in range(50)}
    assert _staging_left(fresh_server.url) == []


def test_the_server_killed_mid_write_leaves_the_store_unchanged(stub, fresh_server):
    store = RemoteStore(fresh_server.location_string)
    store.replace_graphs(_two_graphs("old"))
    before = store.serialize("nquads")
    puts = []

    def rule(method, path, body):
        if method == "PUT":
            puts.append(path)
            if len(puts) == 2:
                fresh_server.stop()
        return "forward"

    with pytest.raises(StoreError, match="write failed, store unchanged"):
        _proxied(stub, fresh_server, rule).replace_graphs(_two_graphs("new"))
    fresh_server.start()
    assert store.serialize("nquads") == before
    assert store.drop_staging() >= 1  # what the dead server could not drop
    assert _staging_left(fresh_server.url) == []


def test_ingest_through_the_remote_store_is_all_or_nothing(stub, fresh_server):
    kg = KnowledgeGraph(RemoteStore(fresh_server.location_string))
    before = kg.export("nquads")
    rule = lambda method, path, body: "fail" if b"ADD SILENT" in body else "forward"  # noqa: E731
    proxied = KnowledgeGraph(_proxied(stub, fresh_server, rule))
    with pytest.raises(StoreError, match="store unchanged"):
        proxied.ingest(data_dir() / "records")
    assert kg.export("nquads") == before and kg.sources() == []


def test_bulk_staging_of_a_file(fresh_server, tmp_path):
    kg = KnowledgeGraph(RemoteStore(fresh_server.location_string))
    f = tmp_path / "countries.ttl"
    f.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/scidip/id/country/FRA> a sd:Country ; rdfs:label "France" .\n'
    )
    [report] = kg.ingest(f, bulk=True)
    assert report.triples == 2 and [s.slug for s in kg.sources()] == ["countries"]
    bad = tmp_path / "broken.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    with pytest.raises(ParseError):
        kg.ingest(bad, bulk=True)
    assert [s.slug for s in kg.sources()] == ["countries"]
    assert _staging_left(fresh_server.url) == []
