"""Benchmark of the interactive graph: time to write the HTML, and time until the page is
drawn and responding in headless Chromium, for synthetic science-diplomacy networks of
100, 1,000, 10,000 and 50,000 nodes; with ratios against pyvis's defaults where feasible.

    python benchmarks/viz_bench.py                       # all sizes, pyvis up to 1,000 nodes
    python benchmarks/viz_bench.py --sizes 100,1000 --pyvis-max 100 --repeat 3

The browser is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``),
standard library only, with every network request blocked. "drawn" is the page's own clock
(``performance.now()``, from navigation start) at vis-network's first ``afterDrawing``;
"responding" is the wall-clock time from navigation until the page answered a
``Runtime.evaluate`` poll after it had drawn (the main thread was free again).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import viz  # noqa: E402

SD = "https://w3id.org/scidip/ontology#"
ID = "https://w3id.org/scidip/id/"
TOPICS = [
    "Artificial intelligence", "Quantum technologies", "Semiconductors", "Space", "Health", "Energy",
    "Climate change", "Research and development", "Higher education", "Telecommunications", "Biotechnology",
    "Critical minerals", "Agriculture and food", "Oceans", "Polar research", "Astronomy", "Nuclear energy",
    "Hydrogen", "Cybersecurity", "Talent exchange", "Particle physics", "Fusion energy", "Robotics", "Batteries",
    "Earth observation", "Vaccines", "Genomics", "Data", "Digital technologies", "Innovation",
]
STATUSES = ["signed", "in force", "announced", "in discussion", "under negotiation", "renewed", "expired"]
KINDS = [("Agreement", 6), ("MemorandumOfUnderstanding", 3), ("Treaty", 1), ("Declaration", 1), ("Partnership", 2)]


def synthetic_network(n: int, seed: int = 0) -> nx.MultiDiGraph:
    """A random science-diplomacy network of about ``n`` nodes, shaped like :func:`kg.network.project`'s:
    countries (a few hubs), agencies, officials and their posts, agreements with 2–6 parties,
    signatories, dates, statuses and topics, funding, events."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.graph["sources"] = {"synthetic": {"title": "Synthetic benchmark data", "url": None, "published": None}}

    def node(kind: str, i: int, label: str, cls: str, group: str, **attrs: Any) -> str:
        iri = f"{ID}{kind}/{i}"
        G.add_node(iri, iri=iri, label=label, cls=cls, classes=[cls], group=group, aliases=[],
                   sources=["synthetic"], n_sources=1, **attrs)
        return iri

    def edge(s: str, o: str, key: str, label: str) -> None:
        G.add_edge(s, o, key=key, predicate=SD + key, label=label, sources=["synthetic"], evidence=[])

    n_countries = max(3, min(190, n // 25))
    n_topics = max(3, min(len(TOPICS), n // 40))
    rest = max(0, n - n_countries - n_topics)
    n_agreements, n_orgs, n_people = int(rest * 0.34), int(rest * 0.2), int(rest * 0.18)
    n_posts, n_funding = int(rest * 0.1), int(rest * 0.1)
    n_events = max(0, rest - n_agreements - n_orgs - n_people - n_posts - n_funding)

    countries = [node("country", i, f"Country {i:03d}", "Country", "country", country=f"C{i:02d}") for i in range(n_countries)]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_countries)]  # a few hub countries
    topics = [node("topic", i, TOPICS[i], "Topic", "topic") for i in range(n_topics)]
    orgs = []
    for i in range(n_orgs):
        c = rng.choices(range(n_countries), weights)[0]
        cls = "Agency" if rng.random() < 0.8 else "InternationalOrganisation"
        o = node("org", i, f"Agency {i} of {G.nodes[countries[c]]['label']}", cls, "organisation", country=f"C{c:02d}")
        edge(o, countries[c], "country", "country")
        orgs.append((o, c))
    posts = []
    for i in range(n_posts):
        c = rng.choices(range(n_countries), weights)[0]
        p = node("post", i, f"Minister {i}", "Post", "post", country=f"C{c:02d}")
        edge(p, countries[c], "postIn", "post in")
        posts.append((p, c))
    people_by_country: dict[int, list[str]] = {}
    for i in range(n_people):
        p_iri, c = posts[i % len(posts)] if posts else (None, rng.randrange(n_countries))
        person = node("person", i, f"Person {i}", "Official", "person", country=f"C{c:02d}",
                      posts=[G.nodes[p_iri]["label"]] if p_iri else [])
        edge(person, countries[c], "country", "country")
        if p_iri:
            edge(person, p_iri, "holdsPost", "holds post")
        people_by_country.setdefault(c, []).append(person)
    agreements = []
    for i in range(n_agreements):
        k = 2 if rng.random() < 0.75 else rng.randint(3, 6)
        parties = set()
        while len(parties) < min(k, n_countries):
            parties.add(rng.choices(range(n_countries), weights)[0])
        cls = rng.choices([c for c, _ in KINDS], [w for _, w in KINDS])[0]
        year, month = rng.randint(1990, 2025), rng.randint(1, 12)
        ts = rng.sample(topics, k=min(len(topics), rng.randint(1, 3)))
        a = node("agreement", i, f"{cls} {i}", cls, "agreement", status=rng.choice(STATUSES),
                 signedOn=f"{year}-{month:02d}-{rng.randint(1, 28):02d}", topics=[G.nodes[t]["label"] for t in ts])
        for c in sorted(parties):
            if orgs and rng.random() < 0.15:
                candidates = [o for o, oc in orgs[:200] if oc == c]
                edge(a, candidates[0] if candidates else countries[c], "party", "party")
            else:
                edge(a, countries[c], "party", "party")
            people = people_by_country.get(c)
            if people and rng.random() < 0.5:
                edge(a, rng.choice(people), "signatory", "signatory")
        for t in ts:
            edge(a, t, "topic", "topic")
        if agreements and rng.random() < 0.1:
            edge(a, rng.choice(agreements), "partOf", "part of")
        agreements.append(a)
    for i in range(n_funding):
        amount = rng.choice([1, 2, 4.5, 10, 14, 50, 270]) * 1e6
        f = node("funding", i, f"Fund {i}", "Funding", "funding", amount=amount, currency=rng.choice(["GBP", "EUR", "USD"]))
        if orgs:
            edge(f, rng.choice(orgs)[0], "funder", "funder")
        if agreements:
            a = rng.choice(agreements)
            edge(a, f, "funding", "funding")
            edge(f, a, "recipient", "recipient")
    for i in range(n_events):
        e = node("event", i, f"Summit {i}", "Event", "event", startDate=f"{rng.randint(2000, 2025)}-0{rng.randint(1, 9)}")
        for c in rng.sample(range(n_countries), k=min(2, n_countries)):
            edge(e, countries[c], "hostedBy", "hosted by")
            people = people_by_country.get(c)
            if people:
                edge(e, rng.choice(people), "participant", "participant")
        edge(e, rng.choice(topics), "topic", "topic")
    return G


# --- pyvis's defaults, for comparison ---------------------------------------------------


def pyvis_default_html(G: nx.MultiDiGraph, path: Path) -> float:
    """Write G with pyvis's defaults (Network(directed=True), add_node/add_edge, in_line); seconds taken."""
    from pyvis.network import Network

    t0 = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    for n, d in G.nodes(data=True):
        net.add_node(n, label=d["label"], title=d.get("cls", ""))
    for u, v, k in G.edges(keys=True):
        net.add_edge(u, v, title=k)
    html = net.generate_html()
    elapsed = time.perf_counter() - t0
    # mark the first drawing for the measurement (the benchmark's hook, not pyvis's)
    html = html.replace(
        "network = new vis.Network(container, data, options);",
        "network = new vis.Network(container, data, options);"
        "network.once('afterDrawing', function(){window.kgReadyAt = performance.now();});",
    )
    path.write_text(html, encoding="utf-8")
    return elapsed


# --- headless Chromium over the DevTools protocol (pipe transport) --------------------------


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out), no network."""

    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp(prefix="kg-bench-chromium-")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--window-size=1400,900",
            "about:blank",
        ]

        def fds() -> None:  # the child's fd 3 reads our commands, fd 4 writes replies
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)  # above 4, so dup2 cannot be a no-op
            os.dup2(a, 3)  # dup2 makes them inheritable
            os.dup2(b, 4)

        # close_fds=False: the fds dup2'ed to 3 and 4 in the child must survive until exec
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        return self._id

    def _read(self) -> dict:
        while b"\0" not in self._buf:
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        i = self._send(method, params, session)
        while True:
            msg = self._read()
            if msg.get("id") == i:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def open(self, url: str, timeout: float) -> dict[str, Any]:
        """Open ``url`` in a new tab; wait until the page has drawn; return timings and errors."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Runtime.enable", session=session)
        self.events.clear()
        t0 = time.perf_counter()
        self.call("Page.navigate", {"url": url}, session=session)
        drawn = responding = None
        while time.perf_counter() - t0 < timeout:
            r = self.call("Runtime.evaluate", {"expression": "window.kgReadyAt || null", "returnByValue": True}, session=session)
            value = r.get("result", {}).get("value")
            if value:
                drawn, responding = value / 1000, time.perf_counter() - t0
                break
            time.sleep(0.05)
        errors = [e["params"] for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
        errors += [e["params"] for e in self.events if e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error"]
        self.call("Target.closeTarget", {"targetId": target})
        return {"drawn": drawn, "responding": responding, "errors": errors}

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:  # pragma: no cover
            self.proc.kill()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self.profile, ignore_errors=True)


# --- the benchmark -------------------------------------------------------------------------


def _fmt(x: float | None, timeout: float) -> str:
    return f">{timeout:.0f} s" if x is None else f"{x:.2f} s"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000,50000")
    ap.add_argument("--pyvis-max", type=int, default=1000, help="largest size to also render with pyvis's defaults")
    ap.add_argument("--repeat", type=int, default=1, help="browser runs per page (median reported)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a page to draw")
    ap.add_argument("--keep", type=Path, default=None, help="keep the HTML pages in this folder")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out = args.keep or Path(tempfile.mkdtemp(prefix="kg-viz-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    binary = chromium_binary()
    browser = Browser(binary) if binary else None
    if browser is None:
        print("chromium not found: only the time to write the HTML is measured")
    rows = []
    graphs = {}
    try:
        for n in sizes:  # our pages first, so that a slow pyvis page cannot disturb their timings
            t0 = time.perf_counter()
            G = graphs[n] = synthetic_network(n)
            gen = time.perf_counter() - t0
            t0 = time.perf_counter()
            html, info = viz.network_html(G, title=f"Synthetic network, {n} nodes", max_nodes=None, return_info=True)
            write = time.perf_counter() - t0
            page = out / f"kg-{n}.html"
            page.write_text(html, encoding="utf-8")
            row: dict[str, Any] = {"n": len(G), "edges": G.number_of_edges(), "gen": gen, "write": write,
                                   "layout": info["layout_seconds"], "layout_kind": info["layout"],
                                   "physics": info["physics"], "mb": page.stat().st_size / 1e6}
            if browser:
                runs = [browser.open(page.as_uri(), args.timeout) for _ in range(args.repeat)]
                row["drawn"] = _median([r["drawn"] for r in runs])
                row["responding"] = _median([r["responding"] for r in runs])
                row["errors"] = sum(len(r["errors"]) for r in runs)
            rows.append(row)
            _print_row(row, args.timeout)
        for n, row in zip(sizes, rows):
            if n > args.pyvis_max:
                continue
            ppage = out / f"pyvis-{n}.html"
            row["pv_write"] = pyvis_default_html(graphs[n], ppage)
            row["pv_mb"] = ppage.stat().st_size / 1e6
            if browser:
                runs = [browser.open(ppage.as_uri(), args.timeout) for _ in range(args.repeat)]
                row["pv_drawn"] = _median([r["drawn"] for r in runs])
                row["pv_responding"] = _median([r["responding"] for r in runs])
            _print_row(row, args.timeout)
    finally:
        if browser:
            browser.close()
    print()
    print(f"pages in {out}")
    print("| nodes | edges | layout | physics | write HTML (of which layout) | MB | drawn | responding | errors | pyvis write | pyvis MB | pyvis drawn | ratio drawn (pyvis/kg) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ratio = ""
        if r.get("pv_drawn") and r.get("drawn"):
            ratio = f"{r['pv_drawn'] / r['drawn']:.0f}×"
        elif "pv_drawn" in r and r.get("drawn"):
            ratio = f">{args.timeout / r['drawn']:.0f}×"
        print(
            f"| {r['n']:,} | {r['edges']:,} | {r['layout_kind']} | {'on' if r['physics'] else 'off'} | "
            f"{r['write']:.2f} s ({r['layout']:.2f} s) | {r['mb']:.1f} | "
            f"{_fmt(r.get('drawn'), args.timeout) if 'drawn' in r else '–'} | "
            f"{_fmt(r.get('responding'), args.timeout) if 'responding' in r else '–'} | {r.get('errors', '–')} | "
            f"{(str(round(r['pv_write'], 2)) + ' s') if 'pv_write' in r else '–'} | "
            f"{(str(round(r['pv_mb'], 1))) if 'pv_mb' in r else '–'} | "
            f"{_fmt(r.get('pv_drawn'), args.timeout) if 'pv_write' in r and browser else '–'} | {ratio} |"
        )
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


def _median(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return statistics.median(vals) if len(vals) == len(xs) and vals else None


def _print_row(r: dict[str, Any], timeout: float) -> None:
    parts = [f"n={r['n']:,} edges={r['edges']:,}", f"write {r['write']:.2f} s (layout {r['layout_kind']} {r['layout']:.2f} s)",
             f"{r['mb']:.1f} MB"]
    if "drawn" in r:
        parts.append(f"drawn {_fmt(r['drawn'], timeout)}, responding {_fmt(r['responding'], timeout)}, errors {r['errors']}")
    if "pv_write" in r:
        parts.append(f"pyvis: write {r['pv_write']:.2f} s, {r['pv_mb']:.1f} MB")
        if "pv_drawn" in r:
            parts.append(f"pyvis drawn {_fmt(r['pv_drawn'], timeout)}")
    print(" | ".join(parts), flush=True)


if __name__ == "__main__":
    main()
