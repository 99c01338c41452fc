"""RDF → networkx views of the knowledge graph, and the analyses run on them.

The projection turns every entity of the source graphs into a node and every relation
between two entities into a typed, directed edge of a :class:`networkx.MultiDiGraph`.
Literals (labels, dates, amounts, notes) become attributes, never nodes:

>>> from kg.graph import KnowledgeGraph, data_dir
>>> kg = KnowledgeGraph()
>>> _ = kg.ingest(data_dir() / "records")
>>> G = project(kg)
>>> gbr = "https://w3id.org/scidip/id/country/GBR"
>>> G.nodes[gbr]["label"], G.nodes[gbr]["group"], G.nodes[gbr]["sources"]
('United Kingdom', 'country', ['uk-korea-science-deal-2023'])
>>> print(connection(G, "GBR", "KOR").text)
United Kingdom –party of→ UK-Korea Science Deal ←party of– Republic of Korea
>>> [p["code"] for p in partners(G, "UK", topic="quantum")]
['KOR', 'AUS', 'CAN', 'NLD']

Views: :func:`project` (the whole entity graph), :func:`actor_network` (countries and
organisations linked through the agreements they share), :func:`ego_network` (the
neighbourhood of one entity) and :func:`apply_filters` (class, topic, status, dates,
country). Analyses: :func:`centrality`, :func:`connection`, :func:`communities`,
:func:`partners`, :func:`bilateral`. Export: :func:`export_network` (GraphML, GEXF).

Every function returns plain data (dicts, lists, dataclasses) and prints nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .bundled import TopicIndex, ontology_graph
from .errors import InputError
from .resolve import CountryIndex, normalise_name
from .vocab import SD, SDG, SDID, country_iri, graph_iri

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = [
    "Filters",
    "Fact",
    "Connection",
    "Bilateral",
    "GROUPS",
    "VIEWS",
    "MEASURES",
    "NETWORK_FORMATS",
    "project",
    "apply_filters",
    "actor_network",
    "ego_network",
    "build_view",
    "resolve_node",
    "resolve_entity",
    "centrality",
    "connection",
    "communities",
    "partners",
    "bilateral",
    "export_network",
    "to_simple",
]

GraphLike = Union["KnowledgeGraph", nx.MultiDiGraph, nx.Graph]

#: The views :func:`build_view` knows.
VIEWS = ("full", "actors", "ego")
#: The centrality measures :func:`centrality` computes.
MEASURES = ("degree", "betweenness", "eigenvector")
#: The network formats :func:`export_network` writes.
NETWORK_FORMATS = ("graphml", "gexf")

#: sd: classes from the most specific to the most general, and the group (colour,
#: shape, filter) each belongs to. A node's ``cls`` is the first of its classes here.
_CLASS_GROUPS: dict[str, str] = {
    "MemorandumOfUnderstanding": "agreement",
    "Treaty": "agreement",
    "Accord": "agreement",
    "Declaration": "agreement",
    "Partnership": "agreement",
    "Agreement": "agreement",
    "Country": "country",
    "Agency": "organisation",
    "InternationalOrganisation": "organisation",
    "Organisation": "organisation",
    "Official": "person",
    "Person": "person",
    "Post": "post",
    "Funding": "funding",
    "Topic": "topic",
    "Event": "event",
    "Place": "place",
    "Participation": "participation",
    "Source": "source",
    "Actor": "organisation",
}
#: The groups, in legend order.
GROUPS = ("country", "organisation", "person", "post", "agreement", "funding", "event", "topic", "place", "participation", "source", "other")
#: Groups of "items": the things that have topics, statuses and dates, and that actors take part in.
ITEM_GROUPS = frozenset({"agreement", "funding", "event"})
ACTOR_GROUPS = frozenset({"country", "organisation"})

#: Date attributes (local names of their properties), for date-range filters and tooltips.
DATE_PROPS = ("signedOn", "announcedOn", "startDate", "endDate", "ratifiedOn", "inForceFrom", "withdrewOn")
#: Predicates whose IRI objects become attributes rather than edges.
_ATTRIBUTE_IRIS = {str(SD.status): "status"}
#: Relations read more naturally from their object: "GBR –party of→ deal" rather than "deal –party→ GBR".
INVERSE_LABELS = {
    "party": "party of",
    "signatory": "signatory of",
    "participant": "took part in",
    "hostedBy": "host of",
    "recipient": "recipient of",
    "actor": "actor in",
}

_LITERAL_NAMES = {
    str(RDFS.label): "label",
    str(SKOS.prefLabel): "prefLabel",
    str(SKOS.altLabel): "aliases",
    str(RDFS.comment): "note",
    str(SD.evidence): "evidence",
}
_MULTI = {"aliases", "evidence", "note"}
_NUMERIC = {str(XSD.decimal), str(XSD.double), str(XSD.float)}
_INTEGER = {str(XSD.integer), str(XSD.int), str(XSD.long), str(XSD.nonNegativeInteger), str(XSD.positiveInteger)}
_SDID = str(SDID)
_SD = str(SD)


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


@lru_cache(maxsize=1)
def _ontology_info() -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """(labels of every IRI of the ontology and topic scheme, rdf:types of them, topic → broader topics)."""
    g = ontology_graph()
    labels: dict[str, str] = {}
    for s, o in g.subject_objects(SKOS.prefLabel):
        labels.setdefault(str(s), str(o))
    for s, o in g.subject_objects(RDFS.label):
        labels.setdefault(str(s), str(o))
    types: dict[str, set[str]] = defaultdict(set)
    for s, o in g.subject_objects(RDF.type):
        types[str(s)].add(str(o))
    broader: dict[str, set[str]] = defaultdict(set)
    for s, o in g.subject_objects(SKOS.broader):
        broader[str(s)].add(str(o))
    for s, o in g.subject_objects(SKOS.narrower):
        broader[str(o)].add(str(s))
    return labels, dict(types), dict(broader)


def _literal_value(lit: Literal) -> Any:
    dtype = str(lit.datatype) if lit.datatype is not None else ""
    if dtype in _NUMERIC:
        try:
            return float(str(lit))
        except ValueError:
            return str(lit)
    if dtype in _INTEGER:
        try:
            return int(str(lit))
        except ValueError:
            return str(lit)
    return str(lit)


# --- the projection -------------------------------------------------------------------


def _source_graphs(kg: KnowledgeGraph, sources: Iterable[str] | None) -> list[tuple[str, URIRef]]:
    from .graph import ONTOLOGY_GRAPH

    known = [g for g in kg.store.graph_names() if g != ONTOLOGY_GRAPH]
    if sources is None:
        return [(str(g)[len(str(SDG)):], g) for g in known]
    wanted = [graph_iri(s) for s in sources]
    missing = [str(w)[len(str(SDG)):] for w in wanted if w not in known]
    if missing:
        raise InputError(f"no such source: {', '.join(missing)}")
    return [(str(g)[len(str(SDG)):], g) for g in wanted]


def project(kg: KnowledgeGraph, *, sources: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The entity graph of the store (or of some sources) as a directed multigraph.

    Nodes are IRIs (strings) with attributes ``label``, ``cls`` (the most specific sd:
    class), ``classes``, ``group`` (country, organisation, person, post, agreement,
    funding, event, topic, place ...), ``country`` (ISO code), ``aliases``, ``sources``
    (slugs), ``n_sources``, ``status``, ``topics``, ``posts``, dates by property
    (``signedOn``, ``startDate`` ...), ``amount``, ``currency``, ``note``, ``evidence``.
    Edges are keyed by the relation's local name (``party``) with ``predicate`` (IRI),
    ``label`` ("party"), ``sources`` and ``evidence`` (the subject's evidence sentences
    in those sources). ``G.graph["sources"]`` describes each source (title, url, date).
    """
    onto_labels, onto_types, _ = _ontology_info()
    lits: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    node_sources: dict[str, set[str]] = defaultdict(set)
    evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    links: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    subjects: set[str] = set()

    graphs = _source_graphs(kg, sources)
    for slug, g in graphs:
        for s, p, o in kg.store.triples(g):
            if not isinstance(s, URIRef):
                continue
            s_, p_ = str(s), str(p)
            if s_.startswith(_SD):  # vocabulary terms a source may describe
                continue
            subjects.add(s_)
            node_sources[s_].add(slug)
            if isinstance(o, Literal):
                name = _LITERAL_NAMES.get(p_) or _local(p_)
                value = _literal_value(o)
                bucket = lits[s_][name]
                if value not in bucket:
                    bucket.append(value)
                if p_ == str(SD.evidence):
                    evidence[(s_, slug)].append(str(o))
            elif isinstance(o, URIRef):
                if p_ == str(RDF.type):
                    types[s_].add(str(o))
                else:
                    links[(s_, p_, str(o))].add(slug)

    G = nx.MultiDiGraph()
    infos = {s.slug: s for s in kg.sources()}
    G.graph["sources"] = {
        slug: {"title": infos[slug].title if slug in infos else None,
               "url": infos[slug].url if slug in infos else None,
               "published": infos[slug].published if slug in infos else None}
        for slug, _g in graphs
    }

    edges: list[tuple[str, str, str, set[str]]] = []
    for (s_, p_, o_), slugs in links.items():
        attr = _ATTRIBUTE_IRIS.get(p_)
        if attr is not None:
            lits[s_][attr].append(onto_labels.get(o_, _local(o_)))
        elif o_.startswith(_SDID) or o_ in subjects:
            edges.append((s_, p_, o_, slugs))
            node_sources[o_].update(slugs)
        else:  # an IRI outside the knowledge graph (Wikidata, a web page): an attribute
            bucket = lits[s_][_local(p_)]
            if o_ not in bucket:
                bucket.append(o_)

    nodes = set(subjects)
    nodes.update(o for _s, _p, o, _sl in edges)
    country_of: dict[str, str] = {}
    for n in sorted(nodes):
        attrs = _node_attrs(n, lits.get(n, {}), types.get(n) or onto_types.get(n, set()), onto_labels)
        attrs["sources"] = sorted(node_sources.get(n, ()))
        attrs["n_sources"] = len(attrs["sources"])
        G.add_node(n, **attrs)
        if attrs.get("country"):
            country_of[n] = attrs["country"]

    for s_, p_, o_, slugs in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        key = _local(p_)
        ev = [e for slug in sorted(slugs) for e in evidence.get((s_, slug), [])]
        G.add_edge(s_, o_, key=key, predicate=p_, label=onto_labels.get(p_, key), sources=sorted(slugs), evidence=ev)

    # derived attributes: countries, topics, posts
    for s_, o_, key in G.edges(keys=True):
        a = G.nodes[s_]
        if key in ("country", "locatedIn") and G.nodes[o_].get("group") == "country" and not a.get("country"):
            a["country"] = _local(o_)
        elif key == "topic":
            a.setdefault("topics", []).append(G.nodes[o_]["label"])
        elif key == "holdsPost":
            a.setdefault("posts", []).append(G.nodes[o_]["label"])
    return G


