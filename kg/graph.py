"""KnowledgeGraph: the front door. Short methods that hand work to the modules below.

>>> kg = KnowledgeGraph()                        # in memory; KnowledgeGraph("kg-store") on disk
>>> reports = kg.ingest(data_dir() / "records")
>>> sorted(r.slug for r in reports)
['uk-korea-science-deal-2023']
>>> rows = kg.run("agreements-between", a="UK", b="South Korea")
>>> "UK-Korea Science Deal" in {str(r.label) for r in rows}
True
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.query import Result

from . import __version__
from .bundled import ONTOLOGY_FILES, data_dir, ontology_path
from .errors import InputError, KGError, ParseError, StoreError, ValidationError
from .ingest.source import SourceGraph, SourceMeta, reader_for
from .store import Store, open_store
from .validate import Violation, validate_graph
from .vocab import META_GRAPH, SDG, SDID, graph_iri

__all__ = ["KnowledgeGraph", "IngestReport", "SourceInfo", "data_dir", "ONTOLOGY_GRAPH"]

#: The named graph that holds the ontology and topic scheme inside every store.
ONTOLOGY_GRAPH = SDG["ontology"]
_SKIP_DIRS = {"gazetteers", "__pycache__"}
#: Sources larger than this are checked by SPARQL in the store (kg.checks) instead of
#: pyshacl, which takes about 2.5 s per 10,000 triples with the project's shapes.
SHACL_MAX_TRIPLES = 20_000


@dataclass
class IngestReport:
    """What one ingested source added."""

    path: str | None
    slug: str
    graph: URIRef
    triples: int
    replaced: bool
    previous: int = 0
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        verb = f"replaced ({self.previous} → {self.triples} triples)" if self.replaced else f"added {self.triples} triples"
        return f"{self.path or self.slug}: {verb} in <{self.graph}>"


@dataclass
class SourceInfo:
    """One source graph of the store, with its provenance."""

    slug: str
    graph: URIRef
    title: str | None
    published: str | None
    extractor: str | None
    generated: str | None
    url: str | None
    file: str | None
    triples: int


class KnowledgeGraph:
    """A science-diplomacy knowledge graph over a store.

    ``store`` is a :class:`~kg.store.Store`, a directory for the on-disk Oxigraph store
    (created on first use), or ``None`` for a store in memory.
    """

    def __init__(self, store: Store | str | os.PathLike[str] | None = None):
        self.store: Store = store if isinstance(store, Store) else open_store(store)
        self._ensure_ontology()

    # --- context manager ---------------------------------------------------------------
    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def dataset(self) -> Dataset:
        """The whole store as an rdflib Dataset (same data, rdflib API)."""
        return self.store.dataset

    # --- ingest ------------------------------------------------------------------------
    def ingest(
        self,
        *paths: str | os.PathLike[str],
        fmt: str | None = None,
        progress: Callable[[Path], None] | None = None,
        **options: object,
    ) -> list[IngestReport]:
        """Ingest files and directories (recursively, by extension), all or nothing.

        Every file is read and validated first; only if all pass are they written, in one
        transaction. ``progress`` is called with each file as it is read.
        """
        files = self.expand(*paths, fmt=fmt)
        if not files:
            raise InputError(f"no files to ingest in {', '.join(map(str, paths))}")
        sources: list[SourceGraph] = []
        batch_labels: dict[str, URIRef] = {}
        for f in files:
            if progress is not None:
                progress(f)
            src = self.read(f, fmt=fmt, lookup=lambda n: batch_labels.get(n.lower()) or self.find_entity(n), **options)
            for s, o in src.graph.subject_objects(RDFS.label | SKOS.altLabel):
                batch_labels.setdefault(str(o).lower(), s)  # type: ignore[arg-type]
            sources.append(src)
        return self.write(sources)

    def expand(self, *paths: str | os.PathLike[str], fmt: str | None = None) -> list[Path]:
        """The files ``paths`` stand for: files as given, directories walked for known types
        (skipping hidden and ``_`` names, ``gazetteers/`` and ``*.mapping.yaml``)."""
        out: list[Path] = []
        for raw in paths:
            p = Path(raw)
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    rel = f.relative_to(p).parts
                    if any(part in _SKIP_DIRS or part.startswith((".", "_")) for part in rel):
                        continue
                    if f.name.endswith((".mapping.yaml", ".mapping.yml")):  # a table's mapping, read with it
                        continue
                    if f.is_file() and self._readable(f, fmt):
                        out.append(f)
            elif p.exists():
                out.append(p)
            else:
                raise InputError("no such file or directory", path=str(p))
        return out

    @staticmethod
    def _readable(f: Path, fmt: str | None) -> bool:
        try:
            kind, _ = reader_for(f, fmt)
        except InputError:
            return False
        return importlib.util.find_spec(f"kg.ingest.{kind}") is not None

    def read(self, path: str | os.PathLike[str], *, fmt: str | None = None, **options: object) -> SourceGraph:
        """Read one file into a :class:`SourceGraph` without writing anything."""
        p = Path(path)
        kind, name = reader_for(p, fmt)
        try:
            module = importlib.import_module(f"kg.ingest.{kind}")
        except ModuleNotFoundError as e:
            raise InputError(f"no reader for {kind} input in this installation ({e.name})", path=str(p)) from None
        reader = getattr(module, f"read_{kind}" if kind != "records" else "read_records")
        return reader(p, name, **options)

    def check(self, source: SourceGraph) -> list[Violation]:
        """SHACL violations of one source, read together with the store's types of what it refers to."""
        subjects = set(source.graph.subjects())
        refs = {o for o in source.graph.objects() if isinstance(o, URIRef) and o not in subjects}
        context = Graph()
        for t in self.store.types_of(sorted(refs)):
            context.add(t)
        return validate_graph(source.graph, context=context, focus=sorted(subjects, key=str))

    def write(self, sources: Iterable[SourceGraph]) -> list[IngestReport]:
        """Validate sources and write them, each into its own named graph, in one transaction.

        Sources too large for memory (``bulk_path``) are streamed into the store first, and
        sources above ``SHACL_MAX_TRIPLES`` written into it first; both are checked there
        (:mod:`kg.checks`). Nothing becomes visible unless every source passes."""
        sources = list(sources)
        seen: dict[str, SourceGraph] = {}
        for s in sources:
            if s.meta.slug in seen:
                raise InputError(
                    f"two inputs have the same source id {s.meta.slug!r}: {seen[s.meta.slug].meta.file} and {s.meta.file}"
                )
            seen[s.meta.slug] = s
            if s.bulk_path is None and len(s.graph) <= SHACL_MAX_TRIPLES:
                violations = self.check(s)
                if violations:
                    raise ValidationError(s.meta.file or s.meta.slug, [str(v) for v in violations])
        existing = set(self.store.graph_names())
        previous = {s.meta.slug: self.store.count(s.meta.graph) if s.meta.graph in existing else 0 for s in sources}
        staged = [s for s in sources if s.bulk_path is not None or len(s.graph) > SHACL_MAX_TRIPLES]
        sizes: dict[str, int] = {}
        try:
            for s in staged:
                sizes[s.meta.slug] = self._stage(s)
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            self.store.replace_graphs(
                ((s.meta.graph, iter(s.graph), s.meta.triples(generated=now)) for s in sources),
                staged=[s.meta.graph for s in staged],
            )
        except BaseException:
            for s in staged:
                self.store.discard(s.meta.graph)
            raise
        return [
            IngestReport(
                s.meta.file, s.meta.slug, s.meta.graph, sizes.get(s.meta.slug, len(s.graph)), s.meta.graph in existing,
                previous[s.meta.slug], s.warnings,
            )
            for s in sources
        ]

    def _stage(self, s: SourceGraph) -> int:
        """Write one source into its staging area and check it there; its number of triples."""
        from .checks import run_checks

        try:
            if s.bulk_path is None:
                self.store.stage_triples(s.meta.graph, iter(s.graph))
            else:
                assert s.bulk_format is not None
                self.store.stage_file(s.meta.graph, s.bulk_path, s.bulk_format)
        except SyntaxError as e:
            raise ParseError(f"{s.bulk_format} syntax error: {e}", path=str(s.bulk_path), line=getattr(e, "lineno", None)) from None
        stage = self.store.staging_graph(s.meta.graph)
        with ThreadPoolExecutor(max_workers=1) as pool:  # counted while the checks run
            size = pool.submit(self.store.count, stage)
            problems = run_checks(self.store, stage, target=s.meta.graph)
        if problems:
            raise ValidationError(s.meta.file or s.meta.slug, [str(p) for p in problems])
        return size.result()

    # --- names -------------------------------------------------------------------------
    def find_entity(self, name: str, *, cls: URIRef | None = None) -> URIRef | None:
        """The entity whose label or alternative label is ``name`` (case-insensitive), or None.

        Raises :class:`~kg.errors.InputError` when the name is ambiguous."""
        hits = self.find_entities(name, cls=cls)
        if len(hits) > 1:
            raise InputError(f"{name!r} is ambiguous: {', '.join(map(str, hits))}")
        return hits[0] if hits else None

    def find_entities(self, name: str, *, cls: URIRef | None = None) -> list[URIRef]:
        text = name.strip()
        if text.startswith(("http://", "https://")):
            return [URIRef(text)]
        if text.startswith("sdid:"):
            return [SDID[text[5:]]]
        cls_pattern = "?e a/rdfs:subClassOf* ?cls . " if cls is not None else ""
        extra: dict = {"cls": cls} if cls is not None else {}
        # an exact label first (an index lookup), then any case (a scan of every label)
        exact = self.store.query(
            "SELECT DISTINCT ?e WHERE { ?e rdfs:label|skos:altLabel|skos:prefLabel ?n . FILTER(isIRI(?e)) " + cls_pattern + "}",
            bindings={"n": Literal(text), **extra},
        )
        hits = sorted(URIRef(str(r[0])) for r in exact)
        if hits:
            return hits
        folded = self.store.query(
            "SELECT DISTINCT ?e WHERE { ?e rdfs:label|skos:altLabel|skos:prefLabel ?n . "
            "FILTER(isIRI(?e) && LCASE(STR(?n)) = ?key) " + cls_pattern + "}",
            bindings={"key": Literal(text.lower()), **extra},
        )
        return sorted(URIRef(str(r[0])) for r in folded)

    # --- queries -----------------------------------------------------------------------
    def query(self, sparql: str, *, bindings: dict | None = None, sources: Iterable[str] | None = None) -> Result:
        """Run any SPARQL query over all sources (or the named ``sources``), with bindings."""
        graphs = [graph_iri(s) for s in sources] if sources is not None else None
        return self.store.query(sparql, bindings=bindings, graphs=graphs)

    def run(self, name: str, **params: str) -> Result:
        """Run a named query of the package with its parameters (see ``kg queries``)."""
        from .query import run_named

        return run_named(self, name, params)

    # --- pictures ----------------------------------------------------------------------
    def to_html(self, **options: object) -> str:
        """The graph (or a view of it) as one self-contained interactive HTML page (``kg viz``)."""
        from .viz import to_html

        return to_html(self, **options)

    def show(self, **options: object) -> object:
        """The interactive graph inline in a notebook."""
        from .viz import show

        return show(self, **options)

    # --- sources -----------------------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        """The sources in the store with their provenance and size."""
        res = self.store.query(
            """SELECT ?g ?title ?published ?extractor ?generated ?url ?file WHERE {
                 GRAPH ?meta { ?g a sd:SourceGraph ; prov:wasDerivedFrom ?src .
                   ?src a sd:Source .
                   OPTIONAL { ?g dct:title ?title } OPTIONAL { ?g dct:issued ?published }
                   OPTIONAL { ?g sd:extractor ?extractor } OPTIONAL { ?g prov:generatedAtTime ?generated }
                   OPTIONAL { ?src schema:url ?url } OPTIONAL { ?src sd:sourceFile ?file } }
               } ORDER BY ?g""",
            bindings={"meta": META_GRAPH},
        )
        out = []
        for row in res:
            g = URIRef(str(row[0]))
            if g == ONTOLOGY_GRAPH:
                continue
            out.append(
                SourceInfo(
                    str(g)[len(str(SDG)):], g, *(str(v) if v is not None else None for v in row[1:]),
                    triples=self.store.count(g),
                )
            )
        return out

    def remove(self, source: str) -> bool:
        """Remove one source's graph and its description; False if there is no such source."""
        g = graph_iri(source)
        if g == ONTOLOGY_GRAPH:
            raise KGError("the ontology graph is part of every store and cannot be removed")
        return self.store.remove_graph(g)

    # --- export and stats ----------------------------------------------------------------
    def export(self, fmt: str = "trig", *, sources: Iterable[str] | None = None) -> bytes:
        """Serialise the store (or some sources) as RDF, or as a network (``graphml``, ``gexf``)."""
        if fmt in ("graphml", "gexf"):
            from .network import export_network

            return export_network(self, fmt, sources=list(sources) if sources is not None else None)
        if sources is None:
            return self.store.serialize(fmt)
        names = [graph_iri(s) for s in sources]
        known = set(self.store.graph_names())
        missing = [str(n)[len(str(SDG)):] for n in names if n not in known]
        if missing:
            raise InputError(f"no such source: {', '.join(missing)}")
        return self.store.serialize(fmt, graphs=names)

    def stats(self) -> dict[str, dict[str, int]]:
        """Counts of entities by class, and of triples by source."""
        by_class = {
            str(r[0]).rsplit("#", 1)[-1]: int(r[1])
            for r in self.store.query(
                "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?c } "
                "FILTER(?g NOT IN (sdg:meta, sdg:ontology) && STRSTARTS(STR(?c), STR(sd:))) } "
                "GROUP BY ?c ORDER BY DESC(?n) ?c"
            )
        }
        by_source = {s.slug: s.triples for s in self.sources()}
        return {"classes": by_class, "sources": by_source}

    def validate(self) -> dict[str, list[Violation]]:
        """SHACL violations of every source in the store (empty lists when all conform)."""
        out = {}
        for g in self.store.graph_names():
            if g == ONTOLOGY_GRAPH:
                continue
            graph = Graph()
            for t in self.store.triples(g):
                graph.add(t)
            slug = str(g)[len(str(SDG)):]
            out[slug] = self.check(SourceGraph(SourceMeta(slug=slug), graph))
        return out

    # --- the ontology inside the store ---------------------------------------------------
    def _ensure_ontology(self) -> None:
        version = Literal(f"scidip-kg {__version__} ontology")
        have = self.store.query(
            "ASK { GRAPH ?meta { ?g sd:extractor ?v } }", bindings={"meta": META_GRAPH, "g": ONTOLOGY_GRAPH, "v": version}
        )
        if have.askAnswer:
            return
        g = Graph()
        for name in ONTOLOGY_FILES:
            g.parse(ontology_path(name), format="turtle")
        meta = SourceMeta(slug="ontology", title="scidip-kg ontology and topic scheme", kind="ontology", extractor=str(version))
        try:
            self.store.replace_graph(ONTOLOGY_GRAPH, iter(g), meta=meta.triples())
        except StoreError:
            raise
        except OSError as e:  # pragma: no cover - read-only stores
            raise StoreError(f"cannot write the ontology into the store: {e}") from e

