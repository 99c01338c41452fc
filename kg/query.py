"""Named, parameterised SPARQL queries, and result formatting.

Each named query is one ``.rq`` file in ``kg/queries/`` whose header comments name it,
describe it and declare its parameters::

    # name: agreements-between
    # cq: 1
    # description: Agreements that involve both country A and country B ...
    # param: a country  the first country (any name or ISO code)

Parameters are resolved to RDF terms (a country name to its ISO IRI, a topic label to
its concept, an entity name to its IRI) and bound with ``VALUES``, never pasted into the
query text.

>>> [q.name for q in named_queries()][:3]
['agreements-between', 'signatories', 'topics']
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result

from .bundled import TopicIndex
from .errors import QueryError
from .resolve import CountryIndex
from .vocab import PREFIXES, SD

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = [
    "Param",
    "NamedQuery",
    "named_queries",
    "named_query",
    "run_named",
    "resolve_param",
    "format_result",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "nquads", "jsonld", "ntriples")
PARAM_KINDS = ("country", "topic", "agreement", "entity", "string", "iri")
_CLASS_OF = {"agreement": SD.Agreement}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    cq: int | None = None


def _parse(filename: str, text: str) -> NamedQuery:
    name, description, cq, params = filename.removesuffix(".rq"), "", None, []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        value = value.strip()
        if key == "name":
            name = value
        elif key == "description":
            description = value
        elif key == "cq":
            cq = int(value)
        elif key == "param":
            pname, kind, *rest = value.split(None, 2)
            if kind not in PARAM_KINDS:
                raise ValueError(f"{filename}: unknown parameter kind {kind!r}")
            params.append(Param(pname, kind, rest[0] if rest else ""))
    return NamedQuery(name, description, tuple(params), text, cq)


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, NamedQuery]:
    folder = resources.files("kg").joinpath("queries")
    queries = [_parse(f.name, f.read_text("utf-8")) for f in folder.iterdir() if f.name.endswith(".rq")]
    queries.sort(key=lambda q: (q.cq is None, q.cq or 0, q.name))
    return {q.name: q for q in queries}


def named_queries() -> list[NamedQuery]:
    """Every named query shipped with the package, competency questions first."""
    return list(_catalogue().values())


def named_query(name: str) -> NamedQuery:
    try:
        return _catalogue()[name]
    except KeyError:
        raise QueryError(f"no named query {name!r}; `kg queries` lists them") from None


def resolve_param(kg: KnowledgeGraph, param: Param, value: str) -> URIRef | Literal:
    """A parameter value as the RDF term it stands for."""
    if param.kind == "country":
        return CountryIndex.default().resolve(value, where=f"--param {param.name}").iri
    if param.kind == "topic":
        hit = TopicIndex.default().get(value) or kg.find_entity(value, cls=SD.Topic)
        if hit is None:
            TopicIndex.default().resolve(value, where=f"--param {param.name}")  # raises with suggestions
        return hit  # type: ignore[return-value]
    if param.kind in ("agreement", "entity"):
        hit = kg.find_entity(value, cls=_CLASS_OF.get(param.kind))
        if hit is None:
            raise QueryError(f"--param {param.name}: no {param.kind} called {value!r} in the store")
        return hit
    if param.kind == "iri":
        return URIRef(value)
    return Literal(value)


def run_named(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> Result:
    """Run a named query with ``params`` (names → text values)."""
    q = named_query(name)
    expected = {p.name for p in q.params}
    unknown = set(params) - expected
    if unknown:
        raise QueryError(f"{name}: unknown parameter(s) {', '.join(sorted(unknown))}; it takes {', '.join(sorted(expected)) or 'none'}")
    missing = [p.name for p in q.params if p.name not in params]
    if missing:
        raise QueryError(f"{name}: missing parameter(s) {', '.join(missing)} (--param {missing[0]}=...)")
    bindings = {p.name: resolve_param(kg, p, params[p.name]) for p in q.params}
    return kg.query(q.text, bindings=bindings)


# --- formatting -------------------------------------------------------------------------

_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def short(term: object) -> str:
    """A term as a person reads it in a table: prefixed IRIs, plain literal values.

    >>> short(URIRef("https://w3id.org/scidip/id/country/GBR"))
    'sdid:country/GBR'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for prefix, ns in _PREFIX_ORDER:
            if s.startswith(ns):
                return f"{prefix}:{s[len(ns):]}"
        return s
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _rows(result: Result) -> tuple[list[str], list[list[object]]]:
    names = [str(v) for v in (result.vars or [])]
    return names, [[row.get(v) for v in result.vars] for row in result.bindings]  # type: ignore[union-attr]


def format_result(result: Result, fmt: str = "table", *, columns: list[str] | None = None) -> str:
    """SELECT/ASK results as table, csv, tsv or json (W3C SPARQL 1.1 results JSON);
    CONSTRUCT/DESCRIBE results as turtle, nquads, ntriples or jsonld. ``columns`` picks
    the columns of a table."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        fmt = "turtle" if fmt == "table" else fmt
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a {result.type} result is a graph: use --format {'|'.join(GRAPH_FORMATS)}")
        g: Graph = result.graph  # type: ignore[assignment]
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        # a graph result has no graph names: its N-Triples are valid N-Quads
        rdf_fmt = {"jsonld": "json-ld", "ntriples": "nt", "nquads": "nt"}.get(fmt, fmt)
        return g.serialize(format=rdf_fmt)
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"a {result.type} result is a table: use --format {'|'.join(RESULT_FORMATS)}")
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)})
        return "true" if result.askAnswer else "false"
    names, rows = _rows(result)
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8")  # type: ignore[union-attr]
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(names)
        for r in rows:
            w.writerow(["" if v is None else str(v) for v in r])
        return out.getvalue()
    if fmt == "tsv":  # W3C SPARQL 1.1 TSV: terms in Turtle syntax
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if v is None else v.n3() for v in r) for r in rows]  # type: ignore[attr-defined]
        return "\n".join(lines) + "\n"
    keep = [i for i, n in enumerate(names) if columns is None or n in columns]
    return _table([names[i] for i in keep], [[short(r[i]) for i in keep] for r in rows])


def _table(names: list[str], rows: list[list[str]]) -> str:
    if not names:
        return "(no columns)"
    cells = [[c.replace("\n", " ") for c in r] for r in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    widths = [min(w, 60) for w in widths]

    def line(values: list[str]) -> str:
        return "  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
