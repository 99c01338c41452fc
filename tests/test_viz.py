"""The interactive page: self-contained, text never parsed as HTML, sized for large graphs."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import time
from importlib import resources

import networkx as nx
import pytest

from kg import viz
from kg.network import actor_network, project

pytest.importorskip("pyvis")

ID = "https://w3id.org/scidip/id/"


@pytest.fixture(scope="module")
def page(seed_kg) -> str:
    return viz.to_html(seed_kg)


def payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, re.S)


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    groups = ["country", "organisation", "agreement", "person", "topic"]
    for i in range(n):
        g = groups[0] if i < max(3, n // 30) else rng.choice(groups[1:])
        G.add_node(f"{ID}x/{i}", iri=f"{ID}x/{i}", label=f"Node {i}", group=g, cls=g.title(), aliases=[], sources=[])
    hubs = max(3, n // 30)
    for i in range(hubs, n):
        for _ in range(rng.randint(1, 3)):
            G.add_edge(f"{ID}x/{i}", f"{ID}x/{rng.randrange(hubs)}", key="party", label="party")
        if rng.random() < 0.3:
            G.add_edge(f"{ID}x/{i}", f"{ID}x/{rng.randrange(n)}", key="partOf", label="part of")
    return G


# --- self-contained and safe ------------------------------------------------------------------


def test_page_is_one_file_with_no_request_to_any_host(page):
    assert page.startswith("<!DOCTYPE html>")
    without_data = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    assert not re.search(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=""", without_data, re.I)
    assert "cdn" not in without_data.lower() and "@import" not in without_data
    assert "sourceMappingURL" not in page
    assert 'id="kg-network"' in page and "vis.Network" in page


