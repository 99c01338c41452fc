"""Benchmarks of the store, the ingest paths, the named queries, and the views, against
plain rdflib (default in-memory store) on the same generated data.

    python benchmarks/bench.py                 # 10k and 100k triples
    python benchmarks/bench.py 10k 100k 1M     # any sizes (or --large for 10k 100k 1M)
    python benchmarks/bench.py 100k --no-rdflib --repeat 5 --workdir /tmp/scidip-bench

For every size, each phase runs in its own subprocess (so that its peak memory,
``ru_maxrss``, is its own and a slow phase can be stopped by a timeout):

* ``bulk``     – N-Triples into the on-disk store through pyoxigraph ``bulk_load`` straight
  into the source's named graph, then the source's description in the metadata graph:
  triples/s, store size on disk, peak memory (the fastest correct path for a new source);
* ``swap``     – the same through ``OxigraphStore.load_file`` (bulk_load into a staging
  graph, then one SPARQL update that copies it into place: all or nothing);
* ``kgingest`` – the normal ``KnowledgeGraph.ingest`` path (read with rdflib terms →
  SHACL check → one transaction), split into its stages (sizes ≤ ``--kg-ingest-max``);
* ``query``    – reopen time of the store, then every named query of ``kg.query`` with
  parameters taken from the generated data (``.params.json``): through ``kg.run``
  (including the look-up of names) and with the parameters already resolved;
* ``network``  – ``kg.network.project`` (skipped with a note if not importable);
* ``viz``      – ``kg.viz.to_html`` (skipped with a note if not importable);
* ``rdflib``   – ``Graph.parse`` of the same file into rdflib's default memory store, and the
  same query texts through rdflib's engine, each in a forked child killed after
  ``--rdflib-timeout`` seconds (printed as "> N s").

Targets (from the brief): ingest of N-Triples at 1M ≥ 100k triples/s on disk, every named
query < 1 s at 1M, reopen < 1 s, memory flat on ingest of large files.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size, size_name  # noqa: E402

PHASES = ("bulk", "swap", "kgingest", "query", "network", "viz", "rdflib")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _files(workdir: Path, size: int) -> tuple[Path, dict]:
    nt = workdir / f"bench-{size_name(size)}.nt"
    meta = Path(str(nt) + ".params.json")
    if not nt.exists() or not meta.exists():
        t0 = time.perf_counter()
        with nt.open("w", encoding="utf-8", buffering=1 << 20) as f:
            info = generate(size, f, seed=1)
        info["generate_s"] = time.perf_counter() - t0
        meta.write_text(json.dumps(info, indent=2), "utf-8")
    return nt, json.loads(meta.read_text("utf-8"))


def _slug(size: int) -> str:
    return f"bench-{size_name(size).lower()}"


def _meta(size: int, nt: Path):
    from kg.ingest.source import SourceMeta

    return SourceMeta(slug=_slug(size), title=f"synthetic graph, {size_name(size)} triples", file=nt.name, kind="dataset", extractor="benchmarks/generate.py")


# --- phases (each in its own process) ---------------------------------------------------


def phase_bulk(size: int, workdir: Path, args: argparse.Namespace, *, swap: bool = False) -> dict:
    import pyoxigraph as ox

    from kg import KnowledgeGraph
    from kg.store import to_ox
    from kg.vocab import META_GRAPH

    nt, info = _files(workdir, size)
    store_dir = workdir / f"store-{size_name(size)}{'-swap' if swap else ''}"
    shutil.rmtree(store_dir, ignore_errors=True)
    kg = KnowledgeGraph(store_dir)  # creates the store and writes the ontology graph
    base_rss = _rss_mb()
    meta = _meta(size, nt)
    oxs = kg.store.oxigraph  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    if swap:
        # the core's all-or-nothing method: bulk_load into a staging graph, then one
        # SPARQL update copies it into place (and writes the description)
        try:
            kg.store.load_file(nt, "ntriples", meta.graph, meta=meta.triples())  # type: ignore[attr-defined]
        except TypeError:  # an older store without meta=
            kg.store.load_file(nt, "ntriples", meta.graph)  # type: ignore[attr-defined]
            oxs.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(META_GRAPH))) for s, p, o in meta.triples())
        t_load = time.perf_counter() - t0
    else:
        # the fastest path for a new source: bulk_load straight into its named graph, then
        # its description (a source exists once it is described; on failure: drop the graph)
        oxs.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(meta.graph)))
        t_load = time.perf_counter() - t0
        oxs.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(META_GRAPH))) for s, p, o in meta.triples())
    oxs.flush()
    elapsed = time.perf_counter() - t0
    kg.close()
    triples = info["triples"]
    return {
        "triples": triples,
        "load_s": t_load,
        "total_s": elapsed,
        "triples_per_s": triples / elapsed,
        "disk_mb": _dir_size(store_dir) / 1e6,
        "file_mb": nt.stat().st_size / 1e6,
        "base_rss_mb": base_rss,
        "peak_rss_mb": _rss_mb(),
    }


def phase_kgingest(size: int, workdir: Path, args: argparse.Namespace) -> dict:
    from kg import KnowledgeGraph

    nt, info = _files(workdir, size)
    store_dir = workdir / f"store-{size_name(size)}-kg"
    shutil.rmtree(store_dir, ignore_errors=True)
    kg = KnowledgeGraph(store_dir)
    t0 = time.perf_counter()
    src = kg.read(nt, lookup=None)
    t1 = time.perf_counter()
    if src.bulk_path is not None:
        # a file this large is streamed into the store and checked there: time the whole ingest
        [report] = kg.ingest(nt)
        t3 = time.perf_counter()
        kg.close()
        return {"triples": report.triples, "read_s": t1 - t0, "shacl_s": 0.0, "write_s": t3 - t1, "total_s": t3 - t0,
                "triples_per_s": report.triples / (t3 - t0), "violations": 0, "peak_rss_mb": _rss_mb(), "bulk": True}
    violations = kg.check(src)
    t2 = time.perf_counter()
    kg.store.replace_graphs([(src.meta.graph, iter(src.graph), src.meta.triples())])
    t3 = time.perf_counter()
    kg.close()
    return {
        "triples": info["triples"],
        "read_s": t1 - t0,
        "shacl_s": t2 - t1,
        "write_s": t3 - t2,
        "total_s": t3 - t0,
        "triples_per_s": info["triples"] / (t3 - t0),
        "violations": len(violations),
        "peak_rss_mb": _rss_mb(),
    }


def _query_params(info: dict) -> dict[str, dict[str, str]]:
    from kg.query import named_queries

    p = info["params"]
    out = {}
    for q in named_queries():
        values = {}
        for param in q.params:
            if param.name in p:
                values[param.name] = p[param.name]
            elif param.kind in p:
                values[param.name] = p[param.kind]
            else:
                values[param.name] = p["agreement"]
        out[q.name] = values
    return out


def _resolved(kg, name: str, values: dict[str, str]) -> tuple[str, dict]:
    from kg.query import named_query, resolve_param

    q = named_query(name)
    return q.text, {p.name: resolve_param(kg, p, values[p.name]) for p in q.params}


def phase_query(size: int, workdir: Path, args: argparse.Namespace) -> dict:
    from kg import KnowledgeGraph
    from kg.store import OxigraphStore

    nt, info = _files(workdir, size)
    store_dir = workdir / f"store-{size_name(size)}"
    t0 = time.perf_counter()
    store = OxigraphStore(store_dir)
    t1 = time.perf_counter()
    kg = KnowledgeGraph(store)
    t2 = time.perf_counter()
    n = store.count()
    t3 = time.perf_counter()
    out: dict = {"open_s": t1 - t0, "reopen_s": t2 - t0, "first_count_s": t3 - t2, "quads": n, "queries": {}}
    for name, values in _query_params(info).items():
        runs, bound, rows = [], [], 0
        for _ in range(args.repeat):
            s = time.perf_counter()
            rows = len(kg.run(name, **values))
            runs.append(time.perf_counter() - s)
        text, bindings = _resolved(kg, name, values)
        for _ in range(args.repeat):
            s = time.perf_counter()
            kg.query(text, bindings=bindings)
            bound.append(time.perf_counter() - s)
        out["queries"][name] = {"run_s": statistics.median(runs), "bound_s": statistics.median(bound), "rows": rows, "params": values}
    out["peak_rss_mb"] = _rss_mb()
    kg.close()
    return out


def phase_network(size: int, workdir: Path, args: argparse.Namespace) -> dict:
    try:
        from kg.network import project
    except ImportError as e:
        return {"skipped": f"kg.network not importable ({e})"}
    from kg import KnowledgeGraph

    kg = KnowledgeGraph(workdir / f"store-{size_name(size)}")
    t0 = time.perf_counter()
    G = project(kg)
    elapsed = time.perf_counter() - t0
    out = {"project_s": elapsed, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "peak_rss_mb": _rss_mb()}
    kg.close()
    return out


def phase_viz(size: int, workdir: Path, args: argparse.Namespace) -> dict:
    try:
        from kg.viz import to_html
    except ImportError as e:
        return {"skipped": f"kg.viz not importable ({e})"}
    from kg import KnowledgeGraph

    kg = KnowledgeGraph(workdir / f"store-{size_name(size)}")
    t0 = time.perf_counter()
    page = to_html(kg)  # the full view; trimmed to the default max_nodes
    elapsed = time.perf_counter() - t0
    kg.close()
    return {"html_s": elapsed, "html_mb": len(page.encode("utf-8")) / 1e6, "peak_rss_mb": _rss_mb()}


def _rdflib_query(ds, text: str, conn) -> None:
    t0 = time.perf_counter()
    rows = len(list(ds.query(text)))
    conn.send((time.perf_counter() - t0, rows))


def phase_rdflib(size: int, workdir: Path, args: argparse.Namespace) -> dict:
    from rdflib import Dataset, URIRef

    from kg import KnowledgeGraph
    from kg.bundled import ONTOLOGY_FILES, ontology_path
    from kg.graph import ONTOLOGY_GRAPH
    from kg.store import with_bindings
    from kg.vocab import META_GRAPH, sparql_prefixes

    nt, info = _files(workdir, size)
    base = _rss_mb()
    ds = Dataset(default_union=True)
    meta = _meta(size, nt)
    t0 = time.perf_counter()
    ds.graph(URIRef(str(meta.graph))).parse(nt, format="nt")
    parse_s = time.perf_counter() - t0
    parse_rss = _rss_mb()
    for name in ONTOLOGY_FILES:
        ds.graph(ONTOLOGY_GRAPH).parse(ontology_path(name), format="turtle")
    mg = ds.graph(META_GRAPH)
    for t in meta.triples():
        mg.add(t)
    # the same query texts as the store runs, parameters resolved against the Oxigraph store
    kg = KnowledgeGraph(workdir / f"store-{size_name(size)}")
    texts = {}
    for name, values in _query_params(info).items():
        text, bindings = _resolved(kg, name, values)
        texts[name] = sparql_prefixes() + with_bindings(text, bindings)
    kg.close()
    ctx = mp.get_context("fork")
    queries = {}
    for name, text in texts.items():
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_rdflib_query, args=(ds, text, child))
        t = time.perf_counter()
        proc.start()
        if parent.poll(args.rdflib_timeout):
            elapsed, rows = parent.recv()
            queries[name] = {"s": elapsed, "rows": rows}
        else:
            queries[name] = {"timeout": args.rdflib_timeout, "waited_s": time.perf_counter() - t}
        proc.kill()
        proc.join()
    return {"parse_s": parse_s, "triples_per_s": info["triples"] / parse_s, "base_rss_mb": base, "peak_rss_mb": parse_rss, "queries": queries}


PHASE_FUNCS = {
    "bulk": phase_bulk,
    "swap": lambda size, workdir, args: phase_bulk(size, workdir, args, swap=True),
    "kgingest": phase_kgingest,
    "query": phase_query,
    "network": phase_network,
    "viz": phase_viz,
    "rdflib": phase_rdflib,
}


# --- driver -------------------------------------------------------------------------------


def run_phase(phase: str, size: int, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--workdir", str(args.workdir), "--repeat", str(args.repeat),
           "--rdflib-timeout", str(args.rdflib_timeout), size_name(size)]
    t0 = time.perf_counter()
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=args.phase_timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"> {args.phase_timeout} s (phase timeout)"}
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1]}
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["wall_s"] = time.perf_counter() - t0
    return out


def _s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def _ratio(ours: float | None, theirs: float | None, *, faster: bool = True) -> str:
    if ours is None or theirs is None or ours <= 0:
        return "–"
    r = theirs / ours
    return f"{r:.1f}× faster" if faster and r >= 1 else f"{1 / r:.1f}× slower" if faster else f"{ours / theirs:.2f}× of rdflib"


def report(size: int, res: dict[str, dict], info: dict) -> str:
    lines = [f"### {size_name(size)} triples ({info['triples']:,} triples, {info['agreements']:,} agreements)", ""]
    b, rd = res.get("bulk", {}), res.get("rdflib", {})
    rd_parse = rd.get("parse_s")
    lines += ["| measure | scidip-kg (Oxigraph on disk) | rdflib (memory) | ratio |", "| --- | --- | --- | --- |"]
    if "error" in b:
        lines.append(f"| bulk ingest | {b['error']} | | |")
    else:
        lines.append(
            f"| ingest N-Triples: `bulk_load` straight into the source's named graph | {_s(b.get('total_s'))} ({b.get('triples_per_s', 0):,.0f} triples/s) | "
            f"{_s(rd_parse)} ({rd.get('triples_per_s', 0):,.0f} triples/s) | {_ratio(b.get('total_s'), rd_parse)} |"
        )
        sw = res.get("swap", {})
        if "total_s" in sw:
            lines.append(f"| … through `OxigraphStore.load_file` (staging graph + SPARQL swap: all or nothing) | {_s(sw['total_s'])} ({sw['triples_per_s']:,.0f} triples/s) | | {_ratio(sw['total_s'], rd_parse)} |")
        lines.append(f"| peak memory of the ingest process (after imports) | {b.get('peak_rss_mb', 0):,.0f} MB ({b.get('base_rss_mb', 0):,.0f} MB) | "
                     f"{rd.get('peak_rss_mb', 0):,.0f} MB ({rd.get('base_rss_mb', 0):,.0f} MB) | {_mem_ratio(b, rd)} |")
        lines.append(f"| store on disk (N-Triples file) | {b.get('disk_mb', 0):,.1f} MB ({b.get('file_mb', 0):,.1f} MB) | – | |")
    k = res.get("kgingest")
    if k and k.get("bulk"):
        lines.append(
            f"| `KnowledgeGraph.ingest` path (streamed in chunks, checked in the store by `kg/checks.py`) "
            f"| {_s(k['total_s'])} ({k['triples_per_s']:,.0f} triples/s, peak {k['peak_rss_mb']:,.0f} MB) | {_s(rd_parse)} | {_ratio(k['total_s'], rd_parse)} |"
        )
    elif k and "total_s" in k:
        lines.append(
            f"| `KnowledgeGraph.ingest` path: read {_s(k['read_s'])} + SHACL {_s(k['shacl_s'])} + write {_s(k['write_s'])} "
            f"| {_s(k['total_s'])} ({k['triples_per_s']:,.0f} triples/s, peak {k['peak_rss_mb']:,.0f} MB, {k['violations']} violations) | {_s(rd_parse)} | {_ratio(k['total_s'], rd_parse)} |"
        )
    elif k:
        lines.append(f"| `KnowledgeGraph.ingest` path | {k.get('error') or k.get('skipped')} | | |")
    q = res.get("query", {})
    if "reopen_s" in q:
        lines.append(f"| reopen the store (open + ontology check) | {_s(q['reopen_s'])} (open {_s(q['open_s'])}) | (parse again: {_s(rd_parse)}) | |")
        lines.append(f"| first count of all quads | {_s(q['first_count_s'])} ({q['quads']:,} quads) | | |")
    elif q:
        lines.append(f"| queries | {q.get('error')} | | |")
    for phase, key, label in (("network", "project_s", "networkx projection (`kg.network.project`)"), ("viz", "html_s", "HTML export (`kg.viz.to_html`, full view)")):
        r = res.get(phase, {})
        if key in r:
            extra = f"{r['nodes']:,} nodes, {r['edges']:,} edges" if phase == "network" else f"{r['html_mb']:.1f} MB"
            lines.append(f"| {label} | {_s(r[key])} ({extra}, peak {r['peak_rss_mb']:,.0f} MB) | | |")
        elif r:
            lines.append(f"| {label} | skipped: {r.get('skipped') or r.get('error')} | | |")
    if "queries" in q:
        lines += ["", "| named query | rows | `kg.run` (with name look-up) | query alone | rdflib | ratio (query alone) |", "| --- | --- | --- | --- | --- | --- |"]
        rq = rd.get("queries", {})
        for name, v in q["queries"].items():
            r = rq.get(name, {})
            theirs = f"> {r['timeout']:.0f} s" if "timeout" in r else _s(r.get("s")) if r else "–"
            ratio = _ratio(v["bound_s"], r.get("s")) if "s" in r else (f"> {r['timeout'] / v['bound_s']:.0f}× faster" if "timeout" in r else "–")
            lines.append(f"| {name} | {v['rows']} | {_s(v['run_s'])} | {_s(v['bound_s'])} | {theirs} | {ratio} |")
    return "\n".join(lines)


def _mem_ratio(b: dict, rd: dict) -> str:
    if not b.get("peak_rss_mb") or not rd.get("peak_rss_mb"):
        return "–"
    ours = b["peak_rss_mb"] - b.get("base_rss_mb", 0)
    theirs = rd["peak_rss_mb"] - rd.get("base_rss_mb", 0)
    return f"{ours / theirs:.2f}× of rdflib's growth" if theirs > 0 else "–"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="scidip-kg benchmarks (see the module docstring)")
    ap.add_argument("sizes", nargs="*", help="triple counts: 10k 100k 1M ... (default: 10k 100k)")
    ap.add_argument("--large", action="store_true", help="also 1M")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "scidip-bench")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (the median is printed)")
    ap.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds before an rdflib query is stopped")
    ap.add_argument("--phase-timeout", type=float, default=1800.0, help="seconds before any phase is stopped")
    ap.add_argument("--kg-ingest-max", default="100k", help="largest size for the KnowledgeGraph.ingest path")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    ap.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {','.join(PHASES)}")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [parse_size(s) for s in args.sizes] or [10_000, 100_000]
    if args.large and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    if args.phase:  # a child process: one phase, one JSON line
        print(json.dumps(PHASE_FUNCS[args.phase](sizes[0], args.workdir, args)))
        return 0
    phases = [p for p in args.phases.split(",") if p]
    if args.no_rdflib and "rdflib" in phases:
        phases.remove("rdflib")
    import pyoxigraph
    import rdflib

    print(f"# scidip-kg benchmarks, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; command: python benchmarks/bench.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    for size in sizes:
        nt, info = _files(args.workdir, size)
        res: dict[str, dict] = {}
        for phase in phases:
            if phase == "kgingest" and size > parse_size(args.kg_ingest_max):
                res[phase] = {"skipped": f"only up to {args.kg_ingest_max} (--kg-ingest-max)"}
                continue
            if phase in ("query", "network", "viz", "rdflib") and "bulk" not in phases and not (args.workdir / f"store-{size_name(size)}").exists():
                res[phase] = {"error": "no store: run the bulk phase first"}
                continue
            print(f"  [{size_name(size)}] {phase} ...", file=sys.stderr, flush=True)
            res[phase] = run_phase(phase, size, args)
        print()
        print(report(size, res, info))
        (args.workdir / f"results-{size_name(size)}.json").write_text(json.dumps(res, indent=2, default=str), "utf-8")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
