"""Store backends behind one interface.

A :class:`Store` holds an RDF dataset: one named graph per source plus the metadata
graph that describes them. It answers SPARQL with bindings, replaces or removes one
source graph atomically, and serialises graphs. :class:`OxigraphStore` is the embedded
backend, on disk (a directory) or in memory:

>>> from rdflib import Literal, URIRef
>>> store = OxigraphStore()                      # in memory
>>> g = URIRef("https://w3id.org/scidip/graph/example")
>>> store.replace_graph(g, [(URIRef("urn:x"), URIRef("urn:p"), Literal("hello"))], meta=[])
>>> [str(row[0]) for row in store.query("SELECT ?o WHERE { ?s ?p ?o }")]
['hello']
>>> store.remove_graph(g)
True
"""

from __future__ import annotations

import itertools
import os
import re
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Union

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.query import Result
from rdflib.term import Node

from .errors import QueryError, ResultTooLarge, StoreError
from .vocab import META_GRAPH, PREFIXES, SD, SDG

__all__ = ["Store", "OxigraphStore", "open_store", "Triple", "to_ox", "from_ox", "with_bindings", "refuse_remote"]

Triple = tuple[Node, Node, Node]
Term = Union[URIRef, BNode, Literal]

_STAGING = str(SDG) + "_staging/"
# Graph IRIs put into SPARQL Update text are minted by kg.vocab from slugs; this pattern
# makes sure nothing else ever is (no quotes, brackets, spaces or braces can pass).
_SAFE_IRI = re.compile(r"^https?://[A-Za-z0-9._~:/#%-]+$")


# --- term conversion between rdflib and pyoxigraph -------------------------------------

