"""The files that ship with the package: ontology, topic scheme, shapes, bundled data.

Everything is read on first use, never at import time, and cached.

>>> topics = TopicIndex.default()
>>> topics.get("AI") == topics.get("artificial intelligence")
True
>>> str(topics.get("quantum")).rsplit("/", 1)[-1]
'quantum-technologies'
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import ResolutionError
from .resolve import normalise_name
from .vocab import SD

__all__ = [
    "ONTOLOGY_FILES",
    "ontology_path",
    "ontology_graph",
    "shapes_graph",
    "data_dir",
    "TopicIndex",
]

ONTOLOGY_FILES = ("scidip.ttl", "topics.ttl")
SHAPES_FILE = "shapes.ttl"


def ontology_path(name: str) -> Path:
    """The path of a bundled ontology file (``scidip.ttl``, ``topics.ttl``, ``shapes.ttl``)."""
    return Path(str(resources.files("kg").joinpath("ontology", name)))


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The OWL ontology and the SKOS topic scheme, as one graph."""
    g = Graph()
    for name in ONTOLOGY_FILES:
        g.parse(ontology_path(name), format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes."""
    return Graph().parse(ontology_path(SHAPES_FILE), format="turtle")


def data_dir() -> Path:
    """The bundled ``data/`` folder: the repository's in a source checkout, else the copy in the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data", here / "_bundled" / "data"):
        if (candidate / "records").is_dir():
            return candidate
    raise FileNotFoundError("the bundled data/ folder is missing from this installation")


class TopicIndex:
    """Topic labels and altLabels of the topic scheme → topic IRIs."""

    def __init__(self, graph: Graph):
        self._by_name: dict[str, URIRef] = {}
        self.labels: dict[URIRef, str] = {}
        for t in graph.subjects(RDF.type, SD.Topic):
            if not isinstance(t, URIRef):
                continue
            pref = graph.value(t, SKOS.prefLabel) or graph.value(t, RDFS.label)
            if pref is not None:
                self.labels[t] = str(pref)
                self._by_name[normalise_name(str(pref))] = t
        for t in self.labels:
            for alt in graph.objects(t, SKOS.altLabel):
                self._by_name.setdefault(normalise_name(str(alt)), t)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> TopicIndex:
        return cls(ontology_graph())

    def get(self, name: str) -> URIRef | None:
        return self._by_name.get(normalise_name(name))

    def resolve(self, name: str, *, where: str | None = None) -> URIRef:
        hit = self.get(name)
        if hit is None:
            close = difflib.get_close_matches(normalise_name(name), list(self._by_name), n=3, cutoff=0.7)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise ResolutionError(
                f"unknown topic {name!r}{hint}; declare it under 'topics:' or see `kg queries` topic list",
                path=where,
            )
        return hit

    def names(self) -> list[str]:
        return sorted(self._by_name)
