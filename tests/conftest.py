"""Shared fixtures: the bundled seed graph, the shared seed inputs, fresh stores."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.bundled import data_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_kg() -> kg.KnowledgeGraph:
    """An in-memory knowledge graph of the bundled curated seed records (read-only use)."""
    graph = kg.KnowledgeGraph()
    graph.ingest(data_dir() / "records")
    return graph


@pytest.fixture
def fresh_kg(tmp_path: Path) -> kg.KnowledgeGraph:
    """An on-disk store in a temporary directory, with the seed records ingested."""
    graph = kg.KnowledgeGraph(tmp_path / "store")
    graph.ingest(data_dir() / "records")
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "spec").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


def labels(result, var: str = "label") -> set[str]:
    return {str(row[var]) for row in result}


def iris(result, var: str) -> set[str]:
    return {str(row[var]).rsplit("/", 1)[-1] for row in result}