def _node_attrs(n: str, lit: dict[str, list[Any]], classes: set[str], onto_labels: dict[str, str]) -> dict[str, Any]:
    sd_classes = [_local(c) for c in classes if c.startswith(_SD)]
    ranked = [c for c in _CLASS_GROUPS if c in sd_classes]
    cls = ranked[0] if ranked else (sd_classes[0] if sd_classes else (_local(sorted(classes)[0]) if classes else "Thing"))
    group = _CLASS_GROUPS.get(cls, "other")
    labels = lit.get("label") or lit.get("prefLabel") or []
    label = str(labels[0]) if labels else onto_labels.get(n) or _local(n)
    aliases = [str(a) for a in [*labels[1:], *lit.get("aliases", [])] if str(a) != label]
    out: dict[str, Any] = {
        "iri": n,
        "label": label,
        "cls": cls,
        "classes": ranked or sd_classes,
        "group": group,
        "aliases": list(dict.fromkeys(aliases)),
    }
    if group == "country" and n.startswith(_SDID + "country/"):
        out["country"] = _local(n)
    for name, values in lit.items():
        if name in ("label", "prefLabel", "aliases"):
            continue
        out[name] = list(values) if name in _MULTI or len(values) > 1 else values[0]
    return out


# --- resolution -----------------------------------------------------------------------


