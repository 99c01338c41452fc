"""RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) → one source graph.

Parsing is Oxigraph's (fast, and it never dereferences remote JSON-LD contexts or XML
entities). A dataset file's named graphs are merged into the one graph of its source.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import InputError, ParseError
from ..store import from_ox
from ..vocab import slugify
from .source import SourceGraph, SourceMeta, read_file_text

__all__ = ["read_rdf", "FORMATS"]

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


#: Triples files above this size are streamed into the store instead of parsed in memory.
BULK_BYTES = 32 * 1024 * 1024
_STREAMABLE = {"ntriples", "turtle"}


def read_rdf(path: Path, fmt: str, *, slug: str | None = None, bulk: bool | None = None, **_: object) -> SourceGraph:
    """Parse one RDF file into a :class:`SourceGraph` named after the file.

    Large N-Triples and Turtle files (over ``BULK_BYTES``, or any with ``bulk=True``) are not
    parsed here: they are streamed into the store when written, and checked there."""
    meta = SourceMeta(slug=slug or slugify(path.stem), title=path.name, file=path.name, kind="dataset")
    if bulk is not False and fmt in _STREAMABLE and path.is_file() and (bulk or path.stat().st_size > BULK_BYTES):
        _check_head(path)
        return SourceGraph(meta=meta, graph=Graph(), bulk_path=path, bulk_format=fmt)
    text = read_file_text(path)
    graph = Graph()
    warnings: list[str] = []
    named: set[str] = set()
    try:
        for quad in ox.parse(text, format=FORMATS[fmt], base_iri=None):
            if isinstance(quad, ox.Quad) and not isinstance(quad.graph_name, ox.DefaultGraph):
                named.add(str(quad.graph_name))
            graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
    except SyntaxError as e:
        msg = str(e)
        if "LoadDocumentCallback" in msg:
            msg = "remote JSON-LD contexts are not fetched: inline the @context in the file"
        raise ParseError(f"{fmt} syntax error: {msg}", path=str(path), line=getattr(e, "lineno", None)) from None
    if not len(graph):
        raise InputError("no triples in file", path=str(path))
    if named:
        warnings.append(f"{len(named)} named graph(s) in the file were merged into its source graph")
    return SourceGraph(meta=meta, graph=graph, warnings=warnings)


def _check_head(path: Path) -> None:
    """Refuse binary and non-UTF-8 files from their first bytes, before streaming."""
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.strip():
        raise InputError("empty file", path=str(path))
    if b"\x00" in head:
        raise InputError("binary file, not text", path=str(path))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise InputError(f"not valid UTF-8 at byte {e.start}", path=str(path), line=head[: e.start].count(b"\n") + 1) from None
