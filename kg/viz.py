"""A view of the knowledge graph as one self-contained, interactive HTML page.

The page embeds vis-network (read at run time from the installed ``pyvis`` package: the
``viz`` extra), its data and its own script, and loads nothing from anywhere: it works
offline and from a ``file://`` URL. A Content-Security-Policy forbids every request and
every script but the page's own. Text from sources (labels, aliases, notes) is only ever
set as text (``textContent``), never parsed as HTML, and the embedded JSON escapes
``<``, ``>``, ``&`` and U+2028/2029.

Small views (up to :data:`PHYSICS_LIMIT` nodes) start from a networkx spring layout and
let vis-network's physics settle, then switch physics off. Larger views are laid out in
Python by :func:`layout` (linear time) and drawn with physics off. Views above
``max_nodes`` are trimmed to the best-connected nodes, and the page says so.

>>> from kg.graph import KnowledgeGraph, data_dir
>>> kg = KnowledgeGraph()
>>> _ = kg.ingest(data_dir() / "records")
>>> page = to_html(kg, view="ego", entity="KIAT", depth=1)
>>> page.startswith("<!DOCTYPE html>") and "https://cdn" not in page
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import InputError, KGError
from .network import DATE_PROPS, GROUPS, Filters, build_view, to_simple

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = [
    "to_html",
    "write_html",
    "show",
    "network_html",
    "layout",
    "GROUP_STYLES",
    "PHYSICS_LIMIT",
    "DEFAULT_MAX_NODES",
    "SIZE_MEASURES",
]

#: Up to this many nodes the browser's physics lays the graph out (then stops).
PHYSICS_LIMIT = 300
#: Views larger than this are trimmed to the best-connected nodes unless told otherwise.
DEFAULT_MAX_NODES = 10_000
#: Node size by: degree (cheap), betweenness (sampled above 500 nodes), eigenvector, pagerank, or none.
SIZE_MEASURES = ("degree", "betweenness", "eigenvector", "pagerank", "none")

#: Colour, border and vis-network shape of each group (shapes without text inside, cheap to draw).
GROUP_STYLES: dict[str, dict[str, str]] = {
    "country": {"label": "Country", "color": "#3b82f6", "border": "#1d4ed8", "shape": "dot"},
    "organisation": {"label": "Organisation", "color": "#22c55e", "border": "#15803d", "shape": "square"},
    "person": {"label": "Person", "color": "#f59e0b", "border": "#b45309", "shape": "triangle"},
    "post": {"label": "Post", "color": "#d6b88a", "border": "#8a6d3b", "shape": "triangleDown"},
    "agreement": {"label": "Agreement", "color": "#ef4444", "border": "#b91c1c", "shape": "diamond"},
    "funding": {"label": "Funding", "color": "#a855f7", "border": "#7e22ce", "shape": "star"},
    "event": {"label": "Event", "color": "#ec4899", "border": "#be185d", "shape": "hexagon"},
    "topic": {"label": "Topic", "color": "#06b6d4", "border": "#0e7490", "shape": "dot"},
    "place": {"label": "Place", "color": "#94a3b8", "border": "#475569", "shape": "square"},
    "participation": {"label": "Participation", "color": "#cbd5e1", "border": "#64748b", "shape": "diamond"},
    "source": {"label": "Source", "color": "#e2e8f0", "border": "#64748b", "shape": "dot"},
    "other": {"label": "Other", "color": "#e5e7eb", "border": "#6b7280", "shape": "dot"},
}
_DATE_LABELS = {
    "signedOn": "signed", "announcedOn": "announced", "startDate": "start", "endDate": "end",
    "ratifiedOn": "ratified", "inForceFrom": "in force from", "withdrewOn": "withdrew",
}
_SPACING = 28.0  # world units (pixels at zoom 1) between neighbouring nodes


# --- assets -------------------------------------------------------------------------------


def _template(name: str) -> str:
    return resources.files("kg").joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """vis-network's standalone script, read from the installed pyvis package (newest version it ships)."""
    try:
        lib = resources.files("pyvis").joinpath("templates", "lib")
    except ModuleNotFoundError:
        raise KGError("the interactive graph needs the 'viz' extra: pip install 'scidip-kg[viz]'") from None
    versions = sorted(
        (d for d in lib.iterdir() if d.name.startswith("vis-") and d.joinpath("vis-network.min.js").is_file()),
        key=lambda d: tuple(int(x) for x in re.findall(r"\d+", d.name)),
    )
    if not versions:
        raise KGError("vis-network.min.js is missing from the installed pyvis package")
    js = versions[-1].joinpath("vis-network.min.js").read_text("utf-8")
    return re.sub(r"//# sourceMappingURL=\S+", "", js)