def _as_graph(source: GraphLike) -> nx.Graph:
    if isinstance(source, nx.Graph):
        return source
    return project(source)


def resolve_node(G: nx.Graph, name: str, *, groups: Collection[str] | None = None) -> str:
    """The node of ``G`` that ``name`` stands for: an IRI, ``sdid:...``, a country's name
    or code, or a label or alias of a node (case and punctuation folded).

    Raises :class:`~kg.errors.InputError` when no node, or more than one, matches."""
    text = str(name).strip()
    if text in G:
        return text
    if text.startswith("sdid:") and _SDID + text[5:] in G:
        return _SDID + text[5:]
    if groups is None or "country" in groups:
        c = CountryIndex.default().get(text)
        if c is not None and str(c.iri) in G:
            return str(c.iri)
    key = normalise_name(text)
    hits = sorted(
        n for n, d in G.nodes(data=True)
        if (groups is None or d.get("group") in groups)
        and (normalise_name(str(d.get("label", ""))) == key or any(normalise_name(str(a)) == key for a in d.get("aliases") or ()))
    )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise InputError(f"{name!r} is ambiguous: {', '.join(hits)}")
    if groups is None or "topic" in groups:
        t = TopicIndex.default().get(text)
        if t is not None and str(t) in G:
            return str(t)
    c = CountryIndex.default().get(text)
    if c is not None:
        raise InputError(f"{c.label} ({c.alpha3}) is not in this network")
    raise InputError(f"no entity called {name!r} in this network")


def _resolve_topic(G: nx.Graph, topic: str) -> set[str]:
    """The topic ``topic`` names and every narrower topic, as IRIs."""
    t = TopicIndex.default().get(topic)
    if t is not None:
        root = str(t)
    else:
        try:
            root = resolve_node(G, topic, groups={"topic"})
        except InputError:
            TopicIndex.default().resolve(topic)  # raises, with suggestions
            raise
    _, _, broader = _ontology_info()
    narrower: dict[str, set[str]] = defaultdict(set)
    for child, parents in broader.items():
        for p in parents:
            narrower[p].add(child)
    if isinstance(G, nx.MultiDiGraph):
        for s, o, k in G.edges(keys=True):
            if k == "broader":
                narrower[o].add(s)
            elif k == "narrower":
                narrower[s].add(o)
    out, todo = {root}, [root]
    while todo:
        for c in narrower.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


# --- filters and views ----------------------------------------------------------------


