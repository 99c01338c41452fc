"""The network projection, views, filters, analyses, exports and `kg analyze`, on the seed graph."""

from __future__ import annotations

import io
import json
from collections import Counter

import networkx as nx
import pytest
from click.testing import CliRunner

import kg.cli_network  # noqa: F401  (registers `kg analyze` and `kg viz`)
from kg.bundled import data_dir
from kg.cli import main
from kg.errors import InputError
from kg.network import (
    Filters,
    actor_network,
    apply_filters,
    bilateral,
    build_view,
    centrality,
    communities,
    connection,
    ego_network,
    export_network,
    partners,
    project,
    resolve_node,
)

ID = "https://w3id.org/scidip/id/"
GBR, KOR = ID + "country/GBR", ID + "country/KOR"
DEAL = ID + "agreement/uk-korea-science-deal"
KIAT = ID + "org/korea-institute-for-advancement-of-technology"
INNOVATE = ID + "org/innovate-uk"
SKAO = ID + "org/square-kilometre-array-observatory"
SEED = "uk-korea-science-deal-2023"


@pytest.fixture(scope="module")
def G(seed_kg) -> nx.MultiDiGraph:
    return project(seed_kg)


def labels(graph: nx.Graph, group: str | None = None) -> set[str]:
    return {d["label"] for _n, d in graph.nodes(data=True) if group is None or d["group"] == group}


# --- projection -----------------------------------------------------------------------------


def test_projection_counts_entities_by_group(G):
    assert len(G) == 56 and G.number_of_edges() == 120
    assert Counter(d["group"] for _n, d in G.nodes(data=True)) == {
        "topic": 12, "agreement": 9, "organisation": 7, "person": 7, "post": 6,
        "country": 5, "event": 4, "funding": 4, "place": 2,
    }


def test_literals_are_attributes_never_nodes(G):
    assert all(n.startswith(ID) for n in G)
    assert "2023-11-22" not in G and "GBP" not in G
    deal = G.nodes[DEAL]
    assert deal["label"] == "UK-Korea Science Deal"
    assert deal["cls"] == "Agreement" and deal["group"] == "agreement"
    assert deal["signedOn"] == "2023-11-22" and deal["status"] == "signed"
    assert set(deal["aliases"]) == {"UK-Republic of Korea science deal", "science deal"}
    assert set(deal["topics"]) >= {"Artificial intelligence", "Quantum technologies", "Semiconductors"}
    assert deal["sources"] == [SEED] and deal["n_sources"] == 1
    fund = G.nodes[ID + "funding/uk-republic-of-korea-joint-research-and-innovation-partnerships-fund"]
    assert fund["amount"] == 4_500_000 and fund["currency"] == "GBP"


def test_entity_attributes(G):
    gbr = G.nodes[GBR]
    assert (gbr["label"], gbr["cls"], gbr["country"]) == ("United Kingdom", "Country", "GBR")
    assert {"UK", "Britain"} <= set(gbr["aliases"])
    donelan = G.nodes[ID + "person/michelle-donelan"]
    assert donelan["cls"] == "Official" and donelan["country"] == "GBR"
    assert donelan["posts"] == ["Secretary of State for Science, Innovation and Technology"]
    assert G.nodes[KIAT]["cls"] == "Agency" and G.nodes[KIAT]["country"] == "KOR"
    assert G.nodes[SKAO]["cls"] == "InternationalOrganisation"
    assert G.nodes[ID + "topic/quantum-technologies"]["label"] == "Quantum technologies"  # label from the topic scheme
    assert G.graph["sources"][SEED]["title"] == "Republic of Korea deal adds to UK quantum momentum"


def test_relations_are_typed_directed_edges_with_sources(G):
    edge = G.get_edge_data(DEAL, GBR)
    assert set(edge) == {"party"}
    assert edge["party"]["label"] == "party"
    assert edge["party"]["predicate"] == "https://w3id.org/scidip/ontology#party"
    assert edge["party"]["sources"] == [SEED]
    assert G.get_edge_data(GBR, DEAL) is None  # directed
    assert set(G.get_edge_data(DEAL, ID + "org/department-for-science-innovation-and-technology")) == {"announcedBy"}
    keys = {k for _u, _v, k in G.edges(keys=True)}
    assert "type" not in keys and "status" not in keys and "label" not in keys


def test_projection_of_named_sources(seed_kg, G):
    H = project(seed_kg, sources=[SEED])
    assert len(H) == len(G) and H.number_of_edges() == G.number_of_edges()
    with pytest.raises(InputError, match="no such source: nope"):
        project(seed_kg, sources=["nope"])


