"""The extractor interface: ``extract(doc: ArticleText) -> SourceGraph``, and a registry by name.

The rule pipeline (segment → recognise → resolve → relate → emit) is the default
extractor, ``"rules"``; another extractor (a statistical model, an LLM behind a cache)
registers itself with :func:`register` and is chosen by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from ... import __version__
from ...errors import InputError
from ..source import SourceGraph, SourceMeta
from .segment import ArticleText

__all__ = ["Extractor", "RulesExtractor", "register", "get_extractor", "extractors"]


@runtime_checkable
class Extractor(Protocol):
    """Turns one segmented article into the source graph of its facts."""

    name: str

    def extract(self, doc: ArticleText) -> SourceGraph: ...


_REGISTRY: dict[str, Callable[[], Extractor]] = {}


def register(name: str, factory: Callable[[], Extractor]) -> None:
    """Make an extractor available by ``name`` (replaces one of the same name)."""
    _REGISTRY[name] = factory


def extractors() -> list[str]:
    return sorted(_REGISTRY)


def get_extractor(name: str = "rules") -> Extractor:
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise InputError(f"unknown extractor {name!r}; known: {', '.join(extractors())}") from None


def source_meta(doc: ArticleText, extractor: str) -> SourceMeta:
    return SourceMeta(
        slug=doc.slug,
        title=doc.title,
        url=doc.url,
        published=doc.published_literal,
        publisher=doc.publisher,
        kind="news article",
        file=doc.file,
        extractor=extractor,
    )


class RulesExtractor:
    """Gazetteers and patterns over spaCy's blank English tokenizer: no model needed."""

    name = "rules"

    def extract(self, doc: ArticleText) -> SourceGraph:
        from .emit import emit
        from .recognise import recognise
        from .relate import relate
        from .resolve import resolve

        graph = emit(relate(resolve(doc, recognise(doc))))
        if not len(graph) or not any(True for _ in graph.triples((None, None, None))):
            raise InputError("no science-diplomacy facts found in " + (doc.file or "the text"))
        warnings = []
        if doc.published is None:
            warnings.append("no publication date: relative dates (\"in November\", \"last week\") were not resolved")
        return SourceGraph(meta=source_meta(doc, f"scidip-kg rules {__version__}"), graph=graph, warnings=warnings)


register("rules", RulesExtractor)
