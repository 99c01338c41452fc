"""Namespaces, prefixes and IRI minting.

Instance IRIs are derived from the thing itself, never from a counter, so that the
same entity ingested from two sources becomes one node:

>>> country_iri("GBR")
rdflib.term.URIRef('https://w3id.org/scidip/id/country/GBR')
>>> entity_iri("person", "Michelle Donelan")
rdflib.term.URIRef('https://w3id.org/scidip/id/person/michelle-donelan')
>>> slugify("UK–Korea Science Deal (2023)")
'uk-korea-science-deal-2023'
>>> graph_iri("uk-korea-science-deal-2023")
rdflib.term.URIRef('https://w3id.org/scidip/graph/uk-korea-science-deal-2023')
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "SD",
    "SDID",
    "SDG",
    "SCHEMA",
    "ORG",
    "WD",
    "PREFIXES",
    "META_GRAPH",
    "KINDS",
    "slugify",
    "country_iri",
    "entity_iri",
    "graph_iri",
    "source_iri",
    "topic_iri",
    "sparql_prefixes",
    "DCTERMS",
    "FOAF",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]

SD = Namespace("https://w3id.org/scidip/ontology#")
SDID = Namespace("https://w3id.org/scidip/id/")
SDG = Namespace("https://w3id.org/scidip/graph/")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
WD = Namespace("http://www.wikidata.org/entity/")

#: The named graph that describes every source graph (PROV and DCTERMS metadata).
META_GRAPH = SDG["meta"]

PREFIXES: dict[str, str] = {
    "sd": str(SD),
    "sdid": str(SDID),
    "sdg": str(SDG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "wd": str(WD),
}

#: Kinds of entity and the path segment of their IRIs.
KINDS = (
    "country",
    "org",
    "person",
    "post",
    "agreement",
    "funding",
    "topic",
    "event",
    "place",
    "source",
    "participation",
)

_DASHES = re.compile(r"[\s_‐-―/]+")
_NOT_SLUG = re.compile(r"[^a-z0-9-]+")


def slugify(text: str) -> str:
    """A lowercase ASCII slug: letters, digits and single hyphens.

    >>> slugify("Lee Jong-ho")
    'lee-jong-ho'
    >>> slugify("Minister of Science & ICT")
    'minister-of-science-and-ict'
    """
    text = _DASHES.sub("-", text.replace("'", "").replace("’", ""))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    text = _NOT_SLUG.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text


def country_iri(alpha3: str) -> URIRef:
    """The IRI of a country from its ISO 3166-1 alpha-3 code."""
    return SDID[f"country/{alpha3.upper()}"]


def entity_iri(kind: str, name: str) -> URIRef:
    """The IRI of a non-country entity, from its kind and canonical name."""
    if kind not in KINDS or kind == "country":
        raise ValueError(f"unknown entity kind {kind!r}")
    slug = slugify(name)
    if not slug:
        raise ValueError(f"cannot make an IRI from the name {name!r}")
    return SDID[f"{kind}/{slug}"]


def topic_iri(label: str) -> URIRef:
    """The IRI of a topic of the topic scheme, from its preferred label."""
    return entity_iri("topic", label)


def graph_iri(slug: str) -> URIRef:
    """The named graph holding one source's facts."""
    clean = slugify(slug)
    if not clean:
        raise ValueError(f"cannot make a source graph name from {slug!r}")
    return SDG[clean]


def source_iri(slug: str) -> URIRef:
    """The node that stands for the source document itself."""
    return SDID[f"source/{slugify(slug)}"]


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace the project uses."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
