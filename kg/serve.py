"""The store as a SPARQL 1.1 Protocol endpoint (standard library ``http.server``).

>>> from kg import KnowledgeGraph
>>> server = make_server(KnowledgeGraph(), port=0)     # a free port on 127.0.0.1
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.server_close()

Routes:

- ``GET /sparql?query=...`` and ``POST /sparql`` (form ``query=``/``update=``, or a body of
  type ``application/sparql-query`` / ``application/sparql-update``); ``/query`` and
  ``/update`` are aliases. ``default-graph-uri`` restricts a query to those graphs.
- ``GET /named`` lists the named queries; ``GET /named/<name>?param=value`` runs one.
- ``GET /`` a small query page (no script, no CDN); ``GET /graph`` the interactive
  network page of :mod:`kg.viz` (``?view=full|actors|ego&entity=...&depth=1``).

Results are negotiated from ``Accept`` (or ``?format=``): SELECT/ASK as
``application/sparql-results+json`` (default), ``application/sparql-results+xml``,
``text/csv``, ``text/tab-separated-values`` or ``text/html``; CONSTRUCT/DESCRIBE as
``text/turtle`` (default), ``application/n-triples``, ``application/rdf+xml``,
``application/ld+json`` or ``text/html``.

Limits: every query runs in a bounded pool of worker threads and is answered with 503
after ``timeout`` seconds. The embedded engine cannot be cancelled, so a timed-out query
keeps its worker until it ends; results are read lazily and reading stops after
``max_rows`` rows (or triples), answering 400 with an explanation instead of a truncated
result. Updates are refused unless the server was made with ``allow_write=True`` and a
token, and then need ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import concurrent.futures as cf
import hmac
import html
import json
import logging
import queue
import sys
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.query import Result

from . import __version__
from .errors import KGError, QueryError, ResultTooLarge, StoreError
from .store import OxigraphStore, refuse_remote
from .vocab import PREFIXES

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["make_server", "SparqlServer", "DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
MAX_BODY = 4 * 1024 * 1024

# result kind -> {short name: media type}; the first one is the default
_TABLE_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
_GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "html": "text/html",
}
_ALIASES = {  # media types and ?format= names that clients send, to the names above
    "application/json": "json", "application/sparql-results+json": "json", "srj": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml", "srx": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "ttl": "turtle", "n3": "turtle", "text/n3": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "ntriples", "nt": "ntriples", "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml",
    "application/ld+json": "jsonld", "json-ld": "jsonld",
    "text/html": "html", "application/xhtml+xml": "html",
}
_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


class _Pool:
    """A fixed number of daemon worker threads: a query that outlives its time limit keeps
    its worker busy (Oxigraph cannot be cancelled) but never blocks the process from exiting."""

    def __init__(self, workers: int):
        self._queue: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=self._work, name=f"kg-query-{i}", daemon=True) for i in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, fn: Callable[[], Any]) -> cf.Future:
        fut: cf.Future = cf.Future()
        self._queue.put((fut, fn))
        return fut

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fut, fn = item
            if not fut.set_running_or_notify_cancel():
                continue  # timed out while waiting in the queue
            try:
                fut.set_result(fn())
            except BaseException as e:  # noqa: BLE001 - handed to the waiting request
                fut.set_exception(e)

    def shutdown(self) -> None:
        for _ in self._threads:
            self._queue.put(None)


class _HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; :func:`make_server` builds it. ``serve_forever()`` runs it and
    ``close()`` stops it (without closing the knowledge graph)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, kg: KnowledgeGraph, address: tuple[str, int], *, allow_write: bool, token: str | None,
                 timeout: float, max_rows: int, workers: int, log_requests: bool):
        self.kg, self.allow_write, self.token = kg, allow_write, token
        self.query_timeout, self.max_rows, self.log_requests = timeout, max_rows, log_requests
        self.pool = _Pool(workers)
        self.write_lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown()

    def run(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in the worker pool, within the time limit (503 after it)."""
        fut = self.pool.submit(fn)
        try:
            return fut.result(timeout=self.query_timeout)
        except cf.TimeoutError:
            fut.cancel()
            raise _HTTPError(503, f"the query did not finish within {self.query_timeout:g} s (the time limit of this endpoint)",
                             {"Retry-After": "10"}) from None