def _inline_js(js: str) -> str:
    """Script text safe to put between <script> and </script>."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _json_for_script(value: Any) -> str:
    """JSON that can sit inside a <script> element: no <, >, & or line/paragraph separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


# --- layout -------------------------------------------------------------------------------


def layout(G: nx.Graph, *, seed: int = 0, spacing: float = _SPACING) -> dict[Any, tuple[float, float]]:
    """Positions for every node of ``G``, in linear time (under a few seconds at 50,000 nodes).

    The best-connected nodes (anchors: countries, topics, big agreements) are placed by a
    spring layout of the graph they form among themselves and through their shared
    neighbours; every other node is placed, wave by wave outwards, at the centre of its
    placed neighbours (an agreement between two countries lands between them), spread on
    a sunflower spiral so that nodes do not cover each other. Parts not connected to any
    anchor are laid out on their own and packed beside."""
    S = G if (not G.is_directed() and not G.is_multigraph()) else to_simple(G)
    n = len(S)
    if n == 0:
        return {}
    pos: dict[Any, tuple[float, float]] = {}
    components = sorted(nx.connected_components(S), key=lambda c: (-len(c), min(map(str, c))))
    main = components[0]
    pos.update(_anchor_layout(S if len(main) == n else S.subgraph(main).copy(), seed=seed, spacing=spacing))
    rest = components[1:]
    if rest:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        x0, y0 = max(xs) + 4 * spacing, min(ys)
        width = max(max(xs) - min(xs), 20 * spacing)
        cx, cy, row_h = x0, y0, 0.0
        for comp in rest:
            local = _small_layout(S.subgraph(comp).copy(), seed=seed, spacing=spacing) if len(comp) > 1 else {next(iter(comp)): (0.0, 0.0)}
            lx = [p[0] for p in local.values()]
            ly = [p[1] for p in local.values()]
            w, h = max(lx) - min(lx) + 2 * spacing, max(ly) - min(ly) + 2 * spacing
            if cx + w > x0 + width and cx > x0:
                cx, cy, row_h = x0, cy + row_h, 0.0
            for v, (x, y) in local.items():
                pos[v] = (cx + x - min(lx) + spacing, cy + y - min(ly) + spacing)
            cx += w
            row_h = max(row_h, h)
    return pos


def _small_layout(S: nx.Graph, *, seed: int, spacing: float) -> dict[Any, tuple[float, float]]:
    n = len(S)
    if n <= 150:
        try:
            raw = nx.spring_layout(S, seed=seed, iterations=50)
            return _scaled({v: (float(p[0]), float(p[1])) for v, p in raw.items()}, spacing * 1.6 * math.sqrt(n))
        except ImportError:  # numpy missing
            pass
    return _anchor_layout(S, seed=seed, spacing=spacing)