@dataclass
class Filters:
    """What to keep of a view. Empty fields keep everything.

    ``classes``: class or group names (``Country``, ``agency``, ``agreement`` ...), case-insensitive.
    ``topic``, ``status``, ``date_from``/``date_to`` (``2023``, ``2023-11``, ``2023-11-22``)
    and ``country`` select items (agreements, funding, events): the matching ones are kept
    with their direct neighbours, other items and unconnected entities are dropped. With
    ``country``, the country's own organisations and people stay too. ``sources`` limits
    the projection to those sources.
    """

    classes: Collection[str] | None = None
    topic: str | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    country: str | None = None
    sources: Collection[str] | None = None

    def item_filters(self) -> bool:
        return any(x for x in (self.topic, self.status, self.date_from, self.date_to, self.country))

    def describe(self) -> str:
        parts = []
        for name in ("classes", "topic", "status", "date_from", "date_to", "country", "sources"):
            v = getattr(self, name)
            if v:
                parts.append(f"{name.replace('_', ' ')}={','.join(v) if isinstance(v, (list, tuple, set, frozenset)) else v}")
        return "; ".join(parts)


def _date_bounds(value: Any, *, end: bool = False) -> dt.date | None:
    """The first (or last) day an xsd:date, gYearMonth or gYear stands for."""
    text = str(value).strip()[:10]
    try:
        if len(text) == 4:
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            if end:
                nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(y, m, 1)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_bound(value: str | None, *, end: bool) -> dt.date | None:
    if not value:
        return None
    d = _date_bounds(value, end=end)
    if d is None:
        raise InputError(f"not a date: {value!r} (use 2023, 2023-11 or 2023-11-22)")
    return d


def _dates(d: dict[str, Any]) -> list[str]:
    out = []
    for p in DATE_PROPS:
        v = d.get(p)
        if v is None:
            continue
        out.extend(str(x) for x in (v if isinstance(v, list) else [v]))
    return out


def apply_filters(G: nx.MultiDiGraph, filters: Filters | None) -> nx.MultiDiGraph:
    """The part of ``G`` that ``filters`` keeps (a new graph; ``G`` is not changed)."""
    if filters is None or not (filters.item_filters() or filters.classes):
        return G
    keep: set[str] = set(G)
    if filters.item_filters():
        topics = _resolve_topic(G, filters.topic) if filters.topic else None
        status = normalise_name(filters.status) if filters.status else None
        lo = _parse_bound(filters.date_from, end=False)
        hi = _parse_bound(filters.date_to, end=True)
        country = _country_node(G, filters.country) if filters.country else None
        code = _local(country) if country else None
        def passes(n: str, d: dict[str, Any], *, by_country: bool) -> bool:
            if topics is not None and not any(k == "topic" and o in topics for _s, o, k in G.out_edges(n, keys=True)):
                return False
            if status is not None and normalise_name(str(d.get("status", ""))) != status:
                return False
            if lo is not None or hi is not None:
                spans = [(_date_bounds(x), _date_bounds(x, end=True)) for x in _dates(d)]
                spans = [(a, b) for a, b in spans if a is not None and b is not None]
                if not any((lo is None or b >= lo) and (hi is None or a <= hi) for a, b in spans):
                    return False
            if by_country and country is not None and not any(
                m == country or G.nodes[m].get("country") == code for m in nx.all_neighbors(G, n)
            ):
                return False
            return True

        items = [(n, d) for n, d in G.nodes(data=True) if d.get("group") in ITEM_GROUPS]
        matched = {n for n, d in items if passes(n, d, by_country=True)}
        if country is not None:  # funding of the country's agreements, whoever pays it
            matched |= {
                n for n, d in items
                if d.get("group") == "funding" and n not in matched
                and any(m in matched for m in nx.all_neighbors(G, n)) and passes(n, d, by_country=False)
            }
        keep = set(matched)
        for n in matched:
            keep.update(m for m in nx.all_neighbors(G, n) if G.nodes[m].get("group") not in ITEM_GROUPS)
        if country is not None:
            keep.add(country)
            keep.update(n for n, d in G.nodes(data=True) if d.get("country") == code and d.get("group") not in ITEM_GROUPS)
    if filters.classes:
        wanted = {normalise_name(c).replace(" ", "") for c in filters.classes}
        keep = {
            n for n in keep
            if G.nodes[n].get("group") in wanted
            or any(normalise_name(c).replace(" ", "") in wanted for c in G.nodes[n].get("classes") or ())
        }
    return G.subgraph(keep).copy()


def _country_node(G: nx.Graph, name: str) -> str:
    c = CountryIndex.default().get(name)
    if c is not None:
        return str(c.iri)
    n = resolve_node(G, name, groups={"country"})
    return n


def _country_code(G: nx.Graph, n: str) -> str | None:
    d = G.nodes[n]
    if d.get("group") == "country":
        return _local(n)
    return d.get("country")


