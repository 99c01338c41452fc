"""The kg command: documented, thin, and clear about errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_and_is_in_the_readme(name):
    cmd = main.commands[name]
    assert cmd.help and len(cmd.help.strip()) > 20, f"{name} has no help text"
    r = CliRunner().invoke(main, [name, "--help"])
    assert r.exit_code == 0 and "Usage:" in r.output
    assert re.search(rf"`kg(?: \[--store [A-Z]+\])? {name}\b", README.read_text("utf-8")), f"`kg {name}` is not documented in README.md"


def test_every_option_has_help():
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help, f"kg {name} {p.opts[0]} has no help"


def test_demo_builds_the_store_and_answers(tmp_path):
    store = tmp_path / "s"
    r = CliRunner().invoke(main, ["--store", str(store), "demo"])
    assert r.exit_code == 0, r.output
    assert "UK-Korea Science Deal" in r.output and "Michelle Donelan" in r.output
    assert "sdid:country/NLD" in r.output  # the UK's quantum partners
    assert store.is_dir()
    # the store stays for the next commands
    r = CliRunner().invoke(main, ["--store", str(store), "sources", "-f", "json"])
    assert "uk-korea-science-deal-2023" in {s["slug"] for s in json.loads(r.output)}


def test_store_from_environment(tmp_path):
    r = CliRunner().invoke(main, ["ingest", "data/records"], env={"KG_STORE": str(tmp_path / "env")})
    assert r.exit_code == 0, r.output
    assert (tmp_path / "env").is_dir()


@pytest.fixture
def store(tmp_path) -> str:
    s = str(tmp_path / "store")
    assert CliRunner().invoke(main, ["--store", s, "ingest", "data/records"]).exit_code == 0
    return s


def run(store, *args):
    return CliRunner().invoke(main, ["--store", store, *args])


def test_errors_are_one_line_without_traceback(store, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", "utf-8")
    r = run(store, "ingest", str(bad))
    assert r.exit_code == 1
    assert r.output.startswith("Error: ") and "bad.ttl:1" in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_query_errors(store):
    r = run(store, "query", "SELECT WHERE {")
    assert r.exit_code == 1 and "SPARQL syntax error" in r.output
    r = run(store, "query", "--name", "nope")
    assert r.exit_code == 1 and "no named query 'nope'" in r.output
    r = run(store, "query", "--name", "officials", "-p", "country=Atlantis")
    assert r.exit_code == 1 and "unknown country 'Atlantis'" in r.output
    r = run(store, "query")
    assert r.exit_code == 2


def test_query_json_is_w3c_results(store):
    r = run(store, "query", "SELECT ?c WHERE { ?c a sd:Country } ORDER BY ?c", "-f", "json")
    doc = json.loads(r.output)
    assert doc["head"]["vars"] == ["c"]
    assert doc["results"]["bindings"][0]["c"] == {"type": "uri", "value": "https://w3id.org/scidip/id/country/AUS"}


def test_query_ask_and_construct(store):
    assert run(store, "query", "ASK { ?a sd:signedAt ?p }").output.strip() == "true"
    r = run(store, "query", "CONSTRUCT { ?a sd:party ?p } WHERE { ?a sd:party ?p }", "-f", "nquads")
    assert r.exit_code == 0 and "<https://w3id.org/scidip/id/country/KOR>" in r.output
    r = run(store, "query", "CONSTRUCT WHERE { ?a sd:party ?p }", "-f", "csv")
    assert r.exit_code == 1 and "graph" in r.output


def test_query_from_file_and_to_file(store, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?l WHERE { ?p a sd:Place ; rdfs:label ?l } ORDER BY ?l", "utf-8")
    out = tmp_path / "out.tsv"
    r = run(store, "query", "--file", str(q), "-f", "tsv", "-o", str(out))
    assert r.exit_code == 0
    assert out.read_text("utf-8").splitlines() == ["?l", '"Bletchley Park"', '"Royal Society"']


def test_queries_lists_parameters(store):
    r = CliRunner().invoke(main, ["queries"])
    assert "agreements-between -p a=<country> -p b=<country>" in r.output
    doc = json.loads(CliRunner().invoke(main, ["queries", "-f", "json"]).output)
    assert len(doc) >= 12 and all(q["description"] for q in doc)


def test_sources_stats_export_remove(store, tmp_path):
    r = run(store, "stats", "-f", "json")
    st = json.loads(r.output)
    assert st["classes"]["Agreement"] == 9 and st["sources"]["uk-korea-science-deal-2023"] > 300
    out = tmp_path / "seed.ttl"
    r = run(store, "export", "-f", "turtle", "--source", "uk-korea-science-deal-2023", "-o", str(out))
    assert r.exit_code == 0 and "Michelle Donelan" in out.read_text("utf-8")
    r = run(store, "export", "--source", "nope")
    assert r.exit_code == 1 and "no such source: nope" in r.output
    assert run(store, "remove", "uk-korea-science-deal-2023").exit_code == 0
    assert json.loads(run(store, "sources", "-f", "json").output) == []
    assert run(store, "remove", "uk-korea-science-deal-2023").exit_code == 1


def test_validate_files_and_store(store, tmp_path):
    assert run(store, "validate").exit_code == 0
    bad = tmp_path / "x.ttl"
    bad.write_text(
        "@prefix sd: <https://w3id.org/scidip/ontology#> .\n<https://w3id.org/scidip/id/funding/f> a sd:Funding .\n", "utf-8"
    )
    r = run(store, "validate", str(bad))
    assert r.exit_code == 1 and "funding/f" in r.output and "amount" in r.output


def test_store_in_use_by_another_process_is_a_clear_error(store):
    import kg

    with kg.KnowledgeGraph(store):
        r = run(store, "sources")
    assert r.exit_code == 1 and "open in another process" in r.output