def test_resolving_names(G):
    assert resolve_node(G, "UK") == GBR
    assert resolve_node(G, "South Korea") == KOR
    assert resolve_node(G, "KIAT") == KIAT
    assert resolve_node(G, "sdid:agreement/uk-korea-science-deal") == DEAL
    assert resolve_node(G, "lee jong ho") == ID + "person/lee-jong-ho"
    with pytest.raises(InputError, match="not in this network"):
        resolve_node(G, "France")
    with pytest.raises(InputError, match="no entity called"):
        resolve_node(G, "Atlantis")


# --- views and filters ------------------------------------------------------------------------


def test_actor_network(G):
    A = actor_network(G)
    assert labels(A) == {"United Kingdom", "Republic of Korea", "Australia", "Canada", "Netherlands",
                         "Innovate UK", "Korea Institute for Advancement of Technology", "Square Kilometre Array Observatory"}
    weights = {frozenset((A.nodes[u]["label"], A.nodes[v]["label"])): d["weight"] for u, v, d in A.edges(data=True)}
    assert weights == {
        frozenset(("United Kingdom", "Republic of Korea")): 5,
        frozenset(("United Kingdom", "Australia")): 1,
        frozenset(("United Kingdom", "Canada")): 1,
        frozenset(("United Kingdom", "Netherlands")): 1,
        frozenset(("United Kingdom", "Square Kilometre Array Observatory")): 1,
        frozenset(("Republic of Korea", "Square Kilometre Array Observatory")): 1,
        frozenset(("Innovate UK", "Korea Institute for Advancement of Technology")): 1,
    }
    assert set(A.edges[GBR, KOR]["agreement_labels"]) == {
        "UK-Republic of Korea Downing Street Accord", "UK-Korea Science Deal",
        "UK-Republic of Korea agreement on critical technologies", "UK-Republic of Korea dialogue on quantum",
        "Cooperation agreement on the Republic of Korea's involvement in the SKAO",
    }


def test_actor_network_with_agencies_folded_into_their_country(G):
    A = actor_network(G, fold_agencies=True)
    assert INNOVATE not in A and KIAT not in A
    assert A.edges[GBR, KOR]["weight"] == 6


def test_ego_network(G):
    assert labels(ego_network(G, "KIAT", 1)) == {
        "Korea Institute for Advancement of Technology", "Innovate UK-KIAT Memorandum of Understanding", "Republic of Korea"}
    two = ego_network(G, "KIAT", 2)
    assert "Innovate UK" in labels(two) and "United Kingdom" not in labels(two)  # three relations away
    assert labels(ego_network(G, "KIAT", 0)) == {"Korea Institute for Advancement of Technology"}


def test_filter_by_topic_keeps_narrower_topics(G):
    F = apply_filters(G, Filters(topic="quantum"))
    assert labels(F, "agreement") == {
        "UK-Korea Science Deal", "UK-Republic of Korea agreement on critical technologies",
        "UK-Republic of Korea dialogue on quantum", "UK-Canada quantum R&D partnerships",
        "UK-Australia quantum collaboration agreement", "UK-Netherlands quantum collaboration agreement",
    }
    assert labels(F, "country") == {"United Kingdom", "Republic of Korea", "Canada", "Australia", "Netherlands"}
    assert "Autumn Statement 2023" in labels(F, "event")  # its topic, quantum computing, is narrower


def test_filter_by_status_dates_country_class(G):
    assert labels(apply_filters(G, Filters(status="in discussion"))) == {
        "Cooperation agreement on the Republic of Korea's involvement in the SKAO", "Government of the United Kingdom",
        "Radio astronomy", "Republic of Korea", "Square Kilometre Array Observatory", "United Kingdom"}
    assert labels(apply_filters(G, Filters(date_from="2024"))) == {
        "AI Seoul Summit", "Artificial intelligence", "Republic of Korea", "United Kingdom"}
    assert labels(apply_filters(G, Filters(date_from="2023-11-02", date_to="2023-11-02")), "event") == {"AI Safety Summit 2023"}
    canada = apply_filters(G, Filters(country="Canada"))
    assert labels(canada, "agreement") == {"UK-Canada quantum R&D partnerships"}
    assert labels(canada, "funding") == {"Innovate UK funding for UK-Canada quantum R&D partnerships"}
    F = apply_filters(G, Filters(classes=["country", "Agreement"]))
    assert Counter(d["group"] for _n, d in F.nodes(data=True)) == {"country": 5, "agreement": 9}
    assert len(G) == 56  # filters never change their input
    with pytest.raises(InputError, match="not a date"):
        apply_filters(G, Filters(date_from="last year"))


