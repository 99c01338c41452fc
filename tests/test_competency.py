"""The competency questions of the spec, answered on the bundled seed data (library and CLI)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import named_queries

from .conftest import iris, labels

DEAL = "UK-Korea Science Deal"


def test_every_competency_question_has_a_named_query():
    assert sorted(q.cq for q in named_queries() if q.cq) == list(range(1, 13))


def test_cq1_agreements_between_gbr_and_kor(seed_kg):
    got = labels(seed_kg.run("agreements-between", a="GBR", b="KOR"))
    assert got == {
        "UK-Korea Science Deal",
        "Innovate UK-KIAT Memorandum of Understanding",  # through the agencies
        "UK-Republic of Korea Downing Street Accord",
        "Cooperation agreement on the Republic of Korea's involvement in the SKAO",
        "UK-Republic of Korea agreement on critical technologies",
        "UK-Republic of Korea dialogue on quantum",
    }
    # any name of a country works, in either order
    assert labels(seed_kg.run("agreements-between", a="South Korea", b="Britain")) == got


def test_cq1_the_skao_agreement_is_in_discussion(seed_kg):
    rows = {str(r.label): str(r.status) for r in seed_kg.run("agreements-between", a="UK", b="ROK")}
    assert rows["Cooperation agreement on the Republic of Korea's involvement in the SKAO"] == "in discussion"


def test_cq2_signatories_with_posts_and_countries(seed_kg):
    got = {(str(r.name), str(r.post), iris([r], "country").pop()) for r in seed_kg.run("signatories", agreement=DEAL)}
    assert got == {
        ("Michelle Donelan", "Secretary of State for Science, Innovation and Technology", "GBR"),
        ("Bang Moon-kyu", "Minister of Trade, Industry and Energy", "KOR"),
        ("Lee Jong-ho", "Minister of Science and ICT", "KOR"),
    }


def test_cq2_agreement_found_by_alias(seed_kg):
    assert len(seed_kg.run("signatories", agreement="science deal")) == 3


def test_cq3_topics(seed_kg):
    got = iris(seed_kg.run("topics", agreement=DEAL), "topic")
    assert {"artificial-intelligence", "quantum-technologies", "semiconductors"} <= got


def test_cq4_part_of_both_ways(seed_kg):
    got = {(str(r.relation), str(r.label)) for r in seed_kg.run("part-of", agreement=DEAL)}
    assert got == {
        ("part of", "UK-Republic of Korea Downing Street Accord"),
        ("contains", "Innovate UK-KIAT Memorandum of Understanding"),
        ("contains", "UK-Republic of Korea agreement on critical technologies"),
        ("contains", "UK-Republic of Korea dialogue on quantum"),
    }
    mou = {(str(r.relation), str(r.label)) for r in seed_kg.run("part-of", agreement="Innovate UK-KIAT MoU")}
    assert ("part of", "UK-Republic of Korea Downing Street Accord") in mou  # transitively


def test_cq5_funding(seed_kg):
    rows = list(seed_kg.run("funding"))
    got = {(Decimal(str(r.amount)), str(r.currency)) for r in rows}
    assert got == {
        (Decimal(4500000), "GBP"),
        (Decimal(270000000), "GBP"),
        (Decimal(14000000), "GBP"),
        (Decimal(4000000), "GBP"),
    }
    by_amount = {Decimal(str(r.amount)): r for r in rows}
    assert str(by_amount[Decimal(270000000)].funder) == "United Kingdom"
    assert str(by_amount[Decimal(270000000)].attachedTo) == "Square Kilometre Array Observatory"
    assert str(by_amount[Decimal(4000000)].funder) == "Innovate UK"
    assert str(by_amount[Decimal(4000000)].shareOf) == "£14m funding for quantum technology projects"
    assert str(by_amount[Decimal(4500000)].attachedTo) == DEAL


def test_cq6_unsigned_agreements(seed_kg):
    got = {(str(r.label), str(r.status)) for r in seed_kg.run("unsigned-agreements")}
    assert got == {
        ("Cooperation agreement on the Republic of Korea's involvement in the SKAO", "in discussion"),
        ("UK-Republic of Korea dialogue on quantum", "announced"),
        ("UK-Canada quantum R&D partnerships", "announced"),
    }


def test_cq7_signed_at(seed_kg):
    rows = list(seed_kg.run("signed-at", agreement=DEAL))
    assert [(str(r.label), str(r.signed)) for r in rows] == [("Royal Society", "2023-11-22")]


def test_cq8_hosted_organisations(seed_kg):
    assert labels(seed_kg.run("hosted-organisations", country="United Kingdom")) == {"Square Kilometre Array Observatory"}
    assert labels(seed_kg.run("hosted-organisations", country="KOR")) == set()


def test_cq9_officials(seed_kg):
    got = {(str(r.name), str(r.post)) for r in seed_kg.run("officials", country="KOR")}
    assert got == {
        ("Bang Moon-kyu", "Minister of Trade, Industry and Energy"),
        ("Lee Jong-ho", "Minister of Science and ICT"),
        ("Yoon Suk Yeol", "President of the Republic of Korea"),
    }
    assert labels(seed_kg.run("officials", country="GBR"), "name") == {"Michelle Donelan", "George Freeman", "Jeremy Hunt"}


def test_cq10_partners_on_topic(seed_kg):
    assert iris(seed_kg.run("partners-on-topic", country="UK", topic="quantum"), "partner") == {"KOR", "CAN", "AUS", "NLD"}
    # a narrower topic finds fewer partners
    assert iris(seed_kg.run("partners-on-topic", country="UK", topic="semiconductors"), "partner") == {"KOR"}


def test_cq11_evidence_names_the_source(seed_kg):
    rows = list(seed_kg.run("evidence", entity="Michelle Donelan"))
    assert {str(r.title) for r in rows} == {"Republic of Korea deal adds to UK quantum momentum"}
    assert {str(r.published) for r in rows} == {"2023-11-22"}
    assert "Secretary of State for Science, Innovation and Technology" in {str(r.value) for r in rows}


def test_cq12_country_organisations(seed_kg):
    got = {(str(r.label), str(r["class"])) for r in seed_kg.run("country-organisations", country="KOR")}
    assert got == {("Korea Institute for Advancement of Technology", "Agency")}
    assert "Innovate UK" in labels(seed_kg.run("country-organisations", country="GBR"))


# --- the same answers through the command line ------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("cli") / "store")
    r = CliRunner().invoke(main, ["--store", store, "ingest", "data/records"])
    assert r.exit_code == 0, r.output
    return store


def _json_rows(store, *args):
    r = CliRunner().invoke(main, ["--store", store, "query", *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_cli_cq1(cli_store):
    rows = _json_rows(cli_store, "--name", "agreements-between", "-p", "a=UK", "-p", "b=Republic of Korea")
    assert len(rows) == 6 and "UK-Korea Science Deal" in {r["label"] for r in rows}


def test_cli_cq2(cli_store):
    rows = _json_rows(cli_store, "--name", "signatories", "-p", f"agreement={DEAL}")
    assert {r["name"] for r in rows} == {"Michelle Donelan", "Bang Moon-kyu", "Lee Jong-ho"}


def test_cli_cq5_csv(cli_store):
    r = CliRunner().invoke(main, ["--store", cli_store, "query", "--name", "funding", "--format", "csv"])
    assert r.exit_code == 0
    lines = r.output.strip().splitlines()
    assert lines[0].startswith("funding,label,amount,currency")
    assert len(lines) == 5


def test_cli_cq10_table(cli_store):
    r = CliRunner().invoke(main, ["--store", cli_store, "query", "-n", "partners-on-topic", "-p", "country=GBR", "-p", "topic=quantum"])
    assert r.exit_code == 0
    for code in ("KOR", "CAN", "AUS", "NLD"):
        assert f"sdid:country/{code}" in r.output
    assert "(4 rows)" in r.output