def test_content_security_policy_allows_only_the_pages_own_scripts(page):
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    hashes = set(re.findall(r"'(sha256-[^']+)'", csp))
    own = {"sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts(page)}
    assert len(own) == 3 and own == hashes
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_vis_network_is_read_from_the_installed_pyvis():
    js = viz.vis_network_js()
    assert "vis-network" in js[:400] and len(js) > 100_000
    assert not resources.files("kg").joinpath("templates").joinpath("vis-network.min.js").is_file()


def test_scripts_never_parse_data_as_html():
    for name in ("app.js", "boot.js"):
        js = resources.files("kg").joinpath("templates", name).read_text("utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in js, f"{name} uses {sink}"


def test_embedded_json_escapes_markup_and_separators():
    G = nx.MultiDiGraph()
    nasty = '</script><script>alert(1)</script> & <!-- \u2028\u2029 <img src=x onerror=alert(1)>'
    G.add_node("a", label=nasty, group="organisation", aliases=["<b>bold</b>"], sources=[])
    G.add_node("b", label="B", group="country", sources=[])
    G.add_edge("a", "b", key="party", label="<i>party</i>")
    html = viz.network_html(G, title="<title> & test")
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in block
    data = json.loads(block)
    assert data["nodes"][0][0] == nasty and data["info"][0]["a"] == ["<b>bold</b>"]
    assert data["relations"] == ["<i>party</i>"]
    assert "<title>&lt;title&gt; &amp; test</title>" in html
    assert html.count("</script>") == 4  # the data block and three scripts, nothing else closes a script


# --- what the page shows ------------------------------------------------------------------------


def test_nodes_carry_class_shape_size_and_tooltip_facts(page):
    data = payload(page)
    assert len(data["nodes"]) == 56 and data["directed"] is True and data["physics"] is True
    by_label = {n[0]: (n, data["info"][i]) for i, n in enumerate(data["nodes"])}
    groups = [g["name"] for g in data["groups"]]
    gbr, gbr_info = by_label["United Kingdom"]
    assert groups[gbr[1]] == "country" and gbr_info["c"] == "Country" and "UK" in gbr_info["a"]
    assert gbr[2] == max(n[2] for n in data["nodes"])  # size by degree: the UK is the biggest
    _, donelan = by_label["Michelle Donelan"]
    assert donelan["p"] == ["Secretary of State for Science, Innovation and Technology"] and donelan["k"] == "GBR"
    _, deal = by_label["UK-Korea Science Deal"]
    assert deal["d"] == {"signed": "2023-11-22"} and deal["s"] == "signed" and "Quantum technologies" in deal["t"]
    assert [data["sources"][i]["title"] for i in deal["r"]] == ["Republic of Korea deal adds to UK quantum momentum"]
    _, fund = by_label["UK-Republic of Korea joint research and innovation partnerships fund"]
    assert fund["m"] == "4,500,000 GBP"
    shapes = {g["name"]: g["shape"] for g in data["groups"]}
    assert shapes["country"] != shapes["agreement"] != shapes["person"]
    legend = {g["name"]: g["count"] for g in data["groups"] if g["count"]}
    assert legend == {"country": 5, "organisation": 7, "person": 7, "post": 6, "agreement": 9, "funding": 4,
                      "event": 4, "topic": 12, "place": 2}


def test_edges_are_directed_and_labelled_and_none_is_dropped(seed_kg, page):
    G = project(seed_kg)
    data = payload(page)
    pairs = {(u, v) for u, v in G.edges() if u != v}
    assert len(data["edges"]) == len(pairs)  # parallel same-direction relations share one arrow
    labels = {data["nodes"][e[0]][0] + " → " + data["nodes"][e[1]][0]: data["relations"][e[2]] for e in data["edges"]}
    assert labels["UK-Korea Science Deal → United Kingdom"] == "party"
    fund = "UK-Republic of Korea joint research and innovation partnerships fund"
    assert labels[f"UK-Korea Science Deal → {fund}"] == "funding"
    assert labels[f"{fund} → UK-Korea Science Deal"] == "recipient"  # the opposite edge is kept too


def test_actor_view_is_undirected_with_weighted_edges(seed_kg):
    data = payload(viz.to_html(seed_kg, view="actors"))
    assert data["directed"] is False and len(data["nodes"]) == 8
    names = [n[0] for n in data["nodes"]]
    ukkor = [e for e in data["edges"] if {names[e[0]], names[e[1]]} == {"United Kingdom", "Republic of Korea"}][0]
    assert data["relations"][ukkor[2]] == "5 agreements" and ukkor[3] == 6.0
    assert "UK-Korea Science Deal" in data["edgeInfo"][str(data["edges"].index(ukkor))]


def test_filters_and_ego_view(seed_kg):
    data = payload(viz.to_html(seed_kg, view="ego", entity="KIAT", depth=1, classes=["agreement", "country", "organisation"]))
    assert sorted(n[0] for n in data["nodes"]) == [
        "Innovate UK-KIAT Memorandum of Understanding", "Korea Institute for Advancement of Technology", "Republic of Korea"]
    empty = payload(viz.to_html(seed_kg, topic="quantum", date_from="2030"))
    assert empty["nodes"] == [] and empty["notes"] == ["Nothing matches this view and these filters."]
    with pytest.raises(TypeError):
        viz.to_html(seed_kg, colour="red")


def test_large_views_are_laid_out_in_python_without_physics_and_trimmed_with_a_notice():
    G = synthetic(1200)
    html, info = viz.network_html(G, max_nodes=1000, return_info=True)
    data = payload(html)
    assert data["physics"] is False and info["physics"] is False
    assert len(data["nodes"]) == 1000
    assert all(n[3] is not None and n[4] is not None for n in data["nodes"])
    assert len(data["notes"]) == 1 and "1,000 best-connected of 1,200 entities" in data["notes"][0]
    small = payload(viz.network_html(synthetic(50)))
    assert small["physics"] is True and small["notes"] == []


def test_layout_is_fast_deterministic_and_spreads_nodes():
    G = synthetic(5000)
    t0 = time.perf_counter()
    pos = viz.layout(G)
    elapsed = time.perf_counter() - t0
    assert elapsed < 5, f"layout took {elapsed:.1f} s"
    assert set(pos) == set(G)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert len({(round(x), round(y)) for x, y in pos.values()}) > 0.97 * len(G)  # hardly any node on top of another
    assert viz.layout(G) == pos
    # disconnected parts are packed beside the main one
    H = nx.Graph([(1, 2), (2, 3), (10, 11)])
    H.add_node(20)
    assert set(viz.layout(H)) == {1, 2, 3, 10, 11, 20}


def test_size_measures(seed_kg):
    G = project(seed_kg)
    for measure in viz.SIZE_MEASURES:
        data = payload(viz.network_html(G, size_by=measure))
        sizes = [n[2] for n in data["nodes"]]
        assert all(s > 0 for s in sizes)
    assert len({n[2] for n in payload(viz.network_html(G, size_by="none"))["nodes"]}) == 1
    with pytest.raises(Exception, match="unknown size measure"):
        viz.network_html(G, size_by="fame")
    assert payload(viz.network_html(actor_network(G), size_by="eigenvector"))["nodes"]


def test_show_returns_a_notebook_object(seed_kg):
    pytest.importorskip("IPython")
    obj = viz.show(seed_kg, view="actors")
    text = obj.data
    assert text.startswith("<iframe sandbox=\"allow-scripts\"") and "srcdoc=\"&lt;!DOCTYPE html&gt;" in text
