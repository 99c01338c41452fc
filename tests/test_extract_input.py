"""Bad input is refused clearly; markup never reaches a label; options override headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import RDFS, SKOS

import kg
from kg.errors import InputError
from kg.ingest.text import MAX_ARTICLE_BYTES, extract, read_text

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "articles" / "ska-observatory-convention-in-force-2021.txt"


def test_empty_file_refused(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_text(p, "text")


def test_binary_file_refused(tmp_path):
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\x89PNG\x00\x00\x01binary")
    with pytest.raises(InputError, match="binary"):
        read_text(p, "text")


def test_non_utf8_refused(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Title: x\n\nLa coopération franco-allemande sur l'énergie à Genève.".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_text(p, "text")


def test_huge_file_refused_with_limit(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_bytes(b"Japan and India signed an agreement. " * (MAX_ARTICLE_BYTES // 36 + 10))
    with pytest.raises(InputError, match="too large"):
        read_text(p, "text")


def test_no_science_diplomacy_content(tmp_path):
    p = tmp_path / "recipe.txt"
    p.write_text("Title: Lemon cake\n\nMix the flour with sugar and eggs. Bake for forty minutes and let it cool.\n")
    with pytest.raises(InputError, match="no science-diplomacy facts found"):
        read_text(p, "text")


def test_bad_published_header_names_file_and_line(tmp_path):
    p = tmp_path / "bad-date.txt"
    p.write_text("Title: x\nPublished: last Tuesday-ish\n\nJapan and India signed an agreement.\n")
    with pytest.raises(InputError) as e:
        read_text(p, "text")
    assert f"{p}:2" in str(e.value) and "Published" in str(e.value)


def test_markup_in_names_never_reaches_labels(tmp_path):
    p = tmp_path / "xss.txt"
    p.write_text(
        "Title: <script>alert(1)</script>Deal\nPublished: 2024-02-01\n\n"
        "Japan and <b>India</b> signed the <script>alert('x')</script>Tokyo-Delhi Quantum Accord on Monday. "
        "<i>Keiko Nagaoka</i>, Japan's minister of education, signed it.\n"
    )
    src = read_text(p, "text")
    for o in src.graph.objects(None, RDFS.label | SKOS.altLabel):
        assert "<" not in str(o) and "script" not in str(o).lower()
    assert "<" not in (src.meta.title or "")


def test_html_page(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(
        "<html><head><title>Space pact</title><script>var x='Japan signed';</script></head><body><nav>Home | India</nav>"
        "<p>Japan and India signed a space agreement in Tokyo on 2 February 2024.</p></body></html>"
    )
    src = read_text(p, "html")
    assert src.meta.title == "Space pact"
    labels = {str(o) for o in src.graph.objects(None, RDFS.label)}
    assert "Japan" in labels and "India" in labels


def test_options_override_headers_and_text_input():
    src = extract(ARTICLE, published="2021-01-16", url="https://example.org/ska", title="Override")
    assert str(src.meta.published) == "2021-01-16" and src.meta.url == "https://example.org/ska" and src.meta.title == "Override"
    src2 = extract("Title: T\nPublished: 2024-01-10\n\nJapan and India signed a space agreement on Monday.")
    assert len(src2.graph) > 0


def test_knowledge_graph_ingests_article_into_its_own_named_graph():
    g = kg.KnowledgeGraph()
    (report,) = g.ingest(ARTICLE)
    assert report.slug == "ska-observatory-convention-in-force-2021" and report.triples > 0
    info = {s.slug: s for s in g.sources()}[report.slug]
    assert info.extractor.startswith("scidip-kg rules")