def make_server(
    kg: KnowledgeGraph,
    *,
    host: str = "127.0.0.1",
    port: int = 7879,
    allow_write: bool = False,
    token: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int = 4,
    log_requests: bool = False,
) -> SparqlServer:
    """A SPARQL endpoint over ``kg`` listening on ``host:port`` (``port=0``: a free one).
    Call ``serve_forever()`` on it. Writes need ``allow_write=True`` and a ``token``."""
    if allow_write and not token:
        raise KGError("writing through the endpoint needs a token (--token-env NAME)")
    if max_rows < 1 or timeout <= 0:
        raise KGError("max_rows and timeout must be positive")
    return SparqlServer(kg, (host, port), allow_write=allow_write, token=token, timeout=timeout,
                        max_rows=max_rows, workers=workers, log_requests=log_requests)


# --- evaluation -------------------------------------------------------------------------------


def _bounded_query(store: Any, sparql: str, graphs: list[URIRef] | None, limit: int) -> Result:
    """Run ``sparql`` reading at most ``limit`` rows or triples (ResultTooLarge beyond)."""
    return store.query(sparql, graphs=graphs, max_rows=limit)


def _run_update(store: Any, sparql: str) -> None:
    refuse_remote(sparql)
    if hasattr(store, "update"):
        store.update(sparql)
    elif isinstance(store, OxigraphStore):
        try:
            store.oxigraph.update(sparql, prefixes=PREFIXES)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except OSError as e:
            raise StoreError(f"update failed: {e}") from e
    else:
        raise _HTTPError(501, f"this store ({type(store).__name__}) cannot run SPARQL updates")


# --- serialisation -----------------------------------------------------------------------------


def _negotiate(kinds: dict[str, str], accept: str | None, fmt: str | None) -> str:
    """The short name of the format to answer with (406 when nothing fits)."""
    if fmt:
        name = _ALIASES.get(fmt.lower(), fmt.lower())
        if fmt.lower() == "xml" and "rdfxml" in kinds:
            name = "rdfxml"
        if name in kinds:
            return name
        raise _HTTPError(406, f"format {fmt!r} is not available for this result; use one of {', '.join(kinds)}")
    if not accept:
        return next(iter(kinds))
    offers = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        offers.append((-q, i, media.lower()))
    for negq, _i, media in sorted(offers):
        if negq == 0:
            break
        if media in ("*/*", "application/*", "text/*"):
            return next(iter(kinds))
        name = _ALIASES.get(media)
        if name == "xml" and "rdfxml" in kinds:
            name = "rdfxml"
        if name in kinds:
            return name
    raise _HTTPError(406, f"cannot answer in any of the accepted types ({accept}); available: {', '.join(kinds.values())}")


def _serialize(result: Result, name: str) -> bytes:
    from .query import format_result

    if result.type in ("CONSTRUCT", "DESCRIBE"):
        g: Graph = result.graph  # type: ignore[assignment]
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        rdf = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}[name]
        return g.serialize(format=rdf, encoding="utf-8")
    if name == "xml":
        return result.serialize(format="xml")  # type: ignore[return-value]
    if name == "json" and result.type == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}).encode()
    if name == "json":
        return result.serialize(format="json")  # type: ignore[return-value]
    if result.type == "ASK":  # csv/tsv of a boolean: one column
        return f"boolean\r\n{'true' if result.askAnswer else 'false'}\r\n".encode()
    return format_result(result, name).encode("utf-8")


# --- HTML ----------------------------------------------------------------------------------------

_STYLE = (
    "body{font:15px system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}"
    "textarea{width:100%;height:12em;font:13px monospace}table{border-collapse:collapse;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}"
    "code{background:#f4f4f4;padding:0 .2em}.err{color:#a00}"
)
_EXAMPLE = "SELECT ?agreement ?label WHERE {\n  ?agreement a sd:Agreement ; rdfs:label ?label .\n} ORDER BY ?label LIMIT 50"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width'><title>{_e(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    ).encode("utf-8")


def _form(query: str) -> str:
    options = "".join(f"<option value={_e(k)}>{_e(k)}</option>" for k in ("html", "json", "xml", "csv", "tsv", "turtle", "ntriples"))
    return (
        "<form method=get action='/sparql'>"
        f"<textarea name=query spellcheck=false>{_e(query)}</textarea><br>"
        f"<label>format <select name=format>{options}</select></label> <button type=submit>Run</button></form>"
    )


