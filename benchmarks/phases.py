"""Timings of the parts of ingest and query that the figures of 2026-12-01 are about.

    python benchmarks/phases.py checks  --store /tmp/s1m --source b1m     # each in-store check, then all
    python benchmarks/phases.py convert --store /tmp/s1m                  # rows → rdflib terms, old and new
    python benchmarks/phases.py delete  --store /tmp/s1m --source b1m --mode sparql --batch 100000 [--flush]

``delete`` works on a copy of the store (``STORE-copy``, removed afterwards) and times
emptying one source graph: ``sparql`` (repeated ``DELETE`` on a ``LIMIT``ed subselect),
``remove`` (``quads_for_pattern`` + ``Store.remove`` in batches) or ``remove_graph`` (one
transaction). Each prints one line per measure, with the 1-minute load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _print(what: str, seconds: float, extra: str = "") -> None:
    print(f"{what}: {seconds:.3f} s{extra} (load {os.getloadavg()[0]:.2f})", flush=True)


def checks(args: argparse.Namespace) -> None:
    import kg.checks as ck
    from kg.store import OxigraphStore
    from kg.vocab import graph_iri

    store = OxigraphStore(args.store, read_only=True)
    stage = graph_iri(args.source)
    currencies = ck._list(list(ck.currency_codes()), " ")
    countries = ck._list(list(ck.CountryIndex.default().by_code))
    for name, message, query in ck.CHECKS:
        q = query.replace("?CURRENCIES", currencies).replace("?COUNTRIES", countries) + " LIMIT 20"
        t = time.perf_counter()
        rows = list(store.query(q, bindings={"stage": stage}))
        _print(f"{name}: {message[:40]} ({len(rows)} problems)", time.perf_counter() - t)
    t = time.perf_counter()
    n = store.count(stage)
    _print(f"count ({n} triples)", time.perf_counter() - t)
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        size = pool.submit(store.count, stage)
        ck.run_checks(store, stage)
        size.result()
    _print("run_checks + count, as kg.graph runs them", time.perf_counter() - t)


def _old_from_ox(term):
    """kg.store.from_ox as it was before 2026-12-01 (rdflib's constructors, no cache)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def convert(args: argparse.Namespace) -> None:
    from rdflib import URIRef, Variable

    from kg.query import named_query
    from kg.store import OxigraphStore, _converter, _prefix_map, with_bindings

    store = OxigraphStore(args.store, read_only=True)
    pair = {"a": URIRef("https://w3id.org/scidip/id/country/GBR"), "b": URIRef("https://w3id.org/scidip/id/country/FRA")}
    for name in ("funding", "unsigned-agreements", "agreements-between"):
        text = named_query(name).text
        if name == "agreements-between":
            text = with_bindings(text, pair)
        t = time.perf_counter()
        raw = store.oxigraph.query(text, prefixes=_prefix_map(), use_default_graph_as_union=True)
        items = list(raw)
        evaluation = time.perf_counter() - t
        names = [v.value for v in raw.variables]
        old, new = [], []
        for _ in range(3):
            t = time.perf_counter()
            before = [{Variable(n): _old_from_ox(sol[n]) for n in names if sol[n] is not None} for sol in items]
            old.append(time.perf_counter() - t)
            t = time.perf_counter()
            conv, variables = _converter(), [Variable(n) for n in names]
            after = [{v: conv(x) for v, x in zip(variables, sol) if x is not None} for sol in items]
            new.append(time.perf_counter() - t)
        assert before == after
        _print(f"{name} ({len(items)} rows): evaluation", evaluation)
        _print(f"{name}: conversion before", statistics.median(old))
        _print(f"{name}: conversion after", statistics.median(new))


def delete(args: argparse.Namespace) -> None:
    import pyoxigraph as ox

    from kg.vocab import graph_iri

    copy = Path(f"{args.store}-copy")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.store, copy)
    try:
        store = ox.Store(str(copy))
        g = ox.NamedNode(str(graph_iri(args.source)))
        t = time.perf_counter()
        if args.mode == "remove_graph":
            store.remove_graph(g)
        elif args.mode == "sparql":
            q = f"DELETE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }} LIMIT {args.batch} }} }}"
            while store.query(f"ASK {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}"):
                store.update(q)
                if args.flush:
                    store.flush()
        else:
            while batch := list(itertools.islice(store.quads_for_pattern(None, None, None, g), args.batch)):
                for q in batch:
                    store.remove(q)
                if args.flush:
                    store.flush()
        store.flush()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _print(f"delete {args.mode} (batch {args.batch}{', flush after each' if args.flush else ''})", time.perf_counter() - t, f", max RSS {rss:.0f} MB")
        del store
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["checks", "convert", "delete"])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--source", default="b1m", help="source id (checks, delete)")
    ap.add_argument("--mode", choices=["sparql", "remove", "remove_graph"], default="sparql")
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--flush", action="store_true", help="delete: flush the store after each batch (as kg.store does)")
    args = ap.parse_args(argv)
    {"checks": checks, "convert": convert, "delete": delete}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