def actor_network(source: GraphLike, *, fold_agencies: bool = False) -> nx.Graph:
    """Countries and organisations linked through the agreements they are parties to.

    An undirected graph: an edge's ``weight`` is the number of agreements the two share,
    ``agreements`` their IRIs and ``agreement_labels`` their labels. With
    ``fold_agencies``, an organisation of one country counts as that country."""
    G = _as_graph(source)
    A = nx.Graph()
    A.graph.update({k: v for k, v in G.graph.items() if k == "sources"})
    for a, d in sorted(G.nodes(data=True)):
        if d.get("group") != "agreement":
            continue
        parties = []
        for _s, o, k in G.out_edges(a, keys=True):
            if k != "party":
                continue
            if fold_agencies and G.nodes[o].get("group") != "country" and G.nodes[o].get("country"):
                c = str(country_iri(G.nodes[o]["country"]))
                if c in G:
                    o = c
            parties.append(o)
        parties = sorted(set(parties))
        for p in parties:
            if p not in A:
                A.add_node(p, **G.nodes[p])
        for u, v in itertools.combinations(parties, 2):
            if A.has_edge(u, v):
                e = A.edges[u, v]
                e["weight"] += 1
                e["agreements"].append(a)
                e["agreement_labels"].append(d["label"])
            else:
                A.add_edge(u, v, weight=1, agreements=[a], agreement_labels=[d["label"]], label="shares agreements")
    for u, v, e in A.edges(data=True):
        e["label"] = f"{e['weight']} agreement{'s' if e['weight'] != 1 else ''}"
    return A


def ego_network(source: GraphLike, center: str, depth: int = 1) -> nx.Graph:
    """``center`` (a node or a name) and everything within ``depth`` relations of it, either direction."""
    G = _as_graph(source)
    if depth < 0:
        raise InputError("the depth must be 0 or more")
    node = resolve_node(G, center)
    return nx.ego_graph(G, node, radius=depth, undirected=True).copy()


def build_view(
    kg: KnowledgeGraph,
    view: str = "full",
    *,
    entity: str | None = None,
    depth: int = 1,
    filters: Filters | None = None,
    fold_agencies: bool = False,
) -> nx.Graph:
    """One view of the store: ``full`` (the entity graph), ``actors`` or ``ego`` (around ``entity``), filtered."""
    if view not in VIEWS:
        raise InputError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    G = project(kg, sources=filters.sources if filters and filters.sources else None)
    if view == "ego":
        if not entity:
            raise InputError("the ego view needs an entity (--entity NAME)")
        G = ego_network(G, resolve_entity(kg, G, entity), depth)
    G = apply_filters(G, filters)
    if view == "actors":
        return actor_network(G, fold_agencies=fold_agencies)
    return G


def resolve_entity(kg: KnowledgeGraph, G: nx.Graph, name: str) -> str:
    """The node of ``G`` that ``name`` stands for, resolved through the store first
    (:class:`~kg.resolve.CountryIndex`, then ``kg.find_entity``), then through ``G``'s labels."""
    c = CountryIndex.default().get(name)
    if c is not None and str(c.iri) in G:
        return str(c.iri)
    hit = kg.find_entity(name)
    if hit is not None and str(hit) in G:
        return str(hit)
    return resolve_node(G, name)


# --- analyses ----------------------------------------------------------------------------


def to_simple(G: nx.Graph) -> nx.Graph:
    """``G`` as a simple undirected graph (parallel and opposite edges merged), nodes with their attributes."""
    S = nx.Graph()
    S.add_nodes_from(G.nodes(data=True))
    S.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return S


def centrality(
    source: GraphLike,
    *,
    by: str = "degree",
    top: int | None = 10,
    groups: Collection[str] | None = None,
    measures: Collection[str] = MEASURES,
    betweenness_sample: int = 500,
) -> list[dict[str, Any]]:
    """The nodes ranked by a centrality measure, computed on the undirected simple graph.

    Each row: ``rank``, ``iri``, ``label``, ``cls``, ``neighbours`` and the ``measures``
    (normalised degree centrality, betweenness, eigenvector). ``groups`` limits the
    ranking (not the computation) to some groups. Above ``betweenness_sample`` nodes,
    betweenness is estimated from that many sampled sources (seeded, reproducible)."""
    if by not in MEASURES:
        raise InputError(f"unknown centrality measure {by!r}; use one of {', '.join(MEASURES)}")
    S = to_simple(_as_graph(source))
    wanted = list(dict.fromkeys([by, *measures]))
    values = {m: _measure(S, m, betweenness_sample) for m in wanted}
    nodes = [n for n in S if groups is None or S.nodes[n].get("group") in groups]
    nodes.sort(key=lambda n: (-values[by].get(n, 0.0), str(S.nodes[n].get("label", n)), n))
    rows = []
    for i, n in enumerate(nodes[: top if top else None], 1):
        d = S.nodes[n]
        row: dict[str, Any] = {"rank": i, "label": d.get("label", n), "cls": d.get("cls"), "neighbours": S.degree(n)}
        for m in wanted:
            row[m] = round(values[m].get(n, 0.0), 6)
        row["iri"] = n
        rows.append(row)
    return rows


