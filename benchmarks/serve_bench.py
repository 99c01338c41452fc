"""Load test of `kg serve`: the server in one process, clients in this one, on loopback.

    python benchmarks/serve_bench.py                   # 2,000 requests over 4 threads
    python benchmarks/serve_bench.py --requests 5000 --threads 8 --store kg-store

Builds a store from the bundled records in a temporary directory (unless --store is
given), starts `kg serve` on a free port in a subprocess, and sends a bounded number of
requests: a few competency questions as SPARQL (POST application/sparql-query, JSON
results) and one through the named-query route. Each connection is kept alive. Reports
requests per second, latency percentiles, and checks that every request was answered
200 with the expected number of rows (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from kg import KnowledgeGraph
from kg.bundled import TopicIndex, data_dir
from kg.query import named_query
from kg.store import with_bindings
from kg.vocab import country_iri

SERVE = "import kg.cli_serve; from kg.cli import main; main()"  # works before and after kg.cli imports cli_serve


def workload() -> list[tuple[str, str, bytes | None]]:
    """(label, path, body): SPARQL bodies POSTed to /sparql, or a GET of a named query."""
    quantum = TopicIndex.default().get("quantum")
    asks = [
        ("cq1 agreements-between", "agreements-between", {"a": country_iri("GBR"), "b": country_iri("KOR")}),
        ("cq9 officials", "officials", {"country": country_iri("KOR")}),
        ("cq10 partners-on-topic", "partners-on-topic", {"country": country_iri("GBR"), "topic": quantum}),
        ("cq5 funding", "funding", {}),
    ]
    out: list[tuple[str, str, bytes | None]] = [
        (label, "/sparql", with_bindings(named_query(name).text, bindings).encode()) for label, name, bindings in asks
    ]
    out.append(("named signatories", "/named/signatories?" + urllib.parse.urlencode({"agreement": "UK-Korea Science Deal"}), None))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("kg serve did not become ready")


def rows_of(body: bytes) -> int:
    doc = json.loads(body)
    return len(doc["results"]["bindings"]) if "results" in doc else 1


def client(port: int, jobs: list[tuple[str, str, bytes | None]], out: list, expected: dict[str, int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for label, path, body in jobs:
        t = time.perf_counter()
        try:
            if body is None:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            else:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
            r = conn.getresponse()
            payload = r.read()
            status = r.status
            ok = status == 200 and rows_of(payload) == expected[label]
        except (OSError, http.client.HTTPException) as e:
            status, ok = type(e).__name__, False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((label, time.perf_counter() - t, status, ok))
    conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--workers", type=int, default=4, help="query workers of the server")
    ap.add_argument("--store", help="an existing store directory (default: a temporary one with the bundled records)")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    store = args.store
    if store is None:
        store = str(Path(tmp.name) / "store")
        with KnowledgeGraph(store) as kg:
            kg.ingest(data_dir() / "records")
    port = free_port()
    cmd = [sys.executable, "-c", SERVE, "--store", store, "serve", "--port", str(port), "--quiet", "--workers", str(args.workers)]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    try:
        wait_ready(port, proc)
        jobs = workload()
        # the expected row counts, from one sequential round
        expected: dict[str, int] = {}
        for job in jobs:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {"Accept": "application/sparql-results+json"}
            if job[2] is None:
                c.request("GET", job[1], headers=headers)
            else:
                c.request("POST", job[1], body=job[2], headers=headers | {"Content-Type": "application/sparql-query"})
            r = c.getresponse()
            assert r.status == 200, (job[0], r.status, r.read()[:200])
            expected[job[0]] = rows_of(r.read())
            c.close()

        per_thread = [[jobs[(t + i) % len(jobs)] for i in range(t, args.requests, args.threads)] for t in range(args.threads)]
        results: list = []
        threads = [threading.Thread(target=client, args=(port, js, results, expected)) for js in per_thread]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()

    sent = sum(len(js) for js in per_thread)
    statuses = Counter(str(s) for _l, _d, s, _ok in results)
    good = sum(1 for *_x, ok in results if ok)
    lat = sorted(d for _l, d, _s, _ok in results)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000

    print(f"kg serve on loopback: {sent} requests, {args.threads} client threads (keep-alive), {args.workers} server workers")
    print(f"queries: {', '.join(f'{k} ({v} rows)' for k, v in expected.items())}")
    print(f"elapsed {elapsed:.2f} s  ->  {sent / elapsed:.0f} requests/s")
    print(f"latency ms: p50 {pct(50):.1f}  p90 {pct(90):.1f}  p99 {pct(99):.1f}  max {lat[-1] * 1000:.1f}  mean {statistics.mean(lat) * 1000:.1f}")
    by_label: dict[str, list[float]] = {}
    for label, d, _s, _ok in results:
        by_label.setdefault(label, []).append(d * 1000)
    for label, ds in by_label.items():
        print(f"  {label:<26} n={len(ds):<5} median {statistics.median(ds):6.1f} ms")
    print(f"statuses: {dict(statuses)}; answered 200 with the expected rows: {good}/{sent}; lost: {sent - good}")
    return 0 if good == sent == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
