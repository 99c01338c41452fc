"""Stage 1, segment: raw file or string → :class:`ArticleText` (headers, title, body, sentences).

Headers are ``Key: value`` lines at the very top (``Title``, ``Published``, ``URL``,
``Publisher``), ended by a blank line. Without a ``Title`` header the first non-empty
line is the title. HTML input is reduced to text with the standard library parser
(``script``, ``style``, ``nav``, ``header``, ``footer`` and ``aside`` dropped).
Any markup left in plain text is removed too: names are data, never markup.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from rdflib import Literal

from ...errors import InputError
from ...values import parse_date
from ...vocab import slugify

__all__ = ["ArticleText", "Sentence", "MAX_ARTICLE_BYTES", "segment", "read_article", "html_to_text", "strip_markup", "nlp"]

#: Articles above this size are refused: a news article is a few tens of kB; 5 MB of
#: text is a book, or a mistake, and rule matching over it would take minutes.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024

_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z -]{0,20}):\s*(?P<value>.*?)\s*$")
_KNOWN_HEADERS = {"title", "published", "date", "url", "publisher", "source", "author", "byline"}
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
_SCRIPT_BLOCK = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)


@dataclass
class Sentence:
    """One sentence of the body: its text, character offsets in the body, paragraph number."""

    text: str
    start: int
    end: int
    para: int
    index: int = 0


@dataclass
class ArticleText:
    """An article ready for recognition."""

    body: str
    title: str | None = None
    published: dt.date | None = None
    published_literal: Literal | None = None
    url: str | None = None
    publisher: str | None = None
    file: str | None = None
    slug: str = "article"
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.body.split())


@lru_cache(maxsize=1)
def nlp():
    """spaCy's blank English pipeline with a rule-based sentencizer (no model needed)."""
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


class _HTMLText(HTMLParser):
    _DROP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "svg", "form"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.title: str | None = None
        self._in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._DROP:
            self.depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            a = {k: v for k, v in attrs if v}
            key = a.get("property") or a.get("name")
            if key and a.get("content"):
                self.meta[key.lower()] = a["content"]
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROP and self.depth:
            self.depth -= 1
        elif tag == "title":
            self._in_title = False
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif not self.depth:
            self.parts.append(data)