def _measure(S: nx.Graph, measure: str, sample: int = 500) -> dict[str, float]:
    if len(S) == 0:
        return {}
    if measure == "degree":
        return nx.degree_centrality(S) if len(S) > 1 else {n: 0.0 for n in S}
    if measure == "betweenness":
        k = sample if len(S) > sample else None
        return nx.betweenness_centrality(S, k=k, seed=0 if k else None)
    if measure == "eigenvector":
        try:
            return nx.eigenvector_centrality(S, max_iter=2000, tol=1e-8)
        except nx.PowerIterationFailedConvergence:  # pragma: no cover - unusual graphs
            return nx.eigenvector_centrality(S, max_iter=10000, tol=1e-5)
    if measure == "pagerank":
        try:
            return nx.pagerank(S)
        except ImportError:  # networkx's pagerank needs scipy
            return _pagerank(S)
    raise InputError(f"unknown centrality measure {measure!r}")


def _pagerank(S: nx.Graph, alpha: float = 0.85, max_iter: int = 200, tol: float = 1e-10) -> dict[str, float]:
    """PageRank of an undirected graph by power iteration, in plain Python."""
    n = len(S)
    x = dict.fromkeys(S, 1.0 / n)
    deg = dict(S.degree())
    for _ in range(max_iter):
        dangling = alpha * sum(x[v] for v in S if deg[v] == 0) / n
        nxt = dict.fromkeys(S, (1.0 - alpha) / n + dangling)
        for u in S:
            if deg[u]:
                share = alpha * x[u] / deg[u]
                for v in S[u]:
                    nxt[v] += share
        err = sum(abs(nxt[v] - x[v]) for v in S)
        x = nxt
        if err < n * tol:
            break
    return x


@dataclass
class Fact:
    """One relation of the graph: ``subject –predicate→ object``, with where it comes from."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    label: str
    object_label: str
    sources: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class Connection:
    """The shortest connection between two entities, explained as a chain of facts."""

    source: str
    target: str
    nodes: list[str]
    labels: list[str]
    facts: list[Fact]
    text: str
    alternatives: int

    @property
    def length(self) -> int:
        return len(self.facts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"length": self.length}


def _hop(G: nx.Graph, x: str, y: str) -> tuple[str, bool, Fact]:
    """How to read the step x → y: the relation's label, whether the arrow points x → y, and the fact."""
    options = []
    if isinstance(G, nx.MultiDiGraph):
        for src, dst in ((x, y), (y, x)):
            for k, e in (G.get_edge_data(src, dst) or {}).items():
                fact = Fact(src, e.get("predicate", k), dst, G.nodes[src]["label"], e.get("label", k), G.nodes[dst]["label"],
                            list(e.get("sources", [])), list(e.get("evidence", [])))
                inverse = INVERSE_LABELS.get(k)
                # a relation with an inverse reading points from its object to its subject
                arrow_from = dst if inverse else src
                shown = inverse or e.get("label", k)
                options.append((arrow_from != x, k, shown, arrow_from == x, fact))
    else:  # actor network: undirected "shares agreements" edges
        e = G.edges[x, y]
        shown = e.get("label", "linked to")
        fact = Fact(x, "shares", y, G.nodes[x].get("label", x), shown, G.nodes[y].get("label", y), [], [])
        options.append((False, "shares", shown, True, fact))
    options.sort(key=lambda o: (o[0], o[1]))
    _, _k, shown, forward, fact = options[0]
    return shown, forward, fact


def connection(
    source: GraphLike, a: str, b: str, *, through: Collection[str] | None = None, max_paths: int = 1000
) -> Connection | None:
    """The shortest connection from ``a`` to ``b`` (nodes or names), or None if there is none.

    Relations are followed either way. Among equally short paths the one through the
    best-connected entities is chosen (then by labels), so that the answer is stable;
    ``alternatives`` says how many equally short paths there were (counted up to
    ``max_paths``). ``through`` limits the groups the intermediate entities may belong to.
    """
    G = _as_graph(source)
    u, v = resolve_node(G, a), resolve_node(G, b)
    S = to_simple(G)
    if through is not None:
        allowed = {n for n in S if S.nodes[n].get("group") in through} | {u, v}
        S = S.subgraph(allowed)
    if u == v:
        return Connection(u, v, [u], [G.nodes[u]["label"]], [], G.nodes[u]["label"], 1)
    try:
        paths = list(itertools.islice(nx.all_shortest_paths(S, u, v), max_paths))
    except nx.NetworkXNoPath:
        return None
    deg = dict(S.degree())
    paths.sort(key=lambda p: (-sum(deg[n] for n in p[1:-1]), [str(S.nodes[n].get("label", n)) for n in p], p))
    path = paths[0]
    labels = [str(G.nodes[n].get("label", n)) for n in path]
    facts, text = [], labels[0]
    for x, y, ly in zip(path, path[1:], labels[1:]):
        shown, forward, fact = _hop(G, x, y)
        facts.append(fact)
        text += f" –{shown}→ {ly}" if forward else f" ←{shown}– {ly}"
    return Connection(u, v, path, labels, facts, text, len(paths))