def _home(server: SparqlServer, query: str | None) -> bytes:
    from .query import named_queries

    items = "".join(
        f"<li><a href='/named/{_e(urllib.parse.quote(q.name))}'><code>{_e(q.name)}</code></a>"
        + (f" <small>{_e(' '.join(f'{p.name}=' for p in q.params))}</small>" if q.params else "")
        + f" — {_e(q.description)}</li>"
        for q in named_queries()
    )
    write = "read-write (updates need the token)" if server.allow_write else "read-only"
    body = (
        f"<h1>scidip-kg SPARQL endpoint</h1><p>Store <code>{_e(server.kg.store.location)}</code>, {write}. "
        f"Prefixes {_e(', '.join(PREFIXES))} are predeclared. Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol); "
        f"at most {server.max_rows} rows, {server.query_timeout:g} s per query. "
        "<a href='/graph'>Interactive graph</a>.</p>"
        + _form(query if query is not None else _EXAMPLE)
        + f"<h2>Named queries</h2><ul>{items}</ul><p><small>scidip-kg {_e(__version__)}</small></p>"
    )
    return _page("scidip-kg SPARQL", body)


def _results_page(result: Result, query: str | None) -> bytes:
    from .query import short

    if result.type == "ASK":
        table = f"<p>{'true' if result.askAnswer else 'false'}</p>"
    else:
        if result.type == "SELECT":
            names = [str(v) for v in result.vars or []]
            rows = [[row.get(v) for v in result.vars] for row in result.bindings]  # type: ignore[union-attr]
        else:
            names = ["subject", "predicate", "object"]
            rows = [list(t) for t in result.graph]  # type: ignore[union-attr]
        head = "".join(f"<th>{_e(n)}</th>" for n in names)
        cells = "".join("<tr>" + "".join(f"<td>{_e(short(v))}</td>" for v in r) + "</tr>" for r in rows)
        table = f"<p>{len(rows)} row(s)</p><table><tr>{head}</tr>{cells}</table>"
    form = _form(query) if query is not None else ""
    return _page("SPARQL results", f"<p><a href='/'>scidip-kg</a></p>{form}{table}")


