"""What a reader returns, and the checks every input file goes through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..errors import InputError
from ..values import parse_date
from ..vocab import SCHEMA, SD, graph_iri, slugify, source_iri

__all__ = ["SourceMeta", "SourceGraph", "read_file_text", "reader_for", "READERS", "MAX_BYTES"]

#: Files above this size are refused by the readers that hold a whole file in memory.
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class SourceMeta:
    """Where a source's facts came from: becomes PROV/DCTERMS metadata of its graph."""

    slug: str
    title: str | None = None
    url: str | None = None
    published: Literal | None = None
    publisher: str | None = None
    kind: str = "dataset"
    file: str | None = None
    extractor: str = "curated"
    note: str | None = None

    @classmethod
    def from_mapping(
        cls, src: dict, *, file: Path, kind: str, extractor: str, where: Callable[[str], str]
    ) -> SourceMeta:
        """The ``source:`` section of a records file or table mapping (id, title, published,
        publisher, url, kind, note). ``where(field)`` names a field for error messages."""
        slug = slugify(str(src.get("id") or file.stem))
        if not slug:
            raise InputError(f"{where('id')}: the id must contain letters or digits")
        published = None
        if src.get("published"):
            try:
                published = parse_date(src["published"])
            except ValueError as e:
                raise InputError(f"{where('published')}: {e}") from None
        url = str(src["url"]).strip() if src.get("url") else None
        if url and (not url.startswith(("http://", "https://")) or any(c in url for c in ' <>"{}|\\^`')):
            raise InputError(f"{where('url')}: not an http(s) URL: {url!r}")
        return cls(
            slug=slug,
            title=str(src.get("title") or file.name),
            url=url,
            published=published,
            publisher=str(src["publisher"]) if src.get("publisher") else None,
            kind=str(src.get("kind") or kind),
            file=file.name,
            extractor=extractor,
            note=str(src["note"]) if src.get("note") else None,
        )

    @property
    def graph(self) -> URIRef:
        return graph_iri(self.slug)

    @property
    def node(self) -> URIRef:
        return source_iri(self.slug)

    def triples(self, *, generated: dt.datetime | None = None) -> list[tuple]:
        """The description of the source graph and of its source document."""
        g, s = self.graph, self.node
        when = generated or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        out: list[tuple] = [
            (g, RDF.type, SD.SourceGraph),
            (g, PROV.wasDerivedFrom, s),
            (g, PROV.generatedAtTime, Literal(when.isoformat(), datatype=XSD.dateTime)),
            (g, SD.extractor, Literal(self.extractor)),
            (s, RDF.type, SD.Source),
            (s, RDF.type, PROV.Entity),
            (s, SD.sourceKind, Literal(self.kind)),
        ]
        if self.kind in ("news article", "press release"):
            out.append((s, RDF.type, SCHEMA.NewsArticle))
        if self.title:
            out += [(g, DCTERMS.title, Literal(self.title)), (s, DCTERMS.title, Literal(self.title)), (s, RDFS.label, Literal(self.title))]
        if self.published is not None:
            out += [(g, DCTERMS.issued, self.published), (s, DCTERMS.issued, self.published)]
        if self.publisher:
            out.append((s, DCTERMS.publisher, Literal(self.publisher)))
        if self.url:
            out.append((s, SCHEMA.url, URIRef(self.url)))
            out.append((g, PROV.wasDerivedFrom, URIRef(self.url)))
        if self.file:
            out.append((s, SD.sourceFile, Literal(self.file)))
        if self.note:
            out.append((s, RDFS.comment, Literal(self.note)))
        return out


@dataclass
class SourceGraph:
    """The facts of one source, ready to validate and write."""

    meta: SourceMeta
    graph: Graph
    warnings: list[str] = field(default_factory=list)
    #: a file too large for memory, to be streamed into the store (``graph`` stays empty)
    bulk_path: Path | None = None
    bulk_format: str | None = None

    def __len__(self) -> int:
        return len(self.graph)


def read_file_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """A file's text: refuses missing, empty, huge, binary and non-UTF-8 files clearly."""
    if not path.exists():
        raise InputError("no such file", path=str(path))
    if path.is_dir():
        raise InputError("is a directory", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file", path=str(path))
    if size > max_bytes:
        raise InputError(f"file too large ({size / 1e6:.0f} MB; limit {max_bytes / 1e6:.0f} MB)", path=str(path))
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        guess = _guess_encoding(data)
        hint = f" (it looks like {guess}; convert it with `iconv -f {guess} -t utf-8`)" if guess else ""
        raise InputError(f"not valid UTF-8 at byte {e.start}{hint}", path=str(path), line=line) from None
    if not text.strip():
        raise InputError("empty file (only whitespace)", path=str(path))
    return text


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


#: file extension → (reader module, format name)
READERS: dict[str, tuple[str, str]] = {
    ".ttl": ("rdf", "turtle"),
    ".turtle": ("rdf", "turtle"),
    ".nt": ("rdf", "ntriples"),
    ".nq": ("rdf", "nquads"),
    ".trig": ("rdf", "trig"),
    ".jsonld": ("rdf", "jsonld"),
    ".json-ld": ("rdf", "jsonld"),
    ".rdf": ("rdf", "xml"),
    ".owl": ("rdf", "xml"),
    ".xml": ("rdf", "xml"),
    ".csv": ("tables", "csv"),
    ".tsv": ("tables", "tsv"),
    ".yaml": ("records", "yaml"),
    ".yml": ("records", "yaml"),
    ".txt": ("text", "text"),
    ".html": ("text", "html"),
    ".htm": ("text", "html"),
}


def reader_for(path: Path, fmt: str | None = None) -> tuple[str, str]:
    """Which reader takes ``path`` (by ``fmt`` if given, else by extension)."""
    if fmt:
        for kind, name in READERS.values():
            if name == fmt:
                return kind, name
        raise InputError(f"unknown format {fmt!r}", path=str(path))
    ext = path.suffix.lower()
    if ext not in READERS:
        known = ", ".join(sorted(READERS))
        raise InputError(f"unknown file type {ext or '(none)'!r}; known: {known}", path=str(path))
    return READERS[ext]