def _scaled(pos: dict[Any, tuple[float, float]], radius: float) -> dict[Any, tuple[float, float]]:
    if not pos:
        return pos
    mx = sum(p[0] for p in pos.values()) / len(pos)
    my = sum(p[1] for p in pos.values()) / len(pos)
    r = max(max(math.hypot(p[0] - mx, p[1] - my) for p in pos.values()), 1e-9)
    return {v: ((p[0] - mx) / r * radius, (p[1] - my) / r * radius) for v, p in pos.items()}


_GOLDEN = math.pi * (3 - math.sqrt(5))


def _anchor_layout(S: nx.Graph, *, seed: int, spacing: float) -> dict[Any, tuple[float, float]]:
    n = len(S)
    adj = {v: list(nbrs) for v, nbrs in S.adjacency()}
    deg = {v: len(nb) for v, nb in adj.items()}
    order = sorted(adj, key=lambda v: (-deg[v], str(v)))
    k = min(n, max(12, min(250, int(3 * math.sqrt(n)))))
    anchors = order[:k]
    anchor_set = set(anchors)
    # the anchors' own graph: direct links plus links through shared neighbours
    weights: dict[tuple[Any, Any], int] = defaultdict(int)
    for v, nbrs in adj.items():
        near = [a for a in nbrs if a in anchor_set]
        if v in anchor_set:
            for a in near:
                weights[(v, a)] += 1  # each direct link is seen from both ends: weight 2
            continue
        near = near[:6]
        for i in range(len(near)):
            for j in range(i + 1, len(near)):
                weights[(near[i], near[j])] += 1
    H = nx.Graph()
    H.add_nodes_from(anchors)
    for (a, b), w in weights.items():
        if a != b:
            H.add_edge(a, b, weight=H.get_edge_data(a, b, {"weight": 0})["weight"] + w)
    radius = spacing * math.sqrt(n) * 1.1
    try:
        raw = nx.spring_layout(H, seed=seed, iterations=80, weight="weight")
        apos = _scaled({v: (float(p[0]), float(p[1])) for v, p in raw.items()}, radius)
    except ImportError:  # numpy missing: anchors on a circle
        apos = {a: (radius * math.cos(2 * math.pi * i / k), radius * math.sin(2 * math.pi * i / k)) for i, a in enumerate(anchors)}
    # spread anchors that landed on top of each other
    pos: dict[Any, tuple[float, float]] = _spread(list(apos.items()), spacing * 2.5)
    frontier = list(anchors)
    while len(pos) < n:
        wave: dict[Any, list[Any]] = {}
        for u in frontier:
            for v in adj[u]:
                if v not in pos:
                    wave.setdefault(v, []).append(u)
        if not wave:  # cannot happen in a connected graph; guard anyway
            missing = [v for v in adj if v not in pos]
            for i, v in enumerate(missing):
                pos[v] = (radius + spacing * (i % 50), spacing * (i // 50))
            break
        targets = []
        push = spacing * 1.5
        for v, placed in wave.items():
            if len(placed) == 1:  # a leaf of one node: push it outwards from the centre a little
                mx, my = pos[placed[0]]
                d = math.hypot(mx, my) or 1.0
                mx, my = mx + mx / d * push, my + my / d * push
            else:
                mx = sum(pos[u][0] for u in placed) / len(placed)
                my = sum(pos[u][1] for u in placed) / len(placed)
            targets.append((v, (mx, my)))
        targets.sort(key=lambda t: (-deg[t[0]], str(t[0])))
        pos.update(_spread(targets, spacing))
        frontier = list(wave)
    return pos


def _spread(targets: list[tuple[Any, tuple[float, float]]], spacing: float) -> dict[Any, tuple[float, float]]:
    """Each node near its target point, nodes aiming at the same cell spread on a sunflower spiral."""
    cells: dict[tuple[int, int], int] = defaultdict(int)
    out = {}
    cell_size = spacing * 2
    for v, (x, y) in targets:
        key = (round(x / cell_size), round(y / cell_size))
        i = cells[key]
        cells[key] = i + 1
        if i == 0:
            out[v] = (x, y)
        else:
            r = spacing * math.sqrt(i)
            out[v] = (x + r * math.cos(i * _GOLDEN), y + r * math.sin(i * _GOLDEN))
    return out


# --- the page -----------------------------------------------------------------------------


def _sizes(S: nx.Graph, measure: str) -> dict[Any, float]:
    from .network import _measure

    if measure == "none" or len(S) == 0:
        return {v: 14.0 for v in S}
    if measure not in SIZE_MEASURES:
        raise InputError(f"unknown size measure {measure!r}; use one of {', '.join(SIZE_MEASURES)}")
    values = _measure(S, measure)
    top = max(values.values()) or 1.0
    big = len(S) > PHYSICS_LIMIT
    lo, span = (6.0, 24.0) if big else (10.0, 30.0)
    return {v: round(lo + span * math.sqrt(max(values.get(v, 0.0), 0.0) / top), 1) for v in S}


def _amount(d: dict[str, Any]) -> str | None:
    amount = d.get("amount")
    if amount is None:
        return None
    amounts = amount if isinstance(amount, list) else [amount]
    cur = d.get("currency") or ""
    cur = ", ".join(cur) if isinstance(cur, list) else cur
    parts = []
    for a in amounts:
        try:
            f = float(a)
            parts.append(f"{f:,.0f}" if f == int(f) else f"{f:,.2f}")
        except (TypeError, ValueError):
            parts.append(str(a))
    return f"{' / '.join(parts)} {cur}".strip()


def _listify(v: Any) -> list[str]:
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, (list, tuple, set)) else [str(v)]


def _node_info(d: dict[str, Any], source_index: dict[str, int]) -> dict[str, Any]:
    info: dict[str, Any] = {"i": d.get("iri"), "c": d.get("cls")}
    if d.get("aliases"):
        info["a"] = _listify(d["aliases"])
    if d.get("country") and d.get("group") != "country":
        info["k"] = d["country"]
    if d.get("posts"):
        info["p"] = _listify(d["posts"])
    if d.get("status"):
        info["s"] = ", ".join(_listify(d["status"]))
    dates = {_DATE_LABELS[p]: ", ".join(_listify(d[p])) for p in DATE_PROPS if d.get(p)}
    if dates:
        info["d"] = dates
    amount = _amount(d)
    if amount:
        info["m"] = amount
    if d.get("purpose"):
        info["u"] = ", ".join(_listify(d["purpose"]))
    if d.get("topics"):
        info["t"] = _listify(d["topics"])
    if d.get("sources"):
        info["r"] = [source_index[s] for s in d["sources"] if s in source_index]
    if d.get("note"):
        info["n"] = " ".join(_listify(d["note"]))
    if d.get("evidence"):
        info["e"] = _listify(d["evidence"])
    return info


def _trim(G: nx.Graph, max_nodes: int | None) -> tuple[nx.Graph, str | None]:
    if not max_nodes or len(G) <= max_nodes:
        return G, None
    deg = dict(to_simple(G).degree()) if G.is_multigraph() or G.is_directed() else dict(G.degree())
    keep = sorted(G, key=lambda v: (-deg[v], str(v)))[:max_nodes]
    H = G.subgraph(keep).copy()
    note = (
        f"This view was trimmed: it shows the {len(H):,} best-connected of {len(G):,} entities "
        f"(by number of neighbours) and {H.number_of_edges():,} of {G.number_of_edges():,} relations. "
        "Narrow it with filters (class, topic, country, dates), an ego view, or raise the limit (--max-nodes)."
    )
    return H, note


def network_html(
    G: nx.Graph,
    *,
    title: str = "Science-diplomacy network",
    size_by: str = "degree",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    physics: bool | None = None,
    subtitle: str | None = None,
    notes: Iterable[str] = (),
    return_info: bool = False,
) -> Any:
    """A network (any view of :mod:`kg.network`) as one self-contained HTML page.

    ``size_by``: the centrality measure node sizes follow. ``max_nodes``: trim larger
    views to their best-connected nodes (None: never). ``physics``: let the browser lay
    the graph out (default: only up to :data:`PHYSICS_LIMIT` nodes). With
    ``return_info``, returns ``(html, info)`` where info holds timings and decisions."""
    t_start = time.perf_counter()
    G, trimmed = _trim(G, max_nodes)
    S = to_simple(G) if (G.is_multigraph() or G.is_directed()) else G
    n = len(S)
    use_physics = n <= PHYSICS_LIMIT if physics is None else physics
    sizes = _sizes(S, size_by)
    t_layout = time.perf_counter()
    if use_physics:
        kind = "spring (networkx) + vis physics"
        try:
            raw = nx.spring_layout(S, seed=0, iterations=60) if n > 1 else {v: (0.0, 0.0) for v in S}
            pos = _scaled({v: (float(p[0]), float(p[1])) for v, p in raw.items()}, _SPACING * 2.2 * math.sqrt(max(n, 1)))
        except ImportError:  # numpy missing: vis-network places the nodes itself
            pos = {}
    else:
        kind = "anchors (linear)"
        pos = layout(S)
    layout_seconds = time.perf_counter() - t_layout

    sources_meta = G.graph.get("sources") or {}
    source_slugs = sorted(sources_meta)
    source_index = {s: i for i, s in enumerate(source_slugs)}
    group_index = {g: i for i, g in enumerate(GROUPS)}
    index = {v: i for i, v in enumerate(G)}
    nodes, info = [], []
    counts: dict[str, int] = defaultdict(int)
    for v, d in G.nodes(data=True):
        group = d.get("group") if d.get("group") in group_index else "other"
        counts[group] += 1
        p = pos.get(v)
        nodes.append([str(d.get("label", v)), group_index[group], sizes.get(v, 12.0),
                      round(p[0], 1) if p else None, round(p[1], 1) if p else None])
        info.append(_node_info(d, source_index))

    relations: list[str] = []
    rel_index: dict[str, int] = {}

    def rel(label: str) -> int:
        if label not in rel_index:
            rel_index[label] = len(relations)
            relations.append(label)
        return rel_index[label]

    edges: list[list[Any]] = []
    edge_info: dict[str, list[str]] = {}
    if G.is_directed():
        merged: dict[tuple[int, int], list[str]] = {}
        for u, v, d in G.edges(data=True):
            if u == v:
                continue
            merged.setdefault((index[u], index[v]), []).append(str(d.get("label") or d.get("predicate") or "related to"))
        for (a, b), labels in merged.items():
            edges.append([a, b, rel(", ".join(sorted(set(labels))))])
    else:
        wmax = max((d.get("weight", 1) for _u, _v, d in G.edges(data=True)), default=1) or 1
        for u, v, d in G.edges(data=True):
            w = d.get("weight", 1)
            edges.append([index[u], index[v], rel(str(d.get("label", ""))), round(1 + 5 * math.sqrt(w / wmax), 2)])
            if d.get("agreement_labels"):
                edge_info[str(len(edges) - 1)] = [str(x) for x in d["agreement_labels"]]

    groups = [
        {"name": g, **GROUP_STYLES.get(g, GROUP_STYLES["other"]), "count": counts.get(g, 0)}
        for g in GROUPS
    ]
    payload = {
        "title": title,
        "subtitle": subtitle,
        "groups": groups,
        "nodes": nodes,
        "info": info,
        "edges": edges,
        "relations": relations,
        "edgeInfo": edge_info,
        "directed": G.is_directed(),
        "physics": use_physics,
        "physicsLimit": PHYSICS_LIMIT,
        "sizeBy": size_by,
        "sources": [{"slug": s, **{k: (str(v) if v is not None else None) for k, v in sources_meta[s].items()}} for s in source_slugs],
        "notes": [x for x in [trimmed, *notes] if x],
        "layout": kind,
    }
    page = _render(title, payload)
    total = time.perf_counter() - t_start
    if return_info:
        return page, {"layout": kind, "layout_seconds": layout_seconds, "seconds": total, "physics": use_physics,
                      "nodes": len(G), "edges": len(edges), "trimmed": trimmed}
    return page


def _render(title: str, payload: dict[str, Any]) -> str:
    boot = _inline_js(_template("boot.js"))
    vis_js = _inline_js(vis_network_js())
    app = _inline_js(_template("app.js"))
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(boot)} {_csp_hash(vis_js)} {_csp_hash(app)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src 'none'; connect-src 'none'; "
        "object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'"
    )
    values = {
        "CSP": html.escape(csp, quote=False).replace('"', "&quot;"),
        "TITLE": html.escape(title),
        "CSS": _template("app.css").replace("</", "<\\/"),
        "DATA": _json_for_script(payload),
        "BOOT_JS": boot,
        "VIS_JS": vis_js,
        "APP_JS": app,
    }
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], _template("graph.html"))


