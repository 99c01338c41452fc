"""The ``kg analyze`` and ``kg viz`` commands: thin glue over :mod:`kg.network` and :mod:`kg.viz`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .cli import main, output_format_option, pass_kg
from .errors import InputError
from .graph import KnowledgeGraph
from .network import (
    MEASURES,
    VIEWS,
    Filters,
    bilateral,
    build_view,
    centrality,
    communities,
    connection,
    partners,
    resolve_entity,
)

__all__ = ["analyze", "viz", "format_rows"]

ANALYSES = ("centrality", "path", "communities", "partners", "bilateral")


def _view_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose a view and filter it, shared by ``analyze`` and ``viz``."""
    options = [
        click.option("--view", type=click.Choice(VIEWS), default="full", show_default=True,
                     help="full: every entity and relation; actors: countries and organisations linked by shared agreements; ego: around --entity."),
        click.option("--entity", "-e", metavar="NAME", help="The centre of the ego view (a name, alias, ISO code or IRI)."),
        click.option("--depth", type=click.IntRange(0, 10), default=1, show_default=True, help="How many relations away from --entity the ego view reaches."),
        click.option("--class", "classes", multiple=True, metavar="CLASS",
                     help="Keep only entities of these classes or groups (country, organisation, agreement, Agency ...; repeatable)."),
        click.option("--status", metavar="STATUS", help="Keep agreements with this status (signed, in force, in discussion ...) and what they link."),
        click.option("--since", "date_from", metavar="DATE", help="Keep agreements, funding and events dated on or after DATE (2023, 2023-11, 2023-11-22)."),
        click.option("--until", "date_to", metavar="DATE", help="Keep agreements, funding and events dated on or before DATE."),
        click.option("--source", "sources", multiple=True, metavar="SLUG", help="Use only these sources (repeatable)."),
        click.option("--fold-agencies", is_flag=True, help="In the actor view, count an agency as its country."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def format_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> str:
    """Rows as a table, CSV or JSON (lists joined with '; ' in table and CSV)."""
    from .query import _table

    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False, default=str)

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, (list, tuple)):
            return "; ".join(str(x) for x in v)
        if isinstance(v, float):
            return f"{v:.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
        return str(v)

    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([cell(r.get(c)) for c in columns])
        return out.getvalue()
    return _table(columns, [[cell(r.get(c)) for c in columns] for r in rows])


def _filters(classes: tuple[str, ...], topic: str | None, status: str | None, date_from: str | None,
             date_to: str | None, country: str | None, sources: tuple[str, ...]) -> Filters:
    return Filters(classes=list(classes) or None, topic=topic, status=status, date_from=date_from, date_to=date_to,
                   country=country, sources=list(sources) or None)