# --- the handler ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall
    server_version = f"scidip-kg/{__version__}"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # entry points
    def do_GET(self) -> None:  # noqa: N802
        self._handle(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._handle(self._post)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(405, b"", "text/plain", {"Allow": "GET, POST"})

    def do_PUT(self) -> None:  # noqa: N802
        self._send(405, b"method not allowed: use GET or POST\n", "text/plain; charset=utf-8", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def _handle(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except _HTTPError as e:
            self._error(e.status, e.message, e.headers)
        except ResultTooLarge:
            self._error(400, f"the result has more than {self.server.max_rows} rows (the limit of this endpoint); "
                             "add LIMIT, or narrow the query")
        except QueryError as e:
            self._error(400, str(e))
        except KGError as e:
            self._error(500, str(e))
        except NotImplementedError as e:
            self._error(501, str(e))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 - one bad request must not stop the server
            log.exception("internal error")
            self._error(500, f"internal error: {type(e).__name__}")

    # routes
    def _get(self) -> None:
        path, params = self._split()
        if path == "/":
            self._send(200, _home(self.server, _one(params, "query")), "text/html; charset=utf-8", {"Content-Security-Policy": _PAGE_CSP})
        elif path in ("/sparql", "/query"):
            if "update" in params:
                raise _HTTPError(405, "updates go by POST")
            query = _one(params, "query")
            if query is None:
                raise _HTTPError(400, "missing ?query= (this is a SPARQL 1.1 Protocol endpoint; the query page is at /)")
            self._query(query, params)
        elif path == "/named":
            from .query import named_queries

            doc = [{"name": q.name, "cq": q.cq, "description": q.description,
                    "params": [{"name": p.name, "kind": p.kind, "description": p.description} for p in q.params]}
                   for q in named_queries()]
            self._send(200, json.dumps(doc, indent=1).encode(), "application/json")
        elif path.startswith("/named/"):
            self._named(urllib.parse.unquote(path[len("/named/"):]), params)
        elif path == "/graph":
            self._graph(params)
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        else:
            raise _HTTPError(404, f"no such page: {path} (try /, /sparql, /named, /graph)")

    def _post(self) -> None:
        path, params = self._split()
        body = self._body()  # read first: an unread body would spoil the next request on this connection
        if path not in ("/sparql", "/query", "/update"):
            raise _HTTPError(404, f"no such endpoint: {path} (POST to /sparql)")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
            if "update" in form:
                return self._update(_one(form, "update") or "")
            query = _one(form, "query")
            if query is None:
                raise _HTTPError(400, "the form has neither query= nor update=")
            return self._query(query, params)
        text = _decode(body)
        if ctype == "application/sparql-query":
            return self._query(text, params)
        if ctype == "application/sparql-update":
            return self._update(text)
        raise _HTTPError(415, "send application/sparql-query, application/sparql-update or a form (application/x-www-form-urlencoded)")

    # actions
    def _query(self, query: str, params: dict[str, list[str]]) -> None:
        if params.get("named-graph-uri"):
            raise _HTTPError(400, "named-graph-uri is not supported; use default-graph-uri or GRAPH in the query")
        graphs = [URIRef(g) for g in params.get("default-graph-uri", [])] or None
        server = self.server
        accept, fmt = self.headers.get("Accept"), _one(params, "format") or _one(params, "output")

        def work() -> tuple[bytes, str]:
            result = _bounded_query(server.kg.store, query, graphs, server.max_rows)
            return self._render(result, accept, fmt, query)

        payload, ctype = server.run(work)
        self._send(200, payload, ctype, {"Content-Security-Policy": _PAGE_CSP} if ctype.startswith("text/html") else None)

    def _render(self, result: Result, accept: str | None, fmt: str | None, query: str | None) -> tuple[bytes, str]:
        kinds = _GRAPH_TYPES if result.type in ("CONSTRUCT", "DESCRIBE") else _TABLE_TYPES
        name = _negotiate(kinds, accept, fmt)
        if name == "html":
            return _results_page(result, query), "text/html; charset=utf-8"
        media = kinds[name]
        charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
        return _serialize(result, name), media + charset

    def _named(self, name: str, params: dict[str, list[str]]) -> None:
        server = self.server
        accept, fmt = self.headers.get("Accept"), _one(params, "format") or _one(params, "output")
        values = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}

        def work() -> tuple[bytes, str]:
            from .query import run_named

            result = run_named(server.kg, name, values)
            size = len(result.bindings) if result.type == "SELECT" else len(result.graph) if result.type != "ASK" else 0
            if size > server.max_rows:
                raise ResultTooLarge(f"more than {server.max_rows} rows")
            return self._render(result, accept, fmt, None)

        payload, ctype = server.run(work)
        self._send(200, payload, ctype, {"Content-Security-Policy": _PAGE_CSP} if ctype.startswith("text/html") else None)

    def _update(self, update: str) -> None:
        server = self.server
        if not server.allow_write:
            raise _HTTPError(403, "this endpoint is read-only (start kg serve with --allow-write and --token-env)")
        given = self.headers.get("Authorization") or ""
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), (server.token or "").encode()):
            raise _HTTPError(401, "updates need Authorization: Bearer <token>", {"WWW-Authenticate": 'Bearer realm="scidip-kg"'})

        def work() -> None:
            with server.write_lock:
                _run_update(server.kg.store, update)

        server.run(work)
        self._send(204, b"", "text/plain")

    def _graph(self, params: dict[str, list[str]]) -> None:
        try:
            from .viz import to_html
        except ImportError:
            raise _HTTPError(404, "the interactive graph page needs kg.viz and its dependencies, which are not installed") from None
        view = _one(params, "view") or "full"
        if view not in ("full", "actors", "ego"):
            raise _HTTPError(400, "view is one of full, actors, ego")
        try:
            depth = int(_one(params, "depth") or 1)
        except ValueError:
            raise _HTTPError(400, "depth is a whole number") from None
        if not 1 <= depth <= 3:
            raise _HTTPError(400, "depth is 1, 2 or 3")
        entity = _one(params, "entity")
        if view == "ego" and not entity:
            raise _HTTPError(400, "the ego view needs ?entity=")
        server = self.server
        page = server.run(lambda: to_html(server.kg, view=view, entity=entity, depth=depth))
        self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    # plumbing
    def _split(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path or "/", urllib.parse.parse_qs(parts.query, keep_blank_values=True)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise _HTTPError(411, "send a Content-Length (chunked requests are not supported)")
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _HTTPError(400, "bad Content-Length") from None
        if n > MAX_BODY:
            self.close_connection = True
            raise _HTTPError(413, f"the request body is larger than {MAX_BODY} bytes")
        return self.rfile.read(n) if n > 0 else b""

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.splitlines()[0] if message else "error").encode("utf-8") + b"\n",
                   "text/plain; charset=utf-8", headers)

    def _send(self, status: int, payload: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[-1] if values else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _HTTPError(400, "the request body is not UTF-8") from None