def _filters(filters: Filters | None, kwargs: dict[str, Any]) -> Filters | None:
    known = set(Filters.__dataclass_fields__)
    unknown = set(kwargs) - known
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    if filters is not None and kwargs:
        raise TypeError("give filters= or filter keywords, not both")
    if kwargs:
        return Filters(**kwargs)
    return filters


def _title(view: str, entity: str | None, depth: int, filters: Filters | None) -> str:
    base = {"full": "Science-diplomacy network", "actors": "Actor network", "ego": f"Around {entity} (depth {depth})"}[view]
    extra = filters.describe() if filters else ""
    return f"{base} — {extra}" if extra else base


def to_html(
    kg: KnowledgeGraph,
    *,
    view: str = "full",
    entity: str | None = None,
    depth: int = 1,
    filters: Filters | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    size_by: str = "degree",
    title: str | None = None,
    fold_agencies: bool = False,
    **filter_options: Any,
) -> str:
    """The view of ``kg`` as one self-contained interactive HTML page.

    ``view``: ``full``, ``actors`` or ``ego`` (around ``entity``, to ``depth``).
    Filters as a :class:`~kg.network.Filters` or as keywords (``classes``, ``topic``,
    ``status``, ``date_from``, ``date_to``, ``country``, ``sources``)."""
    f = _filters(filters, filter_options)
    G = build_view(kg, view, entity=entity, depth=depth, filters=f, fold_agencies=fold_agencies)
    notes = []
    if len(G) == 0:
        notes.append("Nothing matches this view and these filters.")
    return network_html(G, title=title or _title(view, entity, depth, f), size_by=size_by, max_nodes=max_nodes, notes=notes)


def write_html(kg: KnowledgeGraph, path: str | Path, **options: Any) -> Path:
    """Write :func:`to_html` to ``path``; returns the path."""
    p = Path(path)
    p.write_text(to_html(kg, **options), encoding="utf-8")
    return p


def show(kg: KnowledgeGraph, *, height: int = 640, **options: Any) -> Any:
    """Show the view in a notebook (an ``IPython.display.HTML`` object holding the page in a
    sandboxed iframe); without IPython, write the page to a temporary file, open it in the
    web browser and return its path."""
    page = to_html(kg, **options)
    try:
        from IPython.display import HTML
    except ImportError:
        import webbrowser

        path = Path(tempfile.mkstemp(prefix="kg-graph-", suffix=".html")[1])
        path.write_text(page, encoding="utf-8")
        webbrowser.open(path.as_uri())
        return path
    frame = (
        f'<iframe sandbox="allow-scripts" style="width:100%;height:{int(height)}px;border:1px solid #e4e7eb" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
    )
    return HTML(frame)