def html_to_text(source: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML page, and its title/date metadata."""
    p = _HTMLText()
    p.feed(source)
    p.close()
    text = "".join(p.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()
    meta = {}
    title = p.meta.get("og:title") or (p.title.strip() if p.title else None)
    if title:
        meta["title"] = title
    for key in ("article:published_time", "date", "dc.date", "pubdate"):
        if p.meta.get(key):
            meta["published"] = p.meta[key][:10]
            break
    if p.meta.get("og:url"):
        meta["url"] = p.meta["og:url"]
    return text, meta


def strip_markup(text: str) -> str:
    """Remove script/style blocks and any tag from plain text (labels must never carry markup)."""
    if "<" not in text:
        return text
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    return text.replace("<", " ").replace(">", " ")


def _parse_headers(text: str, file: str | None) -> tuple[dict[str, tuple[str, int]], str, int]:
    """Leading ``Key: value`` lines → ({key: (value, line)}, rest, lines consumed)."""
    lines = text.split("\n")
    headers: dict[str, tuple[str, int]] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if not m or m.group("key").strip().lower() not in _KNOWN_HEADERS:
            break
        headers[m.group("key").strip().lower()] = (m.group("value"), i + 1)
        i += 1
    if headers and (i >= len(lines) or not lines[i].strip()):
        return headers, "\n".join(lines[i:]), i
    return {}, "\n".join(lines[start:]), start


def _published(value: str, file: str | None, line: int | None) -> tuple[dt.date | None, Literal]:
    raw = value.strip()
    iso = raw[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", raw) else raw
    try:
        lit = parse_date(iso)
    except ValueError as e:
        raise InputError(f"Published: header is not a date ({e})", path=file or "<text>", line=line) from None
    try:
        day = dt.date.fromisoformat(str(lit)) if len(str(lit)) == 10 else None
    except ValueError:  # pragma: no cover - parse_date already checked
        day = None
    return day, lit


def segment(
    text: str,
    *,
    fmt: str = "text",
    file: str | None = None,
    published: object = None,
    url: str | None = None,
    title: str | None = None,
) -> ArticleText:
    """Split an article into headers, title and sentences. Options override the headers."""
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise InputError(f"article too large (limit {MAX_ARTICLE_BYTES // (1024 * 1024)} MB of text)", path=file or "<text>")
    if "\x00" in text:
        raise InputError("binary data, not text", path=file or "<text>")
    meta: dict[str, str] = {}
    if fmt == "html":
        text, meta = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    headers, body, _ = _parse_headers(text, file)
    hv = {k: v for k, (v, _) in headers.items()}
    body = strip_markup(html.unescape(body) if fmt == "html" else body)
    hv.setdefault("title", meta.get("title", ""))
    the_title = title or strip_markup(hv.get("title") or "").strip() or None
    if the_title is None:
        for line in body.split("\n"):
            if line.strip():
                the_title = line.strip()
                break
    pub_value: object = published if published is not None else (hv.get("published") or hv.get("date") or meta.get("published"))
    pub_line = (headers.get("published") or headers.get("date") or (None, None))[1] if published is None else None
    pub_date, pub_lit = (None, None)
    if pub_value not in (None, ""):
        if isinstance(pub_value, dt.date):
            pub_date = pub_value if not isinstance(pub_value, dt.datetime) else pub_value.date()
            pub_lit = parse_date(pub_date)
        else:
            pub_date, pub_lit = _published(str(pub_value), file, pub_line)
    the_url = url or hv.get("url") or meta.get("url") or None
    if the_url and (not the_url.startswith(("http://", "https://")) or any(c in the_url for c in ' <>"{}|\\^`')):
        raise InputError(f"URL is not an http(s) URL: {the_url!r}", path=file or "<text>")
    slug_base = Path(file).stem if file else (the_title or "article")
    art = ArticleText(
        body=body,
        title=the_title,
        published=pub_date,
        published_literal=pub_lit,
        url=the_url,
        publisher=strip_markup(hv["publisher"]).strip() if hv.get("publisher") else None,
        file=Path(file).name if file else None,
        slug=slugify(slug_base)[:80] or "article",
    )
    art.sentences = split_sentences(body)
    return art


_BULLET = re.compile(r"^\s*(?:[•·‣▪\-*]|\d+[.)])\s+")


def split_sentences(body: str) -> list[Sentence]:
    """Paragraphs (blank-line or line separated) → sentences, with offsets into ``body``."""
    out: list[Sentence] = []
    pipeline = nlp()
    para = 0
    pos = 0
    for block in re.split(r"(\n\s*\n|\n)", body):
        if not block or block.isspace():
            pos += len(block)
            continue
        para += 1
        m = _BULLET.match(block)
        offset = pos + (m.end() if m else 0)
        chunk = block[m.end():] if m else block
        doc = pipeline(chunk)
        for s in doc.sents:
            t = s.text.strip()
            if t:
                start = offset + s.start_char + (len(s.text) - len(s.text.lstrip()))
                out.append(Sentence(t, start, start + len(t), para, len(out)))
        pos += len(block)
    return out


def read_article(path: Path, fmt: str = "text", **options: object) -> ArticleText:
    """Read and segment an article file (UTF-8 checks by :func:`read_file_text`)."""
    from ..source import read_file_text

    if path.exists() and path.is_file() and path.stat().st_size > MAX_ARTICLE_BYTES:
        raise InputError(
            f"article too large ({path.stat().st_size / 1e6:.0f} MB; the limit for articles is {MAX_ARTICLE_BYTES // (1024 * 1024)} MB)",
            path=str(path),
        )
    text = read_file_text(path, max_bytes=MAX_ARTICLE_BYTES)
    return segment(text, fmt=fmt, file=str(path), **options)  # type: ignore[arg-type]