def test_build_view(seed_kg):
    assert len(build_view(seed_kg)) == 56
    assert len(build_view(seed_kg, "actors")) == 8
    assert labels(build_view(seed_kg, "ego", entity="Innovate UK-KIAT MoU", depth=1)) == {
        "Innovate UK-KIAT Memorandum of Understanding", "Innovate UK", "Korea Institute for Advancement of Technology",
        "Semiconductors", "Research and development", "UK-Korea Science Deal"}
    with pytest.raises(InputError, match="needs an entity"):
        build_view(seed_kg, "ego")
    with pytest.raises(InputError, match="unknown view"):
        build_view(seed_kg, "sideways")


# --- analyses ----------------------------------------------------------------------------------


def test_centrality_ranking(G):
    rows = centrality(G, top=3)
    assert [r["label"] for r in rows] == ["United Kingdom", "UK-Korea Science Deal", "Republic of Korea"]
    assert [r["neighbours"] for r in rows] == [27, 18, 13]
    assert rows[0]["rank"] == 1 and rows[0]["degree"] == pytest.approx(27 / 55, abs=1e-6)
    assert centrality(G, by="betweenness", top=1)[0]["label"] == "United Kingdom"
    assert centrality(G, by="eigenvector", top=1)[0]["label"] == "United Kingdom"
    countries = centrality(G, by="betweenness", groups={"country"}, top=None)
    assert [r["label"] for r in countries[:2]] == ["United Kingdom", "Republic of Korea"] and len(countries) == 5
    with pytest.raises(InputError):
        centrality(G, by="fame")


def test_shortest_connection_as_a_chain_of_facts(G):
    c = connection(G, "GBR", "KOR")
    assert c.nodes == [GBR, DEAL, KOR]
    assert c.text == "United Kingdom –party of→ UK-Korea Science Deal ←party of– Republic of Korea"
    assert c.length == 2 and c.alternatives == 6  # five shared agreements and the co-hosted summit
    assert [(f.subject, f.label, f.object) for f in c.facts] == [(DEAL, "party", GBR), (DEAL, "party", KOR)]
    assert c.facts[0].sources == [SEED]
    assert connection(G, "Michelle Donelan", "KIAT").text == (
        "Michelle Donelan –signatory of→ UK-Korea Science Deal ←party of– Republic of Korea "
        "←country– Korea Institute for Advancement of Technology")


def test_no_connection(G):
    H = G.copy()
    H.add_node(ID + "country/FRA", iri=ID + "country/FRA", label="France", group="country", cls="Country", aliases=[])
    assert connection(H, "GBR", "France") is None
    assert connection(G, "GBR", "UK").length == 0


def test_communities(G):
    rows = communities(G)
    members = [set(r["iris"]) for r in rows]
    assert set().union(*members) == set(G) and sum(map(len, members)) == len(G)  # a partition
    assert [r["size"] for r in rows] == sorted((r["size"] for r in rows), reverse=True)
    assert communities(G) == rows  # seeded: the same answer every run
    actors = communities(actor_network(G))
    assert {"Innovate UK", "Korea Institute for Advancement of Technology"} in [set(r["members"]) for r in actors]
    assert [set(r["members"]) for r in communities(actor_network(G), method="components")] == [
        {"United Kingdom", "Republic of Korea", "Australia", "Canada", "Netherlands", "Square Kilometre Array Observatory"},
        {"Innovate UK", "Korea Institute for Advancement of Technology"},
    ]


def test_partners_by_topic(G):
    quantum = partners(G, "UK", topic="quantum")
    assert {p["code"] for p in quantum} == {"KOR", "CAN", "AUS", "NLD"}
    assert [(p["code"], p["agreements"]) for p in quantum] == [("KOR", 3), ("AUS", 1), ("CAN", 1), ("NLD", 1)]
    assert [p["code"] for p in partners(G, "KOR")] == ["GBR"]
    assert partners(G, "KOR")[0]["agreements"] == 6  # the MoU counts, through KIAT and Innovate UK
    assert partners(G, "Canada", topic="semiconductors") == []
    assert {p["code"] for p in partners(G, "UK", topic="radio astronomy")} == {"KOR"}