def communities(
    source: GraphLike, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0
) -> list[dict[str, Any]]:
    """Communities of the undirected simple graph, largest first.

    Each row: ``community`` (1, 2, ...), ``size``, ``top`` (the best-connected member),
    ``members`` (labels, best-connected first) and ``iris``. ``method``: ``louvain``
    (seeded: the same answer each run), ``greedy`` (greedy modularity) or ``components``."""
    S = to_simple(_as_graph(source))
    parts = _partition(S, method=method, seed=seed, resolution=resolution)
    deg = dict(S.degree())
    rows = []
    ordered = sorted(
        (sorted(p, key=lambda n: (-deg[n], str(S.nodes[n].get("label", n)), n)) for p in parts),
        key=lambda m: (-len(m), str(S.nodes[m[0]].get("label", m[0]))),
    )
    for i, members in enumerate(ordered, 1):
        rows.append({
            "community": i,
            "size": len(members),
            "top": S.nodes[members[0]].get("label", members[0]),
            "members": [S.nodes[n].get("label", n) for n in members],
            "iris": members,
        })
    return rows


def _partition(S: nx.Graph, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0) -> list[set[str]]:
    if len(S) == 0:
        return []
    if method == "louvain":
        return [set(c) for c in nx.community.louvain_communities(S, seed=seed, resolution=resolution)]
    if method == "greedy":
        return [set(c) for c in nx.community.greedy_modularity_communities(S, resolution=resolution)]
    if method == "components":
        return [set(c) for c in nx.connected_components(S)]
    if method == "label_propagation":
        return [set(c) for c in nx.community.label_propagation_communities(S)]
    raise InputError(f"unknown community method {method!r}; use louvain, greedy or components")


def _involved(G: nx.Graph, item: str) -> set[str]:
    """The country codes taking part in an item: its actors' countries (directly or through their organisations and people)."""
    out = set()
    for m in nx.all_neighbors(G, item):
        code = _country_code(G, m)
        if code:
            out.add(code)
    return out


def _parties(G: nx.MultiDiGraph, agreement: str) -> set[str]:
    """The country codes of an agreement's parties (countries, or the country of an organisation)."""
    out = set()
    for _s, o, k in G.out_edges(agreement, keys=True):
        if k == "party":
            code = _country_code(G, o)
            if code:
                out.add(code)
    return out


def partners(source: GraphLike, country: str, *, topic: str | None = None) -> list[dict[str, Any]]:
    """The countries ``country`` shares agreements with (on ``topic`` or a narrower one).

    A country takes part in an agreement as a party, or through a party that is one of
    its organisations. Rows: ``code``, ``label``, ``iri``, ``agreements`` (how many),
    ``agreement_labels``; most agreements first."""
    G = _as_graph(source)
    me = _local(_country_node(G, country))
    topics = _resolve_topic(G, topic) if topic else None
    shared: dict[str, list[str]] = defaultdict(list)
    for a, d in G.nodes(data=True):
        if d.get("group") != "agreement":
            continue
        if topics is not None and not any(k == "topic" and o in topics for _s, o, k in G.out_edges(a, keys=True)):
            continue
        codes = _parties(G, a)
        if me in codes:
            for c in codes - {me}:
                shared[c].append(a)
    rows = []
    for code, items in shared.items():
        iri = str(country_iri(code))
        label = G.nodes[iri]["label"] if iri in G else CountryIndex.default().by_code[code].label
        rows.append({
            "code": code,
            "label": label,
            "agreements": len(items),
            "agreement_labels": sorted(G.nodes[i]["label"] for i in items),
            "iri": iri,
        })
    rows.sort(key=lambda r: (-r["agreements"], r["label"]))
    return rows


@dataclass
class Bilateral:
    """How intensely two countries cooperate: the agreements, events and funding they share."""

    a: str
    b: str
    a_label: str
    b_label: str
    agreements: list[dict[str, Any]]
    events: list[dict[str, Any]]
    funding: list[dict[str, Any]]
    totals: dict[str, float]

    @property
    def n_agreements(self) -> int:
        return len(self.agreements)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"n_agreements": self.n_agreements, "n_events": len(self.events), "n_funding": len(self.funding)}

    def summary(self) -> list[dict[str, Any]]:
        """One row per measure, for a table."""
        rows: list[dict[str, Any]] = [
            {"measure": "agreements", "value": len(self.agreements), "detail": "; ".join(x["label"] for x in self.agreements)},
            {"measure": "direct agreements", "value": sum(1 for x in self.agreements if x["direct"]), "detail": ""},
            {"measure": "events", "value": len(self.events), "detail": "; ".join(x["label"] for x in self.events)},
            {"measure": "funding items", "value": len(self.funding), "detail": "; ".join(x["label"] for x in self.funding)},
        ]
        for cur, amount in sorted(self.totals.items()):
            rows.append({"measure": f"funding ({cur})", "value": amount, "detail": ""})
        return rows