_RDF_LANG_STRING = str(RDF.langString)
_XSD_STRING = str(XSD.string)


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def _bnode_id(value: str) -> str:
    # pyoxigraph accepts N-Triples blank node labels only
    return value if re.fullmatch(r"[A-Za-z0-9_]+", value) else "b" + re.sub(r"\W", "_", value)


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Term | None:
    """A pyoxigraph term as an rdflib term (plain literals for xsd:string)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return _uriref(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return _plain_literal(term.value)
        return Literal(term.value, datatype=_uriref(dt))
    raise TypeError(f"unsupported term {term!r}")


def _uriref(iri: str) -> URIRef:
    # what URIRef(iri) makes, without its check for characters that an IRI cannot hold
    # (Oxigraph's IRIs are valid): a third of the cost of converting a result
    return str.__new__(URIRef, iri)


def _plain_literal(value: str) -> Literal:
    """What ``Literal(value)`` makes for a string (no datatype, no language: nothing to
    parse or normalise), at a fifth of the cost."""
    lit = str.__new__(Literal, value)
    lit._language = None
    lit._datatype = None
    lit._value = value
    lit._ill_typed = None
    return lit


def _converter() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal], Term]:
    """:func:`from_ox` that converts each distinct term once (for one result: the terms of
    a result repeat, and rdflib terms are immutable)."""
    seen: dict[object, Term] = {}

    def convert(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
        out = seen.get(term)
        if out is None:
            out = seen[term] = from_ox(term)  # type: ignore[assignment]
        return out  # type: ignore[return-value]

    return convert


# --- the interface ----------------------------------------------------------------------


class Store(ABC):
    """What every backend offers. All writes of a source are all-or-nothing."""

    #: Where the store lives, for messages ("in memory" for a temporary one).
    location: str = "in memory"

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        graphs: Iterable[URIRef] | None = None,
        max_rows: int | None = None,
    ) -> Result:
        """Run a SPARQL query over the union of all graphs (or of ``graphs``); raise
        :class:`~kg.errors.ResultTooLarge` when it has more than ``max_rows`` rows or triples."""

    @abstractmethod
    def replace_graphs(
        self, items: Iterable[tuple[URIRef, Iterable[Triple], Iterable[Triple]]], *, staged: Iterable[URIRef] = ()
    ) -> None:
        """Atomically, all or nothing: for each ``(graph, triples, meta)`` replace ``graph`` by
        ``triples`` and its description in the metadata graph by ``meta``. For the graphs in
        ``staged`` the data was streamed in beforehand by ``stage_file`` (``triples`` is ignored)."""

    def stage_file(self, graph: URIRef, path: Path, fmt: str) -> None:
        """Stream a large file into the staging area of ``graph`` (backends that can)."""
        raise StoreError(f"{self.location}: this store cannot bulk-load files")

    def stage_triples(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Write triples into the staging area of ``graph`` (see :meth:`stage_file`)."""
        raise StoreError(f"{self.location}: this store cannot stage triples")

    def staging_graph(self, graph: URIRef) -> URIRef:
        raise StoreError(f"{self.location}: this store has no staging graphs")

    def discard(self, graph: URIRef) -> None:
        """Drop what was staged for ``graph``."""

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], *, meta: Iterable[Triple]) -> None:
        """Atomically replace one source graph (see :meth:`replace_graphs`)."""
        self.replace_graphs([(graph, triples, meta)])

    def types_of(self, iris: Iterable[URIRef]) -> list[Triple]:
        """``rdf:type`` and ``rdfs:label`` triples of the given entities, from any graph."""
        out: list[Triple] = []
        for iri in iris:
            res = self.query(
                "SELECT ?p ?o WHERE { ?s ?p ?o FILTER(?p IN (rdf:type, rdfs:label)) }", bindings={"s": iri}
            )
            out.extend((iri, row[0], row[1]) for row in res)
        return out

    @abstractmethod
    def remove_graph(self, graph: URIRef) -> bool:
        """Remove ``graph`` and its description; False if there was no such graph."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The named graphs that hold sources (not the metadata graph)."""

    @abstractmethod
    def serialize(self, fmt: str, *, graphs: Iterable[URIRef] | None = None) -> bytes:
        """The dataset (or ``graphs`` of it) in ``fmt`` (turtle, ntriples, nquads, trig, jsonld)."""

    @abstractmethod
    def triples(self, graph: URIRef) -> Iterator[Triple]:
        """The triples of one named graph."""

    @abstractmethod
    def count(self, graph: URIRef | None = None) -> int:
        """Number of triples in ``graph``, or of quads in the whole store."""

    @property
    @abstractmethod
    def dataset(self) -> Dataset:
        """An rdflib Dataset over the same data, for users of the rdflib API."""

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the store."""


# --- Oxigraph ---------------------------------------------------------------------------

_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
_DATASET_FORMATS = {"nquads", "trig", "jsonld"}
# Deletes a source graph's description (the graph's own triples and its source node's)
_DELETE_DESCRIPTION = (
    "DELETE {{ GRAPH <{meta}> {{ ?x ?p ?o }} }} WHERE {{ GRAPH <{meta}> {{ ?x ?p ?o . "
    "FILTER(?x = <{name}> || EXISTS {{ <{name}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?x }}) }} }}"
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_STRINGS_AND_IRIS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>\s]*>|#[^\n]*')


_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|^`\\]')


def with_bindings(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """``sparql`` with a ``VALUES`` block that binds variables to RDF terms, placed at the
    start of the WHERE group so that filters see the bindings.

    Values are written by rdflib as N3 terms (escaped), never pasted as text:

    >>> from rdflib import Literal
    >>> print(with_bindings('SELECT ?x WHERE { ?x rdfs:label ?name }', {"name": Literal('say "hi"')}))
    SELECT ?x WHERE { VALUES (?name) { ("say \\"hi\\"") } ?x rdfs:label ?name }
    """
    if not bindings:
        return sparql
    names, terms = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
        if isinstance(term, URIRef) and _BAD_IRI_CHARS.search(str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        if not isinstance(term, (URIRef, Literal)):
            raise QueryError(f"a binding must be an IRI or a literal, not {term!r}")
        names.append(f"?{name}")
        terms.append(term.n3())
    block = f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    masked = _STRINGS_AND_IRIS.sub(lambda m: " " * len(m.group(0)), sparql)
    m = re.search(r"\bWHERE\s*\{", masked, re.IGNORECASE)
    if m is None and re.match(r"\s*(?:PREFIX\s+\S*\s*\S+\s*|BASE\s+\S+\s*)*(SELECT|ASK)\b", masked, re.IGNORECASE):
        m = re.search(r"\{", masked)
    if m is None:
        return f"{sparql.rstrip()}\n{block}"
    return f"{sparql[: m.end()]} {block}{sparql[m.end():]}"


def refuse_remote(sparql: str) -> None:
    """Refuse SERVICE clauses: a query never reaches the network unless the user asks.

    >>> refuse_remote('SELECT * WHERE { ?s ?p "SERVICE" }')
    >>> refuse_remote('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE clauses are refused: queries do not reach the network
    """
    if _SERVICE.search(_STRINGS_AND_IRIS.sub(" ", sparql)):
        raise QueryError("SERVICE clauses are refused: queries do not reach the network")


class OxigraphStore(Store):
    """The embedded store: Oxigraph on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        try:
            if path is None:
                self._ox = ox.Store()
                self.location = "in memory"
            else:
                p = Path(path)
                if p.exists() and not p.is_dir():
                    raise StoreError(f"{p}: the store must be a directory, this is a file")
                self._ox = ox.Store.read_only(str(p)) if read_only else ox.Store(str(p))
                self.location = str(p)
        except OSError as e:
            msg = str(e)
            if "lock" in msg.lower():
                msg = "the store is open in another process (close it, or use another --store)"
            raise StoreError(f"{path}: cannot open the store: {msg}") from e
        self._dataset: Dataset | None = None
        self._in_place: set[str] = set()
        if not read_only:
            self._roll_forward_all()
            self._drop_staging()
            self._drop_undescribed()

    # queries
    def query(self, sparql, *, bindings=None, graphs=None, max_rows=None):
        refuse_remote(sparql)
        kwargs: dict = {"prefixes": _prefix_map()}
        sparql = with_bindings(sparql, bindings)
        if graphs is None:
            # the union of all graphs, unless the query names its dataset with FROM
            masked = _STRINGS_AND_IRIS.sub(" ", sparql)
            kwargs["use_default_graph_as_union"] = not re.search(r"\bFROM\b", masked, re.IGNORECASE)
        else:
            kwargs["default_graph"] = [ox.NamedNode(str(g)) for g in graphs]
        try:
            raw = self._ox.query(sparql, **kwargs)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except OSError as e:
            raise QueryError(f"query failed: {e}") from e
        result = _to_result(raw, max_rows)
        del raw  # results are read lazily: never keep them alive in a traceback
        if result is None:
            raise ResultTooLarge(f"the result has more than {max_rows} rows; add a LIMIT")
        return result

    # writes
    def staging_graph(self, graph: URIRef) -> URIRef:
        """Where :meth:`stage_file` / :meth:`stage_triples` put a source's data before
        :meth:`replace_graphs` makes it visible: a staging graph, or for a source that is new
        to the store the graph itself (no copy is needed then; it counts as a source only once
        described, and an undescribed graph left by a crash is dropped when the store opens)."""
        name = _checked(graph)
        if name in self._in_place:
            return URIRef(name)
        return URIRef(f"{_STAGING}{name[len(str(SDG)):]}")

    def _begin_stage(self, graph: URIRef) -> ox.NamedNode:
        name = _checked(graph)
        if not self._ox.contains_named_graph(ox.NamedNode(name)) and not self._described(name):
            self._in_place.add(name)
        stage = ox.NamedNode(str(self.staging_graph(graph)))
        self._ox.remove_graph(stage)
        return stage

    def stage_file(self, graph: URIRef, path: Path, fmt: str) -> None:
        """Stream a large triples file (Turtle, N-Triples) into the staging area of ``graph``
        in chunks (memory stays bounded). Not a source until :meth:`replace_graphs` is
        called with ``staged=[graph]``; :meth:`discard` drops it."""
        stage = self._begin_stage(graph)
        try:
            _load_file(self._ox, path, fmt, stage)
        except BaseException:
            self.discard(graph)
            raise

    def stage_triples(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Like :meth:`stage_file`, for triples in memory (one transaction)."""
        stage = self._begin_stage(graph)
        try:
            self._ox.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), stage) for s, p, o in triples)
        except BaseException:
            self.discard(graph)
            raise

    def types_of(self, iris: Iterable[URIRef]) -> list[Triple]:
        # index look-ups instead of one SPARQL query per entity
        wanted = (ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label)))
        out: list[Triple] = []
        for iri in iris:
            for p in wanted:
                seen = {q.object for q in self._ox.quads_for_pattern(ox.NamedNode(str(iri)), p, None, None)}
                out.extend((iri, from_ox(p), from_ox(o)) for o in seen)  # type: ignore[misc]
        return out

    def load_file(self, path: Path, fmt: str, graph: URIRef, *, meta: Iterable[Triple] = ()) -> None:
        """Bulk-load a triples file into ``graph``, replacing it, all or nothing (no checks)."""
        self.stage_file(graph, path, fmt)
        self.replace_graphs([(graph, (), meta)], staged=[graph])

    def discard(self, graph: URIRef) -> None:
        """Drop what was staged for ``graph`` (unless a journalled replacement needs it)."""
        name = str(graph)
        if self._journal(name) is not None:
            return  # committed: the roll-forward (now or on the next open) needs the staged data
        self._drop_in_batches(ox.NamedNode(str(self.staging_graph(graph))))
        self._ox.remove_graph(ox.NamedNode(_meta_stage(name)))
        self._in_place.discard(name)

    def replace_graphs(self, items, *, staged=()):
        """Two transactions for small sources: (1) the new data and descriptions are written
        beside the old, (2) one SPARQL update swaps them in. A staged source that replaces an
        existing one (too large to copy in one transaction: Oxigraph holds a transaction's
        writes in memory and cannot rename a graph) is instead *journalled* in update (2),
        ``<target> sd:replacingFrom <staging>``, which commits it, and then rolled forward in
        bounded batches (:meth:`_roll_forward`); a crash during the roll-forward is completed
        when the store is next opened read-write."""
        items = list(items)
        staged = {str(g) for g in staged}
        plans = [self._plan(graph, name in staged) for graph, name in ((g, _checked(g)) for g, _t, _m in items)]
        committed = False
        try:
            # 1. one transaction writes the new data and descriptions beside the old
            self._ox.extend(_quads(items, plans, staged))
            # 2. one transaction swaps the small sources in and journals the large ones
            self._ox.update(" ;\n".join(_swap(p) for p in plans))
            committed = True
        except OSError as e:
            for p in plans:
                if p.data is None:  # loaded in place: not described, so not kept
                    self._drop_in_batches(ox.NamedNode(p.name))
            raise StoreError(f"{self.location}: write failed, store unchanged: {e}") from e
        finally:
            # the staging graphs, except those a committed journal entry still needs
            for p in plans:
                if not (committed and p.journalled):
                    self._drop_staging(*(ox.NamedNode(n) for n in (p.data, p.meta) if n is not None))
                self._in_place.discard(p.name)
        for p in plans:
            if p.journalled:
                try:
                    self._roll_forward(p.name, p.data, p.meta)  # type: ignore[arg-type]
                except OSError as e:
                    raise StoreError(
                        f"{self.location}: the replacement of <{p.name}> is committed but not complete ({e}); "
                        "it is completed when the store is next opened"
                    ) from e

    def _plan(self, graph: URIRef, staged: bool) -> _Plan:
        name = str(graph)
        in_place = staged and name in self._in_place
        data = None if in_place else str(self.staging_graph(graph))
        return _Plan(name, data, _meta_stage(name), journalled=staged and not in_place)

    # the roll-forward journal of large replacements
    def _journal(self, name: str) -> str | None:
        """The staging graph that ``name`` is being replaced from, if a replacement is journalled."""
        for q in self._ox.quads_for_pattern(ox.NamedNode(name), _REPLACING_FROM, None, ox.NamedNode(str(META_GRAPH))):
            return q.object.value  # type: ignore[union-attr]
        return None

    def _roll_forward_all(self) -> None:
        """Complete the replacements journalled by a process that stopped before finishing."""
        entries = list(self._ox.quads_for_pattern(None, _REPLACING_FROM, None, ox.NamedNode(str(META_GRAPH))))
        for q in entries:
            self._roll_forward(q.subject.value, q.object.value, _meta_stage(q.subject.value))  # type: ignore[union-attr]

    def _roll_forward(self, target: str, stage: str, meta: str) -> None:
        """Make graph ``target`` equal to the (complete) staging graph ``stage`` and its
        description that of ``meta``, then drop both. Idempotent: it only deletes what the
        target has and the stage has not, and copies what the stage has and the target has
        not, in bounded batches outside transactions; the description and the journal entry
        change in one transaction at the end."""
        t, st = ox.NamedNode(target), ox.NamedNode(stage)
        self._delete_in_batches(t, unless_in=st)
        self._copy_missing(st, t)
        self._ox.update(
            _DELETE_DESCRIPTION.format(meta=META_GRAPH, name=target)
            + f" ;\nADD SILENT GRAPH <{meta}> TO GRAPH <{META_GRAPH}> ;\nDROP SILENT GRAPH <{meta}>"
        )
        self._drop_in_batches(st)

    def _copy_missing(self, source: ox.NamedNode, target: ox.NamedNode) -> None:
        rows = self._ox.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{source.value}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH <{target.value}> {{ ?s ?p ?o }} }} }}"
        )
        quads = (ox.Quad(s, p, o, target) for s, p, o in rows)  # type: ignore[misc]
        while chunk := list(itertools.islice(quads, COPY_BATCH)):
            self._ox.bulk_extend(chunk)

    def _delete_in_batches(self, graph: ox.NamedNode, *, unless_in: ox.NamedNode | None = None) -> None:
        """Delete the quads of ``graph`` (that are not in ``unless_in``), ``DELETE_BATCH`` per
        transaction so that memory stays bounded."""
        keep = f" FILTER NOT EXISTS {{ GRAPH <{unless_in.value}> {{ ?s ?p ?o }} }}" if unless_in is not None else ""
        where = f"GRAPH <{graph.value}> {{ ?s ?p ?o }}{keep}"
        delete = f"DELETE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ {where} }} LIMIT {DELETE_BATCH} }} }}"
        while self._ox.query(f"ASK {{ {where} }}"):
            self._ox.update(delete)
            # write the deletions out of the memtables: else every later batch scans over
            # them and memory grows (1M quads: 31 s and 228 MB flat, against 57 s and 728 MB)
            self._ox.flush()

    def _drop_in_batches(self, graph: ox.NamedNode) -> None:
        """Remove ``graph``: in one transaction when small, else in batches first."""
        if _more_than(self._ox.quads_for_pattern(None, None, None, graph), DELETE_BATCH):
            self._delete_in_batches(graph)
        self._ox.remove_graph(graph)

    def remove_graph(self, graph):
        """Remove a source: its description in one transaction (from then on it is not a
        source, and a crash leaves an undescribed graph that the next open drops), then its
        data in bounded batches."""
        name = _checked(graph)
        if not self._ox.contains_named_graph(ox.NamedNode(name)) and not self._described(name):
            return False
        self._ox.update(_DELETE_DESCRIPTION.format(meta=META_GRAPH, name=name))
        self._drop_in_batches(ox.NamedNode(name))
        return True

    def _described(self, name: str) -> bool:
        return any(True for _ in self._ox.quads_for_pattern(ox.NamedNode(name), None, None, ox.NamedNode(str(META_GRAPH))))

    def _drop_undescribed(self) -> None:
        """Drop source graphs that have no description: what a crash during an in-place bulk
        load or a removal leaves behind (every other write describes its graph in the same
        transaction)."""
        meta = str(META_GRAPH)
        for g in list(self._ox.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(str(SDG)) and g.value != meta and not g.value.startswith(_STAGING):
                if not self._described(g.value):
                    self._drop_in_batches(g)

    def _drop_staging(self, *names: ox.NamedNode) -> None:
        """Drop the staging graphs ``names`` (all of them when called without names, on open)."""
        targets = names if names else [g for g in self._ox.named_graphs() if _is_staging(g)]
        for g in targets:
            self._drop_in_batches(g)

    # reads
    def graph_names(self):
        meta = str(META_GRAPH)
        return sorted(
            URIRef(g.value)
            for g in self._ox.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value != meta and not g.value.startswith(_STAGING)
        )

    def triples(self, graph):
        for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)  # type: ignore[misc]

    def count(self, graph=None):
        if graph is None:
            return len(self._ox)
        res = self._ox.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(str(graph)))
        return int(next(iter(res))["n"].value)

    def serialize(self, fmt, *, graphs=None):
        if fmt not in _OX_FORMATS:
            raise StoreError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(_OX_FORMATS))}")
        names = [ox.NamedNode(str(g)) for g in graphs] if graphs is not None else None
        if fmt in _DATASET_FORMATS:
            quads: Iterable[ox.Quad]
            if names is None:
                quads = (q for q in self._ox if not _is_staging(q.graph_name))
            else:
                quads = (q for g in names for q in self._ox.quads_for_pattern(None, None, None, g))
            return ox.serialize(quads, format=_OX_FORMATS[fmt], prefixes=_prefix_map())
        # triple formats: the union of the chosen graphs, each triple once
        seen: dict[tuple, ox.Triple] = {}
        source = (q for q in self._ox if not _is_staging(q.graph_name)) if names is None else (
            q for g in names for q in self._ox.quads_for_pattern(None, None, None, g)
        )
        for q in source:
            t = ox.Triple(q.subject, q.predicate, q.object)
            seen.setdefault((q.subject, q.predicate, q.object), t)
        return ox.serialize(seen.values(), format=_OX_FORMATS[fmt], prefixes=_prefix_map())

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            from oxrdflib import OxigraphStore as _OxRdflib

            ds = Dataset(store=_OxRdflib(store=self._ox), default_union=True)
            self._dataset = ds
        return self._dataset

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph Store, for fast paths."""
        return self._ox

    def close(self) -> None:
        """Flush and release the store (and its directory lock); the object is unusable after."""
        if self._ox is None:
            return
        if self.location != "in memory":
            self._ox.flush()
        self._dataset = None
        self._ox = None  # type: ignore[assignment]  # dropping the last reference releases the lock


#: N-Triples lines per bulk-load call, and quads per ``bulk_extend`` call when a file is
#: parsed as a stream: bounds the loader's memory (1M triples: about 400 MB peak in chunks
#: against 930 MB in one call).
CHUNK_LINES = 250_000
#: Bulk-load calls at once: Oxigraph loads outside the GIL, and one call keeps one core busy
#: (1M N-Triples: 17 s in one thread, 11 s in two, on 2 cores).
LOAD_THREADS = 2


def _load_file(store: ox.Store, path: Path, fmt: str, graph: ox.NamedNode) -> None:
    """Load a triples file into ``graph`` with bounded memory; parse errors name the line of
    the whole file."""
    if fmt == "ntriples":
        _load_ntriples(store, path, graph)
        return
    with open(path, "rb") as f:
        _load_stream(store, f, _OX_FORMATS[fmt], graph)


def _load_ntriples(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """Bulk-load N-Triples in chunks of ``CHUNK_LINES`` lines, ``LOAD_THREADS`` at a time.
    Each bulk-load call renames blank nodes, which would split a node across chunks, so from
    the first chunk that may hold one (``_:`` anywhere in it) the rest is parsed as one stream."""
    first_line, offset = 1, 0
    with open(path, "rb") as f, ThreadPoolExecutor(LOAD_THREADS) as pool:
        pending: deque[Future[None]] = deque()
        while chunk := list(itertools.islice(f, CHUNK_LINES)):
            data = b"".join(chunk)
            if b"_:" in data:
                break
            pending.append(pool.submit(_bulk_load_lines, store, data, graph, first_line))
            if len(pending) >= LOAD_THREADS:
                pending.popleft().result()
            first_line, offset = first_line + len(chunk), offset + len(data)
        for done in pending:  # in file order: the first error is the one reported
            done.result()
        if chunk:
            f.seek(offset)
            _load_stream(store, f, ox.RdfFormat.N_TRIPLES, graph, first_line=first_line)


def _bulk_load_lines(store: ox.Store, data: bytes, graph: ox.NamedNode, first_line: int) -> None:
    try:
        store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    except SyntaxError as e:
        raise _shifted(e, first_line) from None


def _load_stream(store: ox.Store, f: IO[bytes], fmt: ox.RdfFormat, graph: ox.NamedNode, *, first_line: int = 1) -> None:
    """Parse ``f`` as one document (blank nodes keep one identity throughout, distinct from
    any already in the store) and add its triples in chunks of ``CHUNK_LINES`` quads, each
    written while the next is parsed."""
    parsed = ox.parse(input=f, format=fmt, rename_blank_nodes=True)
    quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed)
    with ThreadPoolExecutor(1) as pool:
        writing: Future[None] | None = None
        try:
            while chunk := list(itertools.islice(quads, CHUNK_LINES)):
                if writing is not None:
                    writing.result()
                writing = pool.submit(store.bulk_extend, chunk)
        except SyntaxError as e:
            raise _shifted(e, first_line) from None
        if writing is not None:
            writing.result()


def _shifted(e: SyntaxError, first_line: int) -> SyntaxError:
    """``e`` with its line counted from the start of the file rather than of a chunk."""
    if first_line == 1 or not e.lineno:
        return e
    line = e.lineno + first_line - 1
    err = SyntaxError(str(e).replace(f"line {e.lineno}", f"line {line}"))
    err.lineno = line
    return err


#: Quads deleted per transaction when a large graph is cleared (memory stays bounded),
#: and copied per ``bulk_extend`` call.
DELETE_BATCH = 100_000
COPY_BATCH = 250_000
_REPLACING_FROM = ox.NamedNode(str(SD["replacingFrom"]))


@dataclass(frozen=True)
class _Plan:
    """How one source of a :meth:`OxigraphStore.replace_graphs` call is written."""

    name: str  # the source graph
    data: str | None  # where its new data is (None: already in place)
    meta: str  # where its new description is written first
    journalled: bool  # a large replacement, rolled forward after the commit


def _more_than(items: Iterable[object], n: int) -> bool:
    return next(itertools.islice(items, n, None), None) is not None


def _meta_stage(name: str) -> str:
    return f"{_STAGING}{name[len(str(SDG)):]}/meta"


def _quads(items: list, plans: list[_Plan], staged: set[str]) -> Iterator[ox.Quad]:
    """The quads written beside the old data: each source's new description, and the data
    of the sources that were not staged."""
    for (_g, triples, meta), plan in zip(items, plans):
        if plan.name not in staged:
            d = ox.NamedNode(plan.data)  # type: ignore[arg-type]
            for s, p, o in triples:
                yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), d)
        m = ox.NamedNode(plan.meta)
        for s, p, o in meta:
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), m)


