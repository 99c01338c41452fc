"""Extraction from the sample articles and the seed: validity, provenance, quality bar, CQs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.namespace import RDF, RDFS

import kg
from kg.evaluate import evaluate
from kg.ingest.text import extract
from kg.validate import validate_graph
from kg.vocab import SD

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = sorted((ROOT / "data" / "articles").glob("*.txt"))
GOLD = ROOT / "tests" / "gold"
SEED = ROOT.parent / "shared" / "seed" / "uk-korea-science-deal-2023.txt"
SEED_GOLD = ROOT.parent / "shared" / "gold" / "uk-korea-science-deal-2023.gold.json"


@pytest.fixture(scope="module")
def extracted():
    return {p.stem: extract(p) for p in ARTICLES}


def test_every_sample_article_extracts_valid_graph_with_provenance(extracted):
    assert len(extracted) == len(ARTICLES) >= 14
    for stem, src in extracted.items():
        assert not validate_graph(src.graph), stem
        assert src.meta.extractor.startswith("scidip-kg rules ")
        assert src.meta.kind == "news article" and src.meta.published is not None and src.meta.title
        # an agreement, an amount of money, an event or the bodies at work: what every sample article
        # is about (the ESA council's article states its agreements only as "cooperation" and "talks",
        # which the rules do not take; the Chang'e-6 article reports a handover ceremony; the IPBES
        # article an assessment by an intergovernmental body)
        about = {SD.Agreement, SD.Funding, SD.Event, SD.Organisation, SD.InternationalOrganisation, SD.Agency}
        assert any(set(src.graph.subjects(RDF.type, c)) for c in about), stem
        for node in set(src.graph.subjects(RDF.type, None)) - set(src.graph.subjects(RDF.type, SD.Post)):
            if (node, RDF.type, SD.Topic) not in src.graph:
                assert (node, SD.evidence, None) in src.graph, (stem, node)


def test_quality_bar_on_sample_articles(extracted):
    pairs = [(GOLD / f"{stem}.gold.json", src.graph) for stem, src in extracted.items()]
    report = evaluate(pairs)
    ents, rels = report.micro("entities"), report.micro("relations")
    print(report.format())
    # the bar is 0.90 / 0.75; on the 82 development articles it stands at 0.831 / 0.699
    assert ents.f1 >= 0.82 and rels.f1 >= 0.69


# held-out sets: eight annotated articles each, written without sight of the extractor and never tuned on, below
# the bar; the floors guard against regressions. tests/heldout is the tenth set (2026-12-02: entity F1 0.724,
# relation F1 0.473; 0.716 / 0.469 when first scored), tests/heldout11 the eleventh (0.781 / 0.525; 0.781 / 0.522
# when first scored)
@pytest.mark.parametrize(("folder", "entity_floor", "relation_floor"), [("heldout", 0.70, 0.45), ("heldout11", 0.75, 0.49)])
def test_held_out_articles_do_not_regress(folder, entity_floor, relation_floor):
    heldout = ROOT / "tests" / folder
    pairs = [(g, heldout / g.name.replace(".gold.json", ".txt")) for g in sorted(heldout.glob("*.gold.json"))]
    assert len(pairs) == 8
    report = evaluate(pairs)
    assert report.micro("entities").f1 >= entity_floor and report.micro("relations").f1 >= relation_floor


def test_same_entity_from_two_articles_is_one_node():
    kgraph = kg.KnowledgeGraph()
    kgraph.ingest(ROOT / "data" / "articles" / "india-artemis-accords-icet-2023.txt", ROOT / "data" / "articles" / "uae-gateway-airlock-2024.txt")
    rows = list(kgraph.query("SELECT DISTINCT ?n WHERE { GRAPH ?g { ?n rdfs:label ?l } FILTER(?l = 'National Aeronautics and Space Administration') }"))
    assert len(rows) == 1
    graphs = list(kgraph.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?n rdfs:label 'Bill Nelson' } }"))
    assert len(graphs) == 2


@pytest.fixture(scope="module")
def seed_graph():
    if not SEED.exists():
        pytest.skip("../shared seed article is not present")
    published = json.loads(SEED_GOLD.read_text("utf-8"))["published"] if SEED_GOLD.exists() else "2023-11-22"
    src = extract(SEED, published=published)
    g = kg.KnowledgeGraph()
    g.write([src])
    return g, src


def _labels(rows, var="label"):
    return {str(r[var]) for r in rows}


def test_seed_agreements_between_uk_and_korea(seed_graph):
    g, _ = seed_graph
    rows = list(g.run("agreements-between", a="GBR", b="KOR"))
    labels = " | ".join(_labels(rows)).lower()
    assert "uk-korea science deal" in labels
    assert "memorandum of understanding between innovate uk and the korea institute for advancement of technology" in labels
    assert "accord" in labels
    coop = [r for r in rows if "cooperation agreement" in str(r["label"]).lower()]
    assert coop and str(coop[0]["status"]).lower() == "in discussion"


def test_seed_signatories_with_posts_and_countries(seed_graph):
    g, _ = seed_graph
    rows = list(g.run("signatories", agreement="UK-Korea Science Deal"))
    by_name = {str(r["name"]): r for r in rows}
    assert set(by_name) == {"Michelle Donelan", "Bang Moon-kyu", "Lee Jong Ho"}
    assert str(by_name["Michelle Donelan"]["country"]).endswith("/GBR")
    assert str(by_name["Bang Moon-kyu"]["country"]).endswith("/KOR") and str(by_name["Lee Jong Ho"]["country"]).endswith("/KOR")
    assert "secretary of state for science" in str(by_name["Michelle Donelan"]["post"]).lower()
    assert "trade, industry and energy" in str(by_name["Bang Moon-kyu"]["post"])


def test_seed_topics_funding_place_hosting_partners_evidence(seed_graph):
    g, _ = seed_graph
    topics = _labels(g.run("topics", agreement="UK-Korea Science Deal"))
    assert {"Artificial intelligence", "Semiconductors"} <= topics and any("Quantum" in t for t in topics)
    amounts = {(int(float(str(r["amount"]))), str(r["currency"])) for r in g.run("funding")}
    assert {(4500000, "GBP"), (270000000, "GBP"), (14000000, "GBP"), (4000000, "GBP")} <= amounts
    assert "Royal Society" in _labels(g.run("signed-at", agreement="UK-Korea Science Deal"))
    assert "Square Kilometre Array Observatory" in _labels(g.run("hosted-organisations", country="GBR"))
    partners = {str(r["partner"]).rsplit("/", 1)[-1] for r in g.run("partners-on-topic", country="GBR", topic="quantum")}
    assert {"KOR", "CAN", "AUS", "NLD"} <= partners
    ev = [str(r["evidence"]) for r in g.run("evidence", entity="UK-Korea Science Deal") if r["evidence"] is not None]
    assert any("Royal Society" in e for e in ev)
