"""The ontology, topic scheme and shapes implement the fixed core vocabulary."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.bundled import ontology_graph, ontology_path, shapes_graph
from kg.vocab import SD

CORE_CLASSES = """Actor Country Organisation Agency InternationalOrganisation Person Official Post Agreement
MemorandumOfUnderstanding Treaty Accord Declaration Partnership Funding Topic Event Place Source
AgreementStatus Participation""".split()
CORE_PROPERTIES = """party signatory signedOn signedAt status topic partOf funding amount currency funder holdsPost
postIn country memberOf hosts participant evidence participation actor ratifiedOn inForceFrom withdrewOn""".split()
STATUSES = "Proposed InDiscussion UnderNegotiation AgreedInPrinciple Announced Signed InForce Renewed Expired Withdrawn".split()


def test_core_names_match_the_spec_when_present(shared_dir):
    spec = (shared_dir / "spec" / "ontology-core.md").read_text("utf-8")
    assert set(CORE_CLASSES) <= set(re.findall(r"`sd:([A-Z]\w+)`", spec))
    assert set(CORE_PROPERTIES) <= set(re.findall(r"`sd:([a-z]\w+)`", spec))


@pytest.mark.parametrize("name", CORE_CLASSES)
def test_core_classes_are_defined_with_label_and_comment(name):
    g = ontology_graph()
    c = SD[name]
    assert (c, RDF.type, OWL.Class) in g
    assert g.value(c, RDFS.label) and g.value(c, RDFS.comment)


@pytest.mark.parametrize("name", CORE_PROPERTIES)
def test_core_properties_have_label_comment_domain_range(name):
    g = ontology_graph()
    p = SD[name]
    assert g.value(p, RDFS.label) and g.value(p, RDFS.comment)
    if name != "evidence":  # "any → string": no domain
        assert g.value(p, RDFS.domain) is not None
    assert g.value(p, RDFS.range) is not None


def test_every_sd_term_is_labelled_and_commented():
    g = Graph().parse(ontology_path("scidip.ttl"))
    for term in set(g.subjects(RDF.type, None)):
        if isinstance(term, URIRef) and str(term).startswith(str(SD)):
            assert g.value(term, RDFS.label), term
            if (term, RDF.type, SD.AgreementStatus) not in g:
                assert g.value(term, RDFS.comment), term


def test_status_individuals():
    g = ontology_graph()
    for s in STATUSES:
        assert (SD[s], RDF.type, SD.AgreementStatus) in g


def test_hierarchy_and_alignments():
    g = ontology_graph()
    assert (SD.Agency, RDFS.subClassOf, SD.Organisation) in g
    assert (SD.Official, RDFS.subClassOf, SD.Person) in g
    assert (SD.Country, RDFS.subClassOf, URIRef("http://schema.org/Country")) in g
    assert (SD.Organisation, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in g
    assert (SD.Source, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in g


def test_topic_scheme_has_at_least_25_concepts_with_hierarchy():
    g = ontology_graph()
    topics = set(g.subjects(RDF.type, SD.Topic))
    assert len(topics) >= 25
    assert sum(1 for _ in g.triples((None, SKOS.broader, None))) >= 15
    labels = [str(a).lower() for t in topics for a in g.objects(t, SKOS.altLabel)]
    assert len(labels) == len(set(labels)), "an altLabel names two topics"


def test_shapes_parse():
    assert len(shapes_graph()) > 100
