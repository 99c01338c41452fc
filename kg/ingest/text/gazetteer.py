"""The lexical resources of the article pipeline, loaded once: countries (names,
adjectives, capitals), the S&T organisation gazetteer, well-known people, topics."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ...bundled import TopicIndex, ontology_graph
from ...resolve import CountryIndex, normalise_name
from ...vocab import SD
from rdflib.namespace import RDF, RDFS, SKOS

__all__ = ["OrgEntry", "PersonEntry", "Gazetteer", "gazetteer"]


@dataclass(frozen=True)
class OrgEntry:
    name: str
    kind: str = "organisation"
    country: str | None = None
    acronym: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonEntry:
    name: str
    country: str | None = None
    post: str | None = None
    post_in: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    countries: CountryIndex
    topics: TopicIndex
    orgs: dict[str, OrgEntry] = field(default_factory=dict)  # normalised surface → entry
    people: dict[str, PersonEntry] = field(default_factory=dict)  # normalised name → entry
    country_surfaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # surface → (alpha3, how)
    topic_surfaces: list[str] = field(default_factory=list)
    venues: set[str] = field(default_factory=set)  # well-known venues, as written

    def org(self, surface: str) -> OrgEntry | None:
        return self.orgs.get(normalise_name(surface))


def _org_entries(doc: dict) -> list[OrgEntry]:
    out = []
    for it in doc.get("organisations") or []:
        out.append(
            OrgEntry(
                name=str(it["name"]),
                kind=str(it.get("kind") or "organisation"),
                country=it.get("country"),
                acronym=str(it["acronym"]) if it.get("acronym") else None,
                aliases=tuple(str(a) for a in it.get("aliases") or []),
            )
        )
    return out


#: capitals that are also given names, surnames or common words: never read as a government
_CAPITAL_STOP = {"Victoria", "Douglas", "Hamilton", "Kingston", "Stanley", "Jamestown", "Georgetown", "Male", "Malé", "Praia", "Lima", "Dili"}


def _world_demonyms_and_capitals(countries: CountryIndex) -> list[tuple[str, str, str]]:
    """Demonyms and capitals of every country from the ``countryinfo`` package ("Estonian", "Kenyan",
    "Tallinn", "Brasilia"), for the states that ``countries.yaml`` does not list.

    A demonym shared by two countries ("Congolese", "Dominican") is left out; so are the capitals
    of states under a million people and capitals that are also common names ("Victoria")."""
    import unicodedata

    from countryinfo import CountryInfo

    rows = []
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha3")
        known = countries.by_code.get(code or "")
        # only the entry of the state itself (the package also lists Wales, Scotland ... under GBR),
        # and only for states the curated table does not decide
        if known is None or code in countries.curated or countries.get(str(info.get("name") or "")) is not known:
            continue
        rows.append((known, info))
    counts: dict[str, int] = {}
    for _c, info in rows:
        if info.get("demonym"):
            counts[info["demonym"]] = counts.get(info["demonym"], 0) + 1
    out = []
    for c, info in rows:
        dem = info.get("demonym")
        if dem and counts[dem] == 1:
            out.append((dem, c.alpha3, "adjective"))
            if dem.endswith("ean"):  # the other common spelling: "Ecuadorean" and "Ecuadorian"
                out.append((dem[:-3] + "ian", c.alpha3, "adjective"))
        cap = info.get("capital")
        if cap and (info.get("population") or 0) >= 1_000_000 and cap not in _CAPITAL_STOP:
            plain = unicodedata.normalize("NFKD", cap).encode("ascii", "ignore").decode()
            for form in dict.fromkeys((cap, plain)):
                out.append((form, c.alpha3, "capital"))
    return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The default gazetteer (kg/resources/gazetteer.yaml + countries.yaml + topic scheme)."""
    countries = CountryIndex.default()
    g = Gazetteer(countries=countries, topics=TopicIndex.default())
    text = resources.files("kg").joinpath("resources/gazetteer.yaml").read_text("utf-8")
    doc = yaml.safe_load(text) or {}
    for e in _org_entries(doc):
        for s in (e.name, *e.aliases, *([e.acronym] if e.acronym else [])):
            g.orgs.setdefault(normalise_name(s), e)
    for it in doc.get("people") or []:
        p = PersonEntry(str(it["name"]), it.get("country"), it.get("post"), it.get("in"), tuple(it.get("aliases") or []))
        for s in (p.name, *p.aliases):
            g.people[normalise_name(s)] = p
    g.venues = {str(v) for v in doc.get("venues") or []}
    for c in countries.by_code.values():
        names = [c.label, *c.names]
        for n in names:
            if len(n) == 2 and n.isupper() and n not in ("UK", "US", "NZ"):
                continue  # alpha-2 codes ("IN", "IT", "TO") are words in running text
            if n.isupper() and len(n) == 3 and n not in ("USA", "UAE", "ROK", "PRC"):
                continue  # alpha-3 codes are rare in prose and collide with acronyms
            g.country_surfaces.setdefault(n, (c.alpha3, "name"))
        for a in c.adjectives:
            g.country_surfaces.setdefault(a, (c.alpha3, "adjective"))
        for cap in c.capitals:
            g.country_surfaces.setdefault(cap, (c.alpha3, "capital"))
    for surface, code, how in _world_demonyms_and_capitals(countries):
        if g.org(surface) is None:  # never a body's alias ("Brussels" stands for the EU)
            g.country_surfaces.setdefault(surface, (code, how))
    onto = ontology_graph()
    surfaces = set()
    for t in onto.subjects(RDF.type, SD.Topic):
        for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
            for o in onto.objects(t, p):
                surfaces.add(str(o))
    g.topic_surfaces = sorted(surfaces)
    return g
