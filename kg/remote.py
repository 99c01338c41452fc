"""A store on any SPARQL 1.1 Protocol + Graph Store Protocol server.

:class:`RemoteStore` implements :class:`~kg.store.Store` over HTTP with the standard
library only (``urllib``), for Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB,
Amazon Neptune and the like. It is opened from a location string::

    sparql+http://127.0.0.1:7878                  Oxigraph server: /query, /update, /store
    sparql+https://host/ds?query=/sparql&update=/update&gsp=/data&union=none
                                                  Fuseki-style layout, explicit endpoints
    sparql+https://host/sparql?query=&update=&gsp=/sparql-graph-crud&union=none
                                                  Virtuoso: one endpoint for query and update

Endpoint overrides starting with ``/`` (or empty) are relative to the location's path;
full ``http(s)://`` URLs are taken as they are. Other location options: ``union=`` (the
name of the server's "union of all graphs" query parameter, or ``none``), ``timeout=``
(seconds), ``retries=``.

>>> s = RemoteStore("sparql+http://127.0.0.1:7878")
>>> s.query_url, s.update_url, s.gsp_url
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> s = RemoteStore("sparql+https://example.org/ds?query=/sparql&update=/update&gsp=/data&union=none")
>>> s.query_url, s.gsp_url, s.union_param
('https://example.org/ds/sparql', 'https://example.org/ds/data', None)

**The union of graphs.** The knowledge graph asks its questions over the union of all
source graphs. Servers differ in how to get it:

- Oxigraph server: the ``union-default-graph`` query parameter (the default here), or
  start it with ``oxigraph serve --union-default-graph`` and use ``union=none``.
- Virtuoso, GraphDB, Neptune: the default graph already is the union: ``union=none``.
- Fuseki: configure the dataset with ``tdb2:unionDefaultGraph true`` and use ``union=none``;
  or use ``union=list``, which lists the named graphs before every query and names them
  all as ``default-graph-uri`` (one more request per query; works on any server that
  honours the protocol's dataset parameters).

**Credentials** come only from the environment, never from the location or the command
line: ``KG_SPARQL_TOKEN`` (sent as ``Authorization: Bearer``), or ``KG_SPARQL_USER`` and
``KG_SPARQL_PASSWORD`` (HTTP Basic). Redirects to another origin are not followed, so
credentials are never sent to a host other than the one named.

**Writes** are all-or-nothing per call of :meth:`RemoteStore.replace_graphs`: the new
graphs are uploaded with Graph Store Protocol PUTs into staging graphs under
``sdg:_staging/<transaction>/``, then one SPARQL Update request swaps them in and deletes
a per-transaction token graph. Aborting deletes the same token, so at most one of "swap"
and "abort" can succeed; after an ambiguous failure (the connection drops during the
swap) the store finds out which one happened instead of retrying blindly. This relies on
the server running one update request as one transaction (Oxigraph, Fuseki/TDB2,
GraphDB and Neptune do; Virtuoso does not by default). While an upload is in progress
its staging graphs are visible to queries over the union of graphs (not to ``union=list``).
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from .errors import ResultTooLarge, QueryError, StoreError
from .store import (
    _DELETE_DESCRIPTION,
    _OX_FORMATS,
    _STAGING,
    _STRINGS_AND_IRIS,
    Store,
    Triple,
    _checked,
    refuse_remote,
    to_ox,
    with_bindings,
)
from .vocab import META_GRAPH, PREFIXES, SDG

__all__ = ["RemoteStore", "DEFAULT_UNION_PARAM"]

log = logging.getLogger(__name__)

#: Oxigraph server's query parameter for "the default graph is the union of all graphs".
DEFAULT_UNION_PARAM = "union-default-graph"
#: ``union=list``: name every named graph as a default graph in each query.
UNION_LIST = "list"

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_ACCEPT_QUERY = f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9, text/turtle;q=0.5"
_RETRY_STATUS = {502, 503, 504}
_DATASET_FORMATS = {"nquads", "trig", "jsonld"}
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FILE_TYPES = {"turtle": "text/turtle", "ntriples": _NTRIPLES, "xml": "application/rdf+xml"}
_RDF_PARSE = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle", "application/rdf+xml": "xml"}


class _Unreachable(StoreError):
    """The request surely did not reach the server (connection refused, name unknown)."""


class _Answered(StoreError):
    """The server answered with an HTTP error: the request was processed, not applied."""

    def __init__(self, message: str, status: int, body: str):
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class _Response:
    status: int
    content_type: str
    body: bytes


class RemoteStore(Store):
    """A :class:`~kg.store.Store` on a SPARQL 1.1 Protocol + Graph Store Protocol server.

    Give a ``location`` (``sparql+http://host:port/path[?options]``) or the three URLs.
    ``union_param`` is the server's query parameter for querying the union of all
    graphs (Oxigraph's by default), ``None`` when the server's default graph already is
    that union, or ``"list"`` to name every graph in each query. ``timeout`` bounds each
    HTTP request (seconds); idempotent requests are retried ``retries`` times on
    connection errors and HTTP 502/503/504, with exponential backoff from ``backoff``.
    ``batch_size`` triples go in one upload request (a source with blank nodes is always
    sent in one request, so that its blank nodes stay one).
    """

    def __init__(
        self,
        location: str | None = None,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        gsp_url: str | None = None,
        union_param: str | None = DEFAULT_UNION_PARAM,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.25,
        batch_size: int = 200_000,
    ):
        opts: dict[str, str] = {}
        if location is not None:
            base, opts = _parse_location(location)
            query_url = query_url or _join(base, opts.pop("query", "/query"))
            update_url = update_url or _join(base, opts.pop("update", "/update"))
            gsp_url = gsp_url or _join(base, opts.pop("gsp", "/store"))
            if "union" in opts:
                u = opts.pop("union")
                union_param = None if u.lower() in ("", "none") else u
            timeout = float(opts.pop("timeout", timeout))
            retries = int(opts.pop("retries", retries))
            if opts:
                raise StoreError(f"{location}: unknown option(s) {', '.join(sorted(opts))}; use query, update, gsp, union, timeout, retries")
        if not (query_url and update_url and gsp_url):
            raise StoreError("a remote store needs a location (sparql+http://host:port/path) or query_url, update_url and gsp_url")
        for url in (query_url, update_url, gsp_url):
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise StoreError(f"not an http(s) URL: {url!r}")
            if parts.username or parts.password:
                raise StoreError("credentials do not go in the location: set KG_SPARQL_USER and KG_SPARQL_PASSWORD, or KG_SPARQL_TOKEN")
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.union_param = union_param
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.batch_size = max(1, batch_size)
        self.location = location or query_url
        self._auth = _auth_header()
        if self._auth and urllib.parse.urlsplit(query_url).scheme == "http" and urllib.parse.urlsplit(query_url).hostname not in _LOOPBACK:
            log.warning("sending credentials over plain http to %s", urllib.parse.urlsplit(query_url).hostname)
        self._opener = urllib.request.build_opener(_SameOriginRedirects())

    def __repr__(self) -> str:
        return f"RemoteStore({self.location!r})"

    # --- HTTP ----------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | Path | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        idempotent: bool = True,
        ok_missing: bool = False,
    ) -> _Response:
        """One HTTP exchange with retries for idempotent requests. Raises _Unreachable
        (never reached the server), _Answered (an HTTP error status) or StoreError (timeout,
        connection lost: the outcome is unknown)."""
        headers = {"User-Agent": "scidip-kg"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        if self._auth:
            headers["Authorization"] = self._auth
        where = _endpoint(url)
        attempt = 0
        while True:
            file = None
            try:
                data: bytes | BinaryIO | None = body  # type: ignore[assignment]
                if isinstance(body, Path):  # streamed from disk, reopened for each attempt
                    file = body.open("rb")
                    data = file
                    headers["Content-Length"] = str(body.stat().st_size)
                req = urllib.request.Request(url, data=data, headers=headers, method=method)
                with self._opener.open(req, timeout=self.timeout) as r:
                    return _Response(r.status, r.headers.get("Content-Type", ""), r.read())
            except urllib.error.HTTPError as e:
                text = _first_line(e.read())
                if ok_missing and e.code == 404:
                    return _Response(404, "", b"")
                if idempotent and e.code in _RETRY_STATUS and attempt < self.retries:
                    attempt += 1
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise _Answered(_http_message(where, e.code, e.reason, text), e.code, text) from None
            except (TimeoutError, socket.timeout) as e:
                raise StoreError(f"the SPARQL endpoint at {where} did not answer within {self.timeout:g} s (timeout)") from e
            except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
                reason = getattr(e, "reason", e)
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    raise StoreError(f"the SPARQL endpoint at {where} did not answer within {self.timeout:g} s (timeout)") from e
                never_sent = isinstance(reason, (ConnectionRefusedError, socket.gaierror))
                if (idempotent or never_sent) and attempt < self.retries:
                    attempt += 1
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                msg = f"cannot reach the SPARQL endpoint at {where}: {_reason(reason)}"
                if never_sent:
                    raise _Unreachable(msg) from None
                raise StoreError(msg) from None
            finally:
                if file is not None:
                    file.close()

    def _params_url(self, url: str, params: list[tuple[str, str]]) -> str:
        if not params:
            return url
        sep = "&" if urllib.parse.urlsplit(url).query else "?"
        return url + sep + urllib.parse.urlencode(params)

    def _update(self, sparql: str, *, idempotent: bool) -> None:
        self._request("POST", self.update_url, body=sparql.encode("utf-8"),
                      content_type="application/sparql-update; charset=utf-8", idempotent=idempotent)

    def _raw_query(self, sparql: str, params: list[tuple[str, str]]) -> _Response:
        try:
            return self._request("POST", self._params_url(self.query_url, params), body=sparql.encode("utf-8"),
                                 content_type="application/sparql-query; charset=utf-8", accept=_ACCEPT_QUERY)
        except _Answered as e:
            if e.status == 400:
                raise QueryError(f"the SPARQL endpoint refused the query: {e.body or 'HTTP 400'}") from None
            raise

    # --- queries ---------------------------------------------------------------------------
    def query(self, sparql, *, bindings=None, graphs=None, max_rows=None):
        refuse_remote(sparql)
        text = _with_prefixes(with_bindings(sparql, bindings))
        params: list[tuple[str, str]] = []
        if graphs is not None:
            params = [("default-graph-uri", str(g)) for g in graphs]
            if not params:  # no graph at all: an empty dataset; name one that cannot exist
                params = [("default-graph-uri", str(SDG) + "_none")]
        elif re.search(r"\bFROM\b", _STRINGS_AND_IRIS.sub(" ", text), re.IGNORECASE):
            pass  # the query names its own dataset
        elif self.union_param == UNION_LIST:
            params = [("default-graph-uri", g) for g in self._all_graphs()]
        elif self.union_param:
            params = [(self.union_param, "true")]
        result = _parse_result(self._raw_query(text, params))
        if max_rows is not None:  # a server sends everything: bound after
            size = len(result.bindings) if result.type == "SELECT" else len(result.graph) if result.graph is not None else 0
            if size > max_rows:
                raise ResultTooLarge(f"the result has more than {max_rows} rows; add a LIMIT")
        return result

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update on the server (the project's prefixes predeclared). Not retried."""
        refuse_remote(sparql)
        try:
            self._update(_with_prefixes(sparql), idempotent=False)
        except _Answered as e:
            if e.status == 400:
                raise QueryError(f"the SPARQL endpoint refused the update: {e.body or 'HTTP 400'}") from None
            raise

    def _select(self, sparql: str, **bindings: Node) -> list[dict[Variable, Node]]:
        """A SELECT over the server's own default graph and named graphs (no union option)."""
        res = _parse_result(self._raw_query(_with_prefixes(with_bindings(sparql, bindings)), []))
        return list(res.bindings)

    def _all_graphs(self) -> list[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(str(r[Variable("g")]) for r in rows if not str(r[Variable("g")]).startswith(_STAGING))

    def types_of(self, iris):
        iris = [i for i in iris if isinstance(i, URIRef)]
        out: list[Triple] = []
        for start in range(0, len(iris), 200):
            chunk = iris[start : start + 200]
            values = " ".join(URIRef(i).n3() for i in chunk if _safe_iri(str(i)))
            if not values:
                continue
            res = self.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o FILTER(?p IN (rdf:type, rdfs:label)) }}")
            out.extend((r[0], r[1], r[2]) for r in res)  # type: ignore[misc]
        return out

    # --- reads ---------------------------------------------------------------------------
    def graph_names(self):
        meta = str(META_GRAPH)
        return [URIRef(g) for g in self._all_graphs() if g != meta]

    def triples(self, graph: URIRef) -> Iterator[Triple]:
        g = Graph()
        g.parse(data=self._get_graph(str(graph)), format="nt")
        yield from g

    def _get_graph(self, name: str) -> bytes:
        url = self._params_url(self.gsp_url, [("graph", name)])
        r = self._request("GET", url, accept=_NTRIPLES, ok_missing=True)
        if r.status == 404:
            return b""
        if "n-triples" not in r.content_type and "text/plain" not in r.content_type and r.body.strip():
            # some servers ignore Accept: re-serialise whatever came as N-Triples
            g = Graph()
            g.parse(data=r.body, format=_RDF_PARSE.get(r.content_type.split(";")[0].strip(), "turtle"))
            return g.serialize(format="nt", encoding="utf-8")
        return r.body

    def count(self, graph=None):
        if graph is None:
            rows = self._select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!STRSTARTS(STR(?g), ?staging)) }",
                staging=Literal(_STAGING),
            )
        else:
            rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", g=URIRef(str(graph)))
        return int(rows[0][Variable("n")]) if rows else 0

    def serialize(self, fmt, *, graphs=None):
        if fmt not in _OX_FORMATS:
            raise StoreError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(_OX_FORMATS))}")
        names = [str(g) for g in graphs] if graphs is not None else self._all_graphs()
        if fmt in _DATASET_FORMATS:
            quads = [
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                for name in names
                for t in ox.parse(self._get_graph(name), format=ox.RdfFormat.N_TRIPLES)
            ]
            return ox.serialize(quads, format=_OX_FORMATS[fmt], prefixes=PREFIXES)
        seen: dict[tuple, ox.Triple] = {}
        for name in names:
            for t in ox.parse(self._get_graph(name), format=ox.RdfFormat.N_TRIPLES):
                seen.setdefault((t.subject, t.predicate, t.object), ox.Triple(t.subject, t.predicate, t.object))
        return ox.serialize(seen.values(), format=_OX_FORMATS[fmt], prefixes=PREFIXES)

    # --- writes --------------------------------------------------------------------------
    def staging_graph(self, graph: URIRef) -> URIRef:
        """Where :meth:`stage_file` puts a source's data before :meth:`replace_graphs` swaps it in."""
        name = _checked(graph)
        return URIRef(f"{_STAGING}{name[len(str(SDG)):]}")

    def stage_file(self, graph: URIRef, path: Path, fmt: str) -> None:
        """Send a triples file (Turtle, N-Triples, RDF/XML) as it is into the staging graph of
        ``graph`` with one Graph Store Protocol PUT (the server parses it; constant memory here).
        A file the server cannot parse raises SyntaxError with the server's message."""
        ctype = _FILE_TYPES.get(fmt)
        if ctype is None:
            raise StoreError(f"{self.location}: cannot stage {fmt!r} files; use one of {', '.join(sorted(_FILE_TYPES))}")
        stage = str(self.staging_graph(graph))
        url = self._params_url(self.gsp_url, [("graph", stage)])
        try:
            self._request("PUT", url, body=Path(path), content_type=ctype)
        except _Answered as e:
            self.discard(graph)
            if e.status == 400:
                raise SyntaxError(e.body or "the server could not parse the file") from None
            raise
        except BaseException:
            self.discard(graph)
            raise

    def stage_triples(self, graph: URIRef, triples) -> None:
        """Send triples into the staging graph of ``graph`` (one N-Triples PUT)."""
        g = Graph()
        for t in triples:
            g.add(t)
        url = self._params_url(self.gsp_url, [("graph", str(self.staging_graph(graph)))])
        try:
            self._request("PUT", url, body=g.serialize(format="nt", encoding="utf-8"), content_type="application/n-triples")
        except BaseException:
            self.discard(graph)
            raise

    def discard(self, graph: URIRef) -> None:
        """Drop what was staged for ``graph``."""
        stage = self.staging_graph(graph)
        self._cleanup(f"DROP SILENT GRAPH <{stage}> ;\nDROP SILENT GRAPH <{stage}/meta>")

    def replace_graphs(self, items, *, staged=()):
        items = list(items)
        staged_names = {str(g) for g in staged}
        txn = uuid.uuid4().hex
        token = f"{_STAGING}_txn/{txn}"
        stages = []
        for graph, _t, _m in items:
            name = _checked(graph)
            slug = name[len(str(SDG)):]
            data_g = str(self.staging_graph(graph)) if name in staged_names else f"{_STAGING}_txn/{txn}/{slug}"
            stages.append((name, data_g, f"{_STAGING}_txn/{txn}/{slug}/meta"))
        drop_staged = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for _n, d, m in stages for g in (d, m))
        where = self.location
        try:
            # 1. upload every new graph and description beside the old ones
            for (_g, triples, meta), (name, data_g, meta_g) in zip(items, stages):
                if name not in staged_names:
                    self._upload(data_g, triples)
                self._upload(meta_g, meta)
            self._put(token, [b'<urn:x-scidip:txn> <urn:x-scidip:id> "' + txn.encode() + b'" .\n'])
        except Exception as e:
            self._cleanup(drop_staged + f" ;\nDROP SILENT GRAPH <{token}>")
            raise StoreError(f"{where}: write failed, store unchanged: {_short(e)}") from e
        # 2. one update request consumes the token and swaps every graph in
        swap = f"DROP GRAPH <{token}> ;\n" + " ;\n".join(
            f"DROP SILENT GRAPH <{name}> ;\n"
            f"ADD SILENT GRAPH <{data_g}> TO GRAPH <{name}> ;\n"
            + _DELETE_DESCRIPTION.format(meta=META_GRAPH, name=name)
            + f" ;\nADD SILENT GRAPH <{meta_g}> TO GRAPH <{META_GRAPH}>"
            for name, data_g, meta_g in stages
        ) + " ;\n" + drop_staged
        try:
            self._update(swap, idempotent=False)
            return
        except _Unreachable as e:  # the swap never reached the server
            self._cleanup(drop_staged + f" ;\nDROP SILENT GRAPH <{token}>")
            raise StoreError(f"{where}: write failed, store unchanged: {e}") from e
        except StoreError as e:
            failure = e
        # 3. the swap failed or its answer was lost: abort, which succeeds only if the swap did not
        if self._abort(token, drop_staged):
            raise StoreError(f"{where}: write failed, store unchanged: {_short(failure)}") from failure
        log.info("the swap of %s was applied although its answer was lost (%s)", txn, failure)
        self._cleanup(drop_staged)

    def drop_staging(self) -> int:
        """Drop every staging graph (left by writes that were interrupted while the server
        was down); returns how many. Only while no other client is writing to the store."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } FILTER(STRSTARTS(STR(?g), ?staging)) }", staging=Literal(_STAGING))
        names = [str(r[Variable("g")]) for r in rows]
        if names:
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{n}>" for n in names if _safe_iri(n)), idempotent=True)
        return len(names)

    def _abort(self, token: str, drop_staged: str) -> bool:
        """True if the write was aborted (store unchanged), False if the swap was applied."""
        abort = f"DROP GRAPH <{token}> ;\n{drop_staged}"
        deadline = time.monotonic() + max(self.timeout, 1.0) * 2
        while True:
            try:
                self._update(abort, idempotent=False)
                return True
            except _Answered:
                # the token was gone (or the server refused): did the swap consume it?
                if not self._graph_exists(token):
                    return False
                raise StoreError(f"{self.location}: the write failed and could not be rolled back; "
                                 f"staging graphs under <{token.rsplit('/', 1)[0]}/> may remain") from None
            except StoreError as e:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.location}: the write was interrupted and the server stopped answering, so it is "
                        "unknown whether it was applied (it was applied completely or not at all); check with "
                        f"`kg sources` and re-run it ({_short(e)})"
                    ) from e
                time.sleep(self.backoff)

    def _graph_exists(self, name: str) -> bool:
        res = _parse_result(self._raw_query(f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", []))
        return bool(res.askAnswer)

    def _cleanup(self, update: str) -> None:
        try:
            self._update(update, idempotent=True)
        except StoreError as e:
            log.warning("could not drop staging graphs on %s: %s", self.location, e)

    def _upload(self, graph: str, triples: Iterable[Triple]) -> None:
        batches = _ntriples_batches(triples, self.batch_size)
        self._put(graph, batches)

    def _put(self, graph: str, batches: Iterable[bytes]) -> None:
        url = self._params_url(self.gsp_url, [("graph", graph)])
        first = True
        for body in batches:
            # PUT creates (or replaces) the staging graph; further batches are appended
            self._request("PUT" if first else "POST", url, body=body, content_type=_NTRIPLES, idempotent=first)
            first = False

    def remove_graph(self, graph):
        name = _checked(graph)
        if not self._graph_exists(name) and not self._select(
            "SELECT ?p WHERE { GRAPH ?meta { ?g ?p ?o } } LIMIT 1", meta=META_GRAPH, g=URIRef(name)
        ):
            return False
        self._update(_DELETE_DESCRIPTION.format(meta=META_GRAPH, name=name) + f" ;\nDROP SILENT GRAPH <{name}>", idempotent=True)
        return True

    # --- rdflib view ---------------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        raise NotImplementedError(
            "a remote store has no rdflib Dataset view: rdflib's SPARQLStore silently answers nothing over the "
            "default graph and sends one request per triple pattern; use KnowledgeGraph.query / store.query, "
            "or store.serialize('nquads') to work on a local copy"
        )

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""


# --- helpers ------------------------------------------------------------------------------


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to the same scheme, host and port (credentials stay home)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            raise urllib.error.HTTPError(req.full_url, code, f"redirect to another origin refused: {newurl}", headers, fp)
        if req.get_method() not in ("GET", "HEAD"):
            raise urllib.error.HTTPError(req.full_url, code, f"redirect of a {req.get_method()} refused: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _parse_location(location: str) -> tuple[str, dict[str, str]]:
    if not location.startswith(("sparql+http://", "sparql+https://")):
        raise StoreError(f"{location}: a remote store location starts with sparql+http:// or sparql+https://")
    parts = urllib.parse.urlsplit(location[len("sparql+"):])
    if parts.username or parts.password:
        raise StoreError("credentials do not go in the location: set KG_SPARQL_USER and KG_SPARQL_PASSWORD, or KG_SPARQL_TOKEN")
    opts = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
    return base, opts


def _join(base: str, value: str) -> str:
    if value.startswith(("http://", "https://")):
        return value
    if not value:
        return base
    return base + "/" + value.lstrip("/")


def _auth_header() -> str | None:
    token = os.environ.get("KG_SPARQL_TOKEN")
    if token:
        return f"Bearer {token}"
    user = os.environ.get("KG_SPARQL_USER")
    if user:
        pair = f"{user}:{os.environ.get('KG_SPARQL_PASSWORD', '')}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return None


def _endpoint(url: str) -> str:
    p = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((p.scheme, p.netloc, p.path, "", ""))


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:300] if text else ""


def _http_message(where: str, code: int, reason: str, text: str) -> str:
    msg = f"the SPARQL endpoint at {where} refused the request: HTTP {code} {reason}".rstrip()
    if text:
        msg += f": {text}"
    if code in (401, 403):
        msg += " (credentials come from KG_SPARQL_TOKEN, or KG_SPARQL_USER and KG_SPARQL_PASSWORD)"
    return msg


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server"
    return str(reason) or type(reason).__name__


def _short(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _safe_iri(value: str) -> bool:
    return not any(c in value for c in ' <>"{}|^`\\\n\t')


def _with_prefixes(sparql: str) -> str:
    """The query with PREFIX declarations for the project's prefixes it does not declare
    itself (the embedded store knows them; a server does not)."""
    missing = [
        (p, ns) for p, ns in PREFIXES.items()
        if f"{p}:" in sparql and not re.search(rf"\bPREFIX\s+{p}:", sparql, re.IGNORECASE)
    ]
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in missing) + sparql


def _ntriples_batches(triples: Iterable[Triple], size: int) -> Iterator[bytes]:
    """N-Triples documents of at most ``size`` triples each; one document if any triple
    has a blank node (blank node labels are scoped to one document)."""
    buf: list[ox.Triple] = []
    has_bnode = False
    sent = 0
    for s, p, o in triples:
        buf.append(ox.Triple(to_ox(s), to_ox(p), to_ox(o)))  # type: ignore[arg-type]
        has_bnode = has_bnode or isinstance(s, BNode) or isinstance(o, BNode)
        if len(buf) >= size and not has_bnode:
            yield ox.serialize(buf, format=ox.RdfFormat.N_TRIPLES)
            sent += 1
            buf = []
    if buf or not sent:  # an empty graph still gets its (empty) PUT
        yield ox.serialize(buf, format=ox.RdfFormat.N_TRIPLES) if buf else b""


def _term(b: Mapping[str, str]) -> Node:
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = b.get("xml:lang")
        if lang:
            return Literal(value, lang=lang)
        dt = b.get("datatype")
        if dt and dt != _XSD_STRING:
            return Literal(value, datatype=URIRef(dt))
        return Literal(value)
    if kind == "triple":  # RDF-star: not used by the project
        raise QueryError("the endpoint answered with an RDF-star triple term, which is not supported")
    raise QueryError(f"the endpoint answered with an unknown term type {kind!r}")


def _parse_result(r: _Response) -> Result:
    ctype = r.content_type.split(";")[0].strip().lower()
    if ctype in (_RESULTS_JSON, "application/json"):
        try:
            doc = json.loads(r.body)
        except ValueError as e:
            raise StoreError(f"the SPARQL endpoint sent invalid JSON results: {e}") from None
        if "boolean" in doc:
            res = Result("ASK")
            res.askAnswer = bool(doc["boolean"])
            return res
        names = doc.get("head", {}).get("vars", [])
        res = Result("SELECT")
        res.vars = [Variable(n) for n in names]
        res.bindings = [{Variable(k): _term(v) for k, v in row.items()} for row in doc.get("results", {}).get("bindings", [])]
        return res
    if ctype in _RDF_PARSE:
        g = Graph()
        if r.body.strip():
            g.parse(io.BytesIO(r.body), format=_RDF_PARSE[ctype])
        res = Result("CONSTRUCT")
        res.graph = g
        return res
    raise StoreError(f"the SPARQL endpoint answered with an unexpected content type {r.content_type!r}")