def bilateral(source: GraphLike, a: str, b: str) -> Bilateral:
    """The agreements (direct, or through the two countries' organisations), events and
    funding that two countries share, with funding totals by currency.

    Funding counts when it is attached to a shared agreement or event, or when one
    country (or its organisation) funds the other (or its organisation)."""
    G = _as_graph(source)
    ua, ub = _country_node(G, a), _country_node(G, b)
    ca, cb = _local(ua), _local(ub)
    if ca == cb:
        raise InputError("bilateral intensity needs two different countries")
    agreements, events, shared_items = [], [], set()
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[1].get("label"))):
        group = d.get("group")
        if group == "agreement":
            codes = _parties(G, n)
            if {ca, cb} <= codes:
                direct = {ua, ub} <= {o for _s, o, k in G.out_edges(n, keys=True) if k == "party"}
                agreements.append({"iri": n, "label": d["label"], "cls": d.get("cls"), "status": d.get("status"),
                                   "signed": d.get("signedOn"), "direct": direct})
                shared_items.add(n)
        elif group == "event":
            if {ca, cb} <= _involved(G, n):
                events.append({"iri": n, "label": d["label"], "start": d.get("startDate")})
                shared_items.add(n)
    funding, totals = [], Counter()
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[1].get("label"))):
        if d.get("group") != "funding":
            continue
        attached = {m for m in nx.all_neighbors(G, n) if m in shared_items}
        funders = {o for _s, o, k in G.out_edges(n, keys=True) if k == "funder"}
        recipients = {o for _s, o, k in G.out_edges(n, keys=True) if k == "recipient"} | {
            s for s, _o, k in G.in_edges(n, keys=True) if k == "funding"}
        fc = {_country_code(G, f) for f in funders}
        rc = {_country_code(G, r) for r in recipients}
        across = (ca in fc and cb in rc) or (cb in fc and ca in rc)
        if not (attached or across):
            continue
        amount = d.get("amount")
        funding.append({"iri": n, "label": d["label"], "amount": amount, "currency": d.get("currency"),
                        "funder": sorted(G.nodes[f]["label"] for f in funders),
                        "for": sorted(G.nodes[m]["label"] for m in attached | (recipients & set(G)))})
        if isinstance(amount, (int, float)) and d.get("currency") and not _is_share(G, n, funding_nodes={f["iri"] for f in funding}):
            totals[str(d["currency"])] += float(amount)
    return Bilateral(ua, ub, G.nodes[ua]["label"] if ua in G else ca, G.nodes[ub]["label"] if ub in G else cb,
                     agreements, events, funding, dict(totals))


def _is_share(G: nx.MultiDiGraph, n: str, funding_nodes: set[str]) -> bool:
    """Whether funding ``n`` is a share of other funding already counted (so not counted twice)."""
    return any(k == "shareOf" and o in funding_nodes and o != n for _s, o, k in G.out_edges(n, keys=True))


# --- export ----------------------------------------------------------------------------


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        if isinstance(value, float) and math.isnan(value):
            return None
        return value
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value) if value else None
    return None  # dicts and other structures stay out


def flat_copy(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose attributes are all strings or numbers (lists joined with '; '), for GraphML and GEXF."""
    H = G.__class__()
    H.graph["name"] = str(G.graph.get("name", "scidip-kg network"))
    for n, d in G.nodes(data=True):
        attrs = {k: v for k, v in ((k, _scalar(v)) for k, v in d.items()) if v is not None}
        H.add_node(n, **attrs)
    if G.is_multigraph():
        for u, v, k, d in G.edges(keys=True, data=True):
            attrs = {a: x for a, x in ((a, _scalar(x)) for a, x in d.items()) if x is not None}
            H.add_edge(u, v, key=k, relation=k, **attrs)
    else:
        for u, v, d in G.edges(data=True):
            attrs = {a: x for a, x in ((a, _scalar(x)) for a, x in d.items()) if x is not None}
            H.add_edge(u, v, **attrs)
    # GraphML wants one type per attribute name: make mixed ones strings
    for items in (list(H.nodes(data=True)), [(None, d) for *_e, d in H.edges(data=True)]):
        kinds: dict[str, set[type]] = defaultdict(set)
        for _n, d in items:
            for k, v in d.items():
                kinds[k].add(type(v))
        mixed = {k for k, t in kinds.items() if len(t) > 1}
        for _n, d in items:
            for k in mixed & d.keys():
                d[k] = str(d[k])
    return H


def export_network(kg: KnowledgeGraph, fmt: str, *, sources: Iterable[str] | None = None) -> bytes:
    """The entity network of the store (or of some sources) as GraphML or GEXF, for Gephi and Cytoscape."""
    if fmt not in NETWORK_FORMATS:
        raise InputError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    G = project(kg, sources=list(sources) if sources is not None else None)
    return network_bytes(G, fmt)


def network_bytes(G: nx.Graph, fmt: str) -> bytes:
    """A network (any view) as GraphML or GEXF bytes."""
    H = flat_copy(G)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(H, buf, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        nx.write_gexf(H, buf, encoding="utf-8", prettyprint=True)
    else:
        raise InputError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    return buf.getvalue()
