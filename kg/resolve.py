"""Entity resolution: names, short forms, codes and aliases → IRIs.

Countries resolve to ``sdid:country/{ISO 3166-1 alpha-3}`` whatever name the source
used, through pycountry plus the alias table in ``resources/countries.yaml``:

>>> countries = CountryIndex.default()
>>> countries.resolve("Britain").alpha3, countries.resolve("ROK").label
('GBR', 'Republic of Korea')
>>> countries.resolve("South Korea").iri
rdflib.term.URIRef('https://w3id.org/scidip/id/country/KOR')
>>> countries.resolve("Atlantis")
Traceback (most recent call last):
...
kg.errors.ResolutionError: unknown country 'Atlantis'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pycountry
import yaml
from rdflib import URIRef

from .errors import ResolutionError
from .vocab import country_iri

__all__ = ["Country", "CountryIndex", "normalise_name", "currency_codes"]


def normalise_name(name: str) -> str:
    """The key names are matched by: case, punctuation and spacing folded.

    >>> normalise_name("  The U.K. ")
    'the uk'
    >>> normalise_name("Lee Jong-ho") == normalise_name("Lee Jong Ho")
    True
    """
    name = name.replace("’", "'").lower()
    name = re.sub(r"[.\u00b7]", "", name)
    name = re.sub(r"[\s\-‐-―_,]+", " ", name)
    return name.strip()


@dataclass(frozen=True)
class Country:
    alpha3: str
    label: str
    names: tuple[str, ...] = field(default=())
    adjectives: tuple[str, ...] = field(default=())
    capitals: tuple[str, ...] = field(default=())

    @property
    def iri(self) -> URIRef:
        return country_iri(self.alpha3)


class CountryIndex:
    """Every name of every ISO 3166 country, looked up by :func:`normalise_name`."""

    def __init__(self, countries: list[Country], *, curated: frozenset[str] = frozenset()):
        self.by_code = {c.alpha3: c for c in countries}
        #: the codes ``countries.yaml`` lists: its names, adjectives and capitals are the whole truth for them
        self.curated = curated
        self._by_name: dict[str, Country] = {}
        for c in countries:
            for n in (*c.names, c.label):
                self._by_name.setdefault(normalise_name(n), c)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> CountryIndex:
        """The index built from pycountry and the bundled alias table (built once, on first use)."""
        extra = yaml.safe_load(resources.files("kg").joinpath("resources/countries.yaml").read_text("utf-8"))
        out = []
        for c in pycountry.countries:
            e = extra.get(c.alpha_3, {}) or {}
            common = getattr(c, "common_name", None)
            label = e.get("label") or common or (c.name if "," not in c.name else getattr(c, "official_name", c.name))
            names = [c.name, c.alpha_3, c.alpha_2, *e.get("aliases", [])]
            for attr in ("common_name", "official_name"):
                if getattr(c, attr, None):
                    names.append(getattr(c, attr))
            out.append(
                Country(c.alpha_3, label, tuple(dict.fromkeys(names)), tuple(e.get("adjectives", [])), tuple(e.get("capitals", [])))
            )
        return cls(out, curated=frozenset(extra))

    def get(self, name: str) -> Country | None:
        """The country called ``name`` (any name, short form or ISO code), or None."""
        key = normalise_name(name)
        hit = self._by_name.get(key)
        if hit is None and key.startswith("the "):
            hit = self._by_name.get(key[4:])
        return hit

    def resolve(self, name: str, *, where: str | None = None) -> Country:
        """Like :meth:`get` but raises :class:`ResolutionError` with suggestions."""
        hit = self.get(str(name))
        if hit is None:
            close = difflib.get_close_matches(normalise_name(str(name)), list(self._by_name), n=3, cutoff=0.75)
            hint = f" (did you mean {', '.join(repr(self._by_name[c].label) for c in close)}?)" if close else ""
            raise ResolutionError(f"unknown country {str(name)!r}{hint}", path=where)
        return hit

    def is_code(self, alpha3: str) -> bool:
        return alpha3 in self.by_code


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)