def test_bilateral_intensity(G):
    b = bilateral(G, "UK", "South Korea")
    assert (b.a, b.b) == (GBR, KOR)
    assert {a["label"] for a in b.agreements} == {
        "UK-Republic of Korea Downing Street Accord", "UK-Korea Science Deal",
        "UK-Republic of Korea agreement on critical technologies", "UK-Republic of Korea dialogue on quantum",
        "Innovate UK-KIAT Memorandum of Understanding",
        "Cooperation agreement on the Republic of Korea's involvement in the SKAO",
    }
    assert [a["label"] for a in b.agreements if not a["direct"]] == ["Innovate UK-KIAT Memorandum of Understanding"]
    assert {e["label"] for e in b.events} == {"AI Seoul Summit", "UK-Korea Science Deal signing event at the Royal Society"}
    assert [f["label"] for f in b.funding] == ["UK-Republic of Korea joint research and innovation partnerships fund"]
    assert b.totals == {"GBP": 4_500_000}
    canada = bilateral(G, "GBR", "CAN")
    assert canada.n_agreements == 1 and canada.totals == {"GBP": 4_000_000}
    with pytest.raises(InputError):
        bilateral(G, "UK", "Britain")


# --- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network_reads_back(seed_kg, fmt):
    data = export_network(seed_kg, fmt)
    assert data.startswith(b"<?xml")
    H = nx.read_graphml(io.BytesIO(data)) if fmt == "graphml" else nx.read_gexf(io.BytesIO(data))
    assert len(H) == 56 and H.number_of_edges() == 120
    node = H.nodes[GBR]
    assert node["label"] == "United Kingdom" and node["cls"] == "Country"
    assert "UK" in node["aliases"]  # lists become "a; b" strings
    with pytest.raises(InputError):
        export_network(seed_kg, "dot")


# --- the command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("net") / "store")
    r = CliRunner().invoke(main, ["--store", path, "ingest", str(data_dir() / "records")])
    assert r.exit_code == 0, r.output
    return path


def run(store: str, *args: str) -> str:
    r = CliRunner().invoke(main, ["--store", store, *args])
    assert r.exit_code == 0, r.output
    return r.output


def test_cli_commands_have_help():
    for name in ("analyze", "viz"):
        cmd = main.commands[name]
        assert cmd.help and len(cmd.help) > 20
        assert all(p.help for p in cmd.params if hasattr(p, "help") and p.param_type_name == "option")


def test_cli_analyze(store):
    out = run(store, "analyze", "--top", "3")
    assert out.index("United Kingdom") < out.index("UK-Korea Science Deal") < out.index("Republic of Korea")
    rows = json.loads(run(store, "analyze", "--measure", "betweenness", "--class", "country", "-f", "json"))
    assert [r["label"] for r in rows][:2] == ["United Kingdom", "Republic of Korea"]
    out = run(store, "analyze", "-w", "path", "--from", "UK", "--to", "Republic of Korea")
    assert out.splitlines()[0] == "United Kingdom –party of→ UK-Korea Science Deal ←party of– Republic of Korea"
    path = json.loads(run(store, "analyze", "-w", "path", "--from", "GBR", "--to", "KOR", "-f", "json"))
    assert path["nodes"] == [GBR, DEAL, KOR] and path["length"] == 2
    csv_out = run(store, "analyze", "-w", "partners", "--country", "UK", "--topic", "quantum", "-f", "csv")
    assert csv_out.splitlines()[0] == "code,label,agreements,agreement_labels"
    assert {line.split(",")[0] for line in csv_out.splitlines()[1:]} == {"KOR", "CAN", "AUS", "NLD"}
    b = json.loads(run(store, "analyze", "-w", "bilateral", "--from", "UK", "--to", "South Korea", "-f", "json"))
    assert b["n_agreements"] == 6 and b["totals"] == {"GBP": 4500000.0}
    out = run(store, "analyze", "-w", "communities", "--view", "actors", "--top", "0")
    assert "Innovate UK" in out
    out = run(store, "analyze", "--view", "ego", "--entity", "KIAT", "--top", "0", "-f", "csv")
    assert len(out.strip().splitlines()) == 4


def test_cli_analyze_errors(store):
    r = CliRunner().invoke(main, ["--store", store, "analyze", "-w", "path", "--from", "UK"])
    assert r.exit_code == 2 and "--from and --to" in r.output
    r = CliRunner().invoke(main, ["--store", store, "analyze", "-w", "path", "--from", "UK", "--to", "Atlantis"])
    assert r.exit_code == 1 and "Atlantis" in r.output
    r = CliRunner().invoke(main, ["--store", store, "analyze", "-w", "partners", "--country", "UK", "--topic", "quantumm"])
    assert r.exit_code == 1 and "did you mean" in r.output


def test_cli_viz(store, tmp_path):
    out = tmp_path / "g.html"
    r = CliRunner().invoke(main, ["--store", store, "viz", "-o", str(out), "--topic", "quantum", "--country", "UK"])
    assert r.exit_code == 0, r.output
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "UK-Canada quantum R\\u0026D partnerships" in page
    assert '"Innovate UK-KIAT Memorandum of Understanding"' not in page  # semiconductors, not quantum
