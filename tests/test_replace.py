"""Replacing a large (staged) source: a roll-forward journal, never a mix of old and new.

A failure before the journal entry is written leaves the store byte for byte as it was; a
failure after it is completed when the store is next opened."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
import kg.checks
import kg.store
from kg.vocab import SD, graph_iri

from .test_ingest import snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate  # noqa: E402

SLUG = "generated"


def _generated(directory: Path, size: int, seed: int) -> Path:
    path = directory / f"gen-{size}-{seed}.nt"
    with path.open("w", encoding="utf-8") as f:
        generate(size, f, seed=seed)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("generated")
    return {
        "old": _generated(d, 4_000, 1), "new": _generated(d, 4_000, 2),
        "old100k": _generated(d, 100_000, 1), "new100k": _generated(d, 100_000, 2),
    }


def _triples(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)}


def _graph_triples(graph: kg.KnowledgeGraph) -> set[ox.Triple]:
    g = ox.NamedNode(str(graph_iri(SLUG)))
    return {ox.Triple(q.subject, q.predicate, q.object) for q in graph.store.oxigraph.quads_for_pattern(None, None, None, g)}


def _assert_is_new_source(graph: kg.KnowledgeGraph, new: Path) -> None:
    assert _graph_triples(graph) == _triples(new)
    [info] = [s for s in graph.sources() if s.slug == SLUG]
    assert info.file == new.name and info.triples == len(_triples(new))
    oxs = graph.store.oxigraph
    assert not [g for g in oxs.named_graphs() if "_staging" in g.value]
    assert not list(oxs.quads_for_pattern(None, ox.NamedNode(str(SD["replacingFrom"])), None, None))


@pytest.fixture
def small_batches(monkeypatch):
    """Batches far smaller than the data, so that every step runs several times."""
    monkeypatch.setattr(kg.store, "DELETE_BATCH", 500)
    monkeypatch.setattr(kg.store, "COPY_BATCH", 700)
    monkeypatch.setattr(kg.store, "CHUNK_LINES", 1_000)


def test_replacing_a_100k_source_gives_exactly_the_new_triples(tmp_path, files):
    with kg.KnowledgeGraph(tmp_path / "store") as graph:
        [first] = graph.ingest(files["old100k"], bulk=True, slug=SLUG)
        [second] = graph.ingest(files["new100k"], bulk=True, slug=SLUG)
        assert second.replaced and second.previous == first.triples
        assert second.triples == len(_triples(files["new100k"]))
        _assert_is_new_source(graph, files["new100k"])


class _Failing:
    """The real Oxigraph store, except that the ``n``-th call of ``method`` (whose first
    argument mentions ``text``, if given) fails like a crash."""

    def __init__(self, inner: ox.Store, method: str, *, n: int = 1, text: str | None = None):
        self._inner, self._method, self._n, self._text = inner, method, n, text

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name != self._method:
            return attr

        def call(*a, **k):
            if self._text is None or (a and self._text in str(a[0])):
                self._n -= 1
                if self._n == 0:
                    raise OSError(f"simulated crash in {name}")
            return attr(*a, **k)

        return call


def _old_store(tmp_path: Path, files: dict[str, Path]) -> kg.KnowledgeGraph:
    graph = kg.KnowledgeGraph(tmp_path / "store")
    graph.ingest(files["old"], bulk=True, slug=SLUG)
    return graph


@pytest.mark.parametrize(
    "step",
    [
        ("bulk_load", 2, None),  # while the new data is loaded into the staging graph (2nd chunk)
        ("checks", 1, None),  # while it is checked
        ("extend", 1, None),  # writing the new description beside the old
        ("update", 1, "replacingFrom"),  # the commit: the journal entry
    ],
)
def test_a_failure_before_the_journal_leaves_the_old_source(tmp_path, files, small_batches, monkeypatch, step):
    method, n, text = step
    graph = _old_store(tmp_path, files)
    before = snapshot(graph)
    real = graph.store._ox
    if method == "checks":

        def broken(*_a, **_k):
            raise OSError("simulated crash in the checks")

        monkeypatch.setattr(kg.checks, "run_checks", broken)
    else:
        graph.store._ox = _Failing(real, method, n=n, text=text)
    try:
        with pytest.raises((OSError, kg.KGError), match="simulated crash"):
            graph.ingest(files["new"], bulk=True, slug=SLUG)
    finally:
        graph.store._ox = real
    assert snapshot(graph) == before
    assert not [g for g in real.named_graphs() if "_staging" in g.value]
    graph.close()


@pytest.mark.parametrize(
    "step",
    [
        ("update", 2, "DELETE"),  # clearing the old data, after the first batch
        ("bulk_extend", 2, None),  # copying the new data, after the first chunk
        ("update", 1, "ADD SILENT GRAPH"),  # writing the new description
        ("update", 1, "DELETE { GRAPH <https://w3id.org/scidip/graph/_staging/generated>"),  # dropping the staging graph
    ],
)
def test_a_failure_after_the_journal_is_rolled_forward_on_open(tmp_path, files, small_batches, step):
    method, n, text = step
    graph = _old_store(tmp_path, files)
    real = graph.store._ox
    graph.store._ox = _Failing(real, method, n=n, text=text)
    try:
        with pytest.raises(kg.StoreError, match="simulated crash"):
            graph.ingest(files["new"], bulk=True, slug=SLUG)
    finally:
        graph.store._ox = real
    graph.close()
    del real  # the last reference to the store: releases its lock (a crashed process's would be gone)
    gc.collect()
    with kg.KnowledgeGraph(tmp_path / "store") as reopened:
        _assert_is_new_source(reopened, files["new"])
