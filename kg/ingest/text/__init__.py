"""News articles (plain text or HTML) → facts, by an offline rule pipeline.

    segment → recognise → resolve → relate → emit

- :mod:`.segment`   headers (Title, Published, URL, Publisher), title, sentences
- :mod:`.recognise` mentions: gazetteers through spaCy PhraseMatchers, patterns
- :mod:`.resolve`   one entity per thing: ISO countries, canonical names, surnames
- :mod:`.relate`    facts with the sentence that states them
- :mod:`.emit`      the RDF graph, modelled as curated records are

>>> from kg.ingest.text import extract
>>> src = extract("Title: T\\nPublished: 2024-01-10\\n\\nJapan and India signed a space agreement on Monday.")
>>> sorted(str(o) for o in src.graph.objects(None, kg.vocab.SD.status))  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import InputError
from ...validate import validate_graph
from ..source import SourceGraph
from .extractor import Extractor, RulesExtractor, extractors, get_extractor, register
from .segment import MAX_ARTICLE_BYTES, ArticleText, read_article, segment

__all__ = [
    "read_text",
    "extract",
    "ArticleText",
    "Extractor",
    "RulesExtractor",
    "register",
    "get_extractor",
    "extractors",
    "MAX_ARTICLE_BYTES",
]


def _checked(src: SourceGraph, where: str, validate: bool = True) -> SourceGraph:
    """Refuse a graph with no agreement, funding, person or organisation; validate the rest."""
    from ...vocab import SD
    from rdflib.namespace import RDF

    substantive = {SD.Agreement, SD.Funding, SD.Person, SD.Organisation, SD.Agency, SD.InternationalOrganisation, SD.Event}
    kinds = set(src.graph.objects(None, RDF.type))
    if not kinds & substantive:
        raise InputError(f"no science-diplomacy facts found in {where}")
    violations = validate_graph(src.graph) if validate else []
    if violations:
        from ...errors import ValidationError

        raise ValidationError(where, [str(v) for v in violations])
    return src


def read_text(
    path: Path,
    fmt: str = "text",
    *,
    lookup=None,
    published: object = None,
    url: str | None = None,
    title: str | None = None,
    extractor: str = "rules",
    validate: bool = False,
    **_: object,
) -> SourceGraph:
    """Read one article file (``fmt`` "text" or "html") into the source graph of its facts.

    ``published``, ``url`` and ``title`` override the file's headers. The SHACL check is
    left to :meth:`kg.KnowledgeGraph.write`, which runs it (with the store's context)
    before anything is written; ``validate=True`` checks here too."""
    path = Path(path)
    doc = read_article(path, fmt, published=published, url=url, title=title)
    if not doc.sentences:
        raise InputError("no text after the headers", path=str(path))
    return _run(doc, extractor, str(path), validate)


def _run(doc: object, extractor: str, shown: str, validate: bool, *, name: str | None = None) -> SourceGraph:
    """Extract with the named extractor; an article with no facts is reported by name."""
    try:
        src = get_extractor(extractor).extract(doc)  # type: ignore[arg-type]
    except InputError as e:
        if "no science-diplomacy facts" in str(e):
            raise InputError(f"no science-diplomacy facts found in {shown}") from None
        raise
    return _checked(src, name if name is not None else shown, validate)


def extract(
    path_or_text: str | os.PathLike[str],
    *,
    published: object = None,
    url: str | None = None,
    title: str | None = None,
    fmt: str | None = None,
    extractor: str = "rules",
    validate: bool = True,
) -> SourceGraph:
    """The facts of an article, from a file path or from the text itself, without writing.

    The graph is checked against the SHACL shapes (``validate=False`` skips it).

    A string that names an existing file is read as that file (``.html``/``.htm`` as HTML);
    any other string is the article's text."""
    p = Path(path_or_text) if not isinstance(path_or_text, str) or ("\n" not in path_or_text and len(path_or_text) < 4096) else None
    if p is not None and p.is_file():
        kind = fmt or ("html" if p.suffix.lower() in (".html", ".htm") else "text")
        return read_text(p, kind, published=published, url=url, title=title, extractor=extractor, validate=validate)
    if not isinstance(path_or_text, str):
        raise InputError("no such file", path=str(path_or_text))
    text = path_or_text
    if not text.strip():
        raise InputError("empty text")
    doc = segment(text, fmt=fmt or ("html" if text.lstrip().lower().startswith(("<!doctype html", "<html")) else "text"), published=published, url=url, title=title)
    if not doc.sentences:
        raise InputError("no text after the headers")
    where = doc.title or "the text"
    return _run(doc, extractor, repr(where), validate, name=where)