def _swap(plan: _Plan) -> str:
    """The part of the commit update for one source."""
    if plan.journalled:
        return f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{plan.name}> <{_REPLACING_FROM.value}> <{plan.data}> }} }}"
    copy = f"DROP SILENT GRAPH <{plan.name}> ;\nADD SILENT GRAPH <{plan.data}> TO GRAPH <{plan.name}> ;\n" if plan.data else ""
    return copy + _DELETE_DESCRIPTION.format(meta=META_GRAPH, name=plan.name) + f" ;\nADD SILENT GRAPH <{plan.meta}> TO GRAPH <{META_GRAPH}>"


def _is_staging(g: object) -> bool:
    return isinstance(g, ox.NamedNode) and g.value.startswith(_STAGING)


def _checked(graph: URIRef) -> str:
    name = str(graph)
    if not name.startswith(str(SDG)) or not _SAFE_IRI.match(name) or name == str(META_GRAPH):
        raise StoreError(f"not a source graph name: {name!r}")
    return name


def _prefix_map() -> dict[str, str]:
    return PREFIXES


def _to_result(raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, max_rows: int | None = None) -> Result | None:
    """The rdflib Result of a pyoxigraph result; None if it has more than ``max_rows`` items."""
    if isinstance(raw, ox.QueryBoolean):
        r = Result("ASK")
        r.askAnswer = bool(raw)
        return r
    items = list(raw if max_rows is None else itertools.islice(raw, max_rows + 1))
    if max_rows is not None and len(items) > max_rows:
        return None
    convert = _converter()
    if isinstance(raw, ox.QuerySolutions):
        r = Result("SELECT")
        r.vars = [Variable(v.value) for v in raw.variables]
        r.bindings = [{var: convert(t) for var, t in zip(r.vars, sol) if t is not None} for sol in items]
        return r
    g = Graph()
    for t in items:
        g.add((convert(t.subject), convert(t.predicate), convert(t.object)))
    r = Result("CONSTRUCT")
    r.graph = g
    return r


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    """Open the store at ``location``: a directory (on-disk Oxigraph, created if missing)
    or ``None``/``":memory:"`` for a temporary in-memory store, or ``sparql+http://...`` for
    a SPARQL 1.1 server (:class:`kg.remote.RemoteStore`)."""
    if location is None or str(location) == ":memory:":
        return OxigraphStore()
    if str(location).startswith("sparql+"):
        from .remote import RemoteStore

        return RemoteStore(str(location))
    return OxigraphStore(location)

