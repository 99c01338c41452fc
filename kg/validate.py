"""SHACL validation with pyshacl, and violation messages a person can act on.

A source is validated in memory before it is written (not the whole store), together
with the ontology (for the class hierarchy) and the types of the store's entities it
refers to.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from .bundled import ontology_graph, shapes_graph
from .vocab import SD

__all__ = ["validate_graph", "Violation"]


class Violation:
    """One SHACL result: the shape, the focus node, the path, the value and the message."""

    def __init__(self, shape: str, focus: str, path: str | None, value: str | None, message: str, severity: str):
        self.shape, self.focus, self.path, self.value = shape, focus, path, value
        self.message, self.severity = message, severity

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        val = f" (value {self.value})" if self.value else ""
        return f"{self.shape}: <{self.focus}>{where}: {self.message}{val}"


# rdflib checks the lexical form of xsd:date (``ill_typed``) but accepts any xsd:gYear and
# xsd:gYearMonth; these are XSD 1.1's lexical spaces, as Oxigraph (and so the bulk checks) reads them
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_LEXICAL = {
    XSD.gYear: re.compile(_YEAR + _ZONE),
    XSD.gYearMonth: re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])" + _ZONE),
}


def _ill_formed(term: object) -> bool:
    if not isinstance(term, Literal):
        return False
    if term.ill_typed:
        return True
    pattern = _LEXICAL.get(term.datatype) if term.datatype is not None else None
    return pattern is not None and pattern.fullmatch(str(term)) is None


def _short(term: object, g: Graph) -> str:
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:  # pragma: no cover - odd IRIs
            return str(term)
    if isinstance(term, Literal):
        return repr(str(term)) if term.datatype is None else f"{str(term)!r}^^{_short(term.datatype, g)}"
    return str(term)


@lru_cache(maxsize=1)
def _schema_facts() -> Graph:
    """What validation needs of the ontology: the class hierarchy (SHACL's sh:class and
    sh:targetClass follow rdfs:subClassOf in the data graph) and the typed individuals
    (topics, statuses). Much faster than pyshacl's ontology mixing with inference."""
    onto = ontology_graph()
    g = Graph()
    for s, o in onto.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            g.add((s, RDFS.subClassOf, o))
    for s, o in onto.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(o).startswith(str(SD)):
            g.add((s, RDF.type, o))
    return g


def validate_graph(data: Graph, *, context: Graph | None = None, focus: list[URIRef] | None = None) -> list[Violation]:
    """Validate ``data`` against the shapes; ``context`` adds facts (types of referenced
    entities) that may be read but are not being written; ``focus`` limits the nodes whose
    violations are reported (by default every node). Returns the violations.

    (The whole graph is validated and the results filtered: pyshacl's own ``focus_nodes``
    mode was 8x slower on a 155k-triple table.)"""
    from pyshacl import validate

    target = Graph()
    for part in (data, context, _schema_facts()):
        for t in part or ():
            target.add(t)
    conforms, results, _text = validate(
        target,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    wanted = set(focus) if focus is not None else None
    out: list[Violation] = [
        Violation("well-formed values", str(subj), _short(pred, data), repr(str(obj)), f"not a valid {_short(obj.datatype, data)}", "Violation")
        for subj, pred, obj in data
        if _ill_formed(obj) and (wanted is None or subj in wanted)
    ]
    if conforms:
        return out
    shapes = shapes_graph()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(r, SH.resultSeverity)
        if severity is not None and severity != SH.Violation:
            continue
        source_shape = results.value(r, SH.sourceShape)
        name = None
        if source_shape is not None:
            name = shapes.value(source_shape, SH.name) or shapes.value(source_shape, RDFS.label)
            if name is None and isinstance(source_shape, BNode):
                parent = next(shapes.subjects(SH.property, source_shape), None)
                name = _short(parent, shapes) if parent is not None else None
            if name is None:
                name = _short(source_shape, shapes)
        focus_node = results.value(r, SH.focusNode)
        if wanted is not None and focus_node not in wanted:
            continue  # a problem of the context (the store's entities), not of this source
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        msg = results.value(r, SH.resultMessage) or "does not conform"
        out.append(
            Violation(
                str(name or "shape"),
                str(focus_node),
                _short(path, shapes) if path is not None else None,
                _short(value, shapes) if value is not None and value != focus_node else None,
                str(msg),
                "Violation",
            )
        )
    out.sort(key=lambda v: (v.focus, v.shape, v.path or ""))
    return out
