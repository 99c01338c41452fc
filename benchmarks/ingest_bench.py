"""Time and peak memory of one ``KnowledgeGraph(store).ingest(file)`` call, end to end.

    python benchmarks/ingest_bench.py /tmp/b1m.nt --store /tmp/s1m            # a new source (store emptied first)
    python benchmarks/ingest_bench.py /tmp/b1m.nt --store /tmp/s1m --keep     # again: replaces the source
    python benchmarks/ingest_bench.py /tmp/b1m.ttl --store /tmp/t1m --slug b1m

Prints one JSON line: seconds, triples/s, max RSS of this process (``ru_maxrss``), the
1-minute load average before and after, and whether the source was new or replaced. Run
each measurement in its own process (as above) so that the peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--store", type=Path, required=True, help="store directory")
    ap.add_argument("--keep", action="store_true", help="keep the store (the ingest then replaces the source)")
    ap.add_argument("--slug", help="source id (default: from the file name)")
    args = ap.parse_args(argv)
    import kg

    if not args.keep:
        shutil.rmtree(args.store, ignore_errors=True)
    load_before = os.getloadavg()[0]
    graph = kg.KnowledgeGraph(args.store)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    options = {"slug": args.slug} if args.slug else {}
    t0 = time.perf_counter()
    [report] = graph.ingest(args.file, bulk=True, **options)
    elapsed = time.perf_counter() - t0
    graph.close()
    print(json.dumps({
        "file": str(args.file),
        "triples": report.triples,
        "replaced": report.replaced,
        "previous": report.previous,
        "seconds": round(elapsed, 2),
        "triples_per_s": round(report.triples / elapsed),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_after_open_mb": round(base_rss),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