@main.command()
@click.option("--what", "-w", type=click.Choice(ANALYSES), default="centrality", show_default=True, help="The analysis to run.")
@click.option("--from", "from_", metavar="NAME", help="path: the first entity; bilateral: the first country.")
@click.option("--to", "to", metavar="NAME", help="path: the second entity; bilateral: the second country.")
@click.option("--country", "-c", metavar="COUNTRY", help="partners: whose partners; otherwise a filter (that country's agreements and entities).")
@click.option("--topic", "-t", metavar="TOPIC", help="partners: on this topic (or a narrower one); otherwise a filter.")
@click.option("--measure", type=click.Choice(MEASURES), default="degree", show_default=True, help="centrality: the measure to rank by.")
@click.option("--top", type=int, default=10, show_default=True, help="centrality: rows to show; communities: communities to show (0: all).")
@_view_options
@output_format_option("table", "csv", "json")
@pass_kg
def analyze(kg: KnowledgeGraph, what: str, from_: str | None, to: str | None, country: str | None, topic: str | None,
            measure: str, top: int, view: str, entity: str | None, depth: int, classes: tuple[str, ...], status: str | None,
            date_from: str | None, date_to: str | None, sources: tuple[str, ...], fold_agencies: bool, fmt: str) -> None:
    """Analyse the relationship network: centrality, paths, communities, partners, bilateral ties.

    The analysis runs on the chosen view (--view, --entity, --depth) after the filters.
    With centrality, --class limits the ranking, not the graph the measures are computed on.

    \b
    Examples:
      kg analyze                                        most connected entities
      kg analyze --measure betweenness --class country  brokers among countries
      kg analyze -w path --from UK --to "Bang Moon-kyu" the shortest chain of facts
      kg analyze -w communities --view actors
      kg analyze -w partners --country UK --topic quantum
      kg analyze -w bilateral --from UK --to "South Korea" -f json
    """
    item_params = what in ("partners", "bilateral")
    filters = _filters(classes if what != "centrality" else (), None if item_params else topic, status, date_from, date_to,
                       None if item_params else country, sources)
    G = build_view(kg, view, entity=entity, depth=depth, filters=filters, fold_agencies=fold_agencies)
    if what == "centrality":
        groups = {c.strip().lower() for c in classes} or None
        rows = centrality(G, by=measure, top=top or None, groups=groups)
        _out(format_rows(rows, ["rank", "label", "cls", "neighbours", *MEASURES, "iri"], fmt))
    elif what == "path":
        if not (from_ and to):
            raise click.UsageError("--what path needs --from and --to")
        a, b = _resolve(kg, G, from_), _resolve(kg, G, to)
        found = connection(G, a, b)
        if found is None:
            raise InputError(f"no connection between {from_!r} and {to!r} in this view")
        if fmt == "json":
            click.echo(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
            return
        rows = [{"step": i, "subject": f.subject_label, "relation": f.label, "object": f.object_label,
                 "sources": f.sources, "evidence": f.evidence} for i, f in enumerate(found.facts, 1)]
        if fmt == "table":
            click.echo(found.text)
            more = f"; {found.alternatives - 1} other path(s) of the same length" if found.alternatives > 1 else ""
            click.echo(f"({found.length} step{'s' if found.length != 1 else ''}{more})\n")
        _out(format_rows(rows, ["step", "subject", "relation", "object", "sources", "evidence"], fmt))
    elif what == "communities":
        rows = communities(G)
        rows = rows[:top] if top else rows
        _out(format_rows(rows, ["community", "size", "top", "members"], fmt))
    elif what == "partners":
        if not country:
            raise click.UsageError("--what partners needs --country")
        rows = partners(G, country, topic=topic)
        _out(format_rows(rows, ["code", "label", "agreements", "agreement_labels"], fmt))
    elif what == "bilateral":
        a, b = from_ or country, to
        if not (a and b):
            raise click.UsageError("--what bilateral needs --from and --to (two countries)")
        result = bilateral(G, a, b)
        if fmt == "json":
            click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False, default=str))
            return
        if fmt == "table":
            click.echo(f"{result.a_label} – {result.b_label}")
        _out(format_rows(result.summary(), ["measure", "value", "detail"], fmt))


def _out(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


def _resolve(kg: KnowledgeGraph, G: Any, name: str) -> str:
    return resolve_entity(kg, G, name)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The HTML file to write.")
@click.option("--country", "-c", metavar="COUNTRY", help="Keep that country's agreements, funding, events and entities.")
@click.option("--topic", "-t", metavar="TOPIC", help="Keep agreements, funding and events on this topic (or a narrower one).")
@_view_options
@click.option("--max-nodes", type=click.IntRange(0), default=10_000, show_default=True,
              help="Trim larger views to their best-connected entities (0: never trim); the page says so.")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "eigenvector", "pagerank", "none"]), default="degree",
              show_default=True, help="The centrality measure node sizes follow.")
@click.option("--title", help="The page's title.")
@pass_kg
def viz(kg: KnowledgeGraph, output: Path, country: str | None, topic: str | None, view: str, entity: str | None, depth: int,
        classes: tuple[str, ...], status: str | None, date_from: str | None, date_to: str | None, sources: tuple[str, ...],
        fold_agencies: bool, max_nodes: int, size_by: str, title: str | None) -> None:
    """Write the network as one interactive HTML page that works offline.

    Colour and shape by class, size by centrality, relations on the arrows, details on
    hover and click, search and class filters in the page. The file loads nothing from
    any other host and opens from disk.

    \b
    Examples:
      kg viz -o graph.html
      kg viz -o quantum.html --topic quantum --country UK
      kg viz -o kiat.html --view ego --entity KIAT --depth 2
      kg viz -o actors.html --view actors --fold-agencies
    """
    from . import viz as viz_module

    page = viz_module.to_html(
        kg, view=view, entity=entity, depth=depth, max_nodes=max_nodes or None, size_by=size_by, title=title,
        fold_agencies=fold_agencies, filters=_filters(classes, topic, status, date_from, date_to, country, sources),
    )
    output.write_text(page, encoding="utf-8")
    click.echo(f"wrote {output} ({len(page.encode('utf-8')) / 1e6:.1f} MB)", err=True)
