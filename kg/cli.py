"""The ``kg`` command: thin glue that parses options, calls one library call and prints.

Library errors become one clear line on standard error and a non-zero exit code.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import KGError
from .graph import KnowledgeGraph

__all__ = ["main", "output_format_option", "pass_kg", "parse_params"]

DEFAULT_STORE = "kg-store"


class _Group(click.Group):
    """Turns library errors into one line and exit code 1 (2 for usage errors, click's own)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(1)
        except (OSError, UnicodeError) as e:
            click.echo(f"Error: {e}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    envvar="KG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    metavar="PATH",
    help="Store directory (created on first use); ':memory:' for a throwaway one; sparql+http://host:port for a SPARQL 1.1 server. Also $KG_STORE.",
)
@click.version_option(__version__, prog_name="scidip-kg")
@click.pass_context
def main(ctx: click.Context, store: str) -> None:
    """scidip-kg: a knowledge graph of science-diplomacy relationships.

    Start with `kg demo`; then `kg queries` lists the questions it answers.
    """
    ctx.obj = {"store": store}
    # rdflib logs a traceback for each ill-typed literal; they are reported as violations
    logging.getLogger("rdflib").setLevel(logging.ERROR)


def pass_kg(f: Callable[..., Any]) -> Callable[..., Any]:
    """Open the store named by ``--store`` and pass the KnowledgeGraph as first argument."""

    @click.pass_context
    @functools.wraps(f)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        with KnowledgeGraph(ctx.obj["store"]) as kg:
            return ctx.invoke(f, kg, *args, **kwargs)

    return wrapper


def output_format_option(*choices: str, default: str = "table") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The shared ``--format`` option of commands that print results."""
    return click.option(
        "--format", "-f", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
    )


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        key, sep, val = v.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected key=value, got {v!r}", param_hint="--param")
        out[key.strip()] = val.strip()
    return out


def _emit(text: str | bytes, output: str | None) -> None:
    if output:
        Path(output).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text.decode("utf-8") if isinstance(text, bytes) else text)


# --- ingest ---------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, help="Input format when the extension does not say (turtle, ntriples, nquads, trig, jsonld, xml, yaml, csv, text, html).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML mapping of a CSV/TSV table onto the ontology.")
@click.option("--bulk/--no-bulk", default=None, help="Stream N-Triples/Turtle into the store and check it there (automatic above 32 MB).")
@pass_kg
def ingest(kg: KnowledgeGraph, paths: tuple[Path, ...], fmt: str | None, mapping: Path | None, bulk: bool | None) -> None:
    """Ingest files and directories (recursively, by extension).

    Each file becomes one source graph; re-ingesting a source replaces it. All files are
    read and validated before anything is written: on any error the store is unchanged.
    """
    files = kg.expand(*paths, fmt=fmt)
    options = {k: v for k, v in (("mapping", mapping), ("bulk", bulk)) if v is not None}
    if len(files) > 5 and sys.stderr.isatty():
        with click.progressbar(length=len(files), label="reading", file=sys.stderr) as bar:
            reports = kg.ingest(*files, fmt=fmt, progress=lambda _f: bar.update(1), **options)
    else:
        reports = kg.ingest(
            *files, fmt=fmt, progress=lambda f: click.echo(f"reading {f}", err=True) if len(files) > 5 else None, **options
        )
    for r in reports:
        click.echo(str(r))
        for w in r.warnings:
            click.echo(f"  warning: {w}")
    click.echo(f"{len(reports)} source(s) in {kg.store.location}")


# --- query ----------------------------------------------------------------------------


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read the query from a .rq file.")
@click.option("--name", "-n", help="Run a named query (see `kg queries`).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the named query (repeatable).")
@click.option("--source", "sources", multiple=True, metavar="SLUG", help="Query only these sources (repeatable).")
@click.option(
    "--format", "-f", "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "turtle", "nquads", "jsonld", "ntriples"]),
    default="table", show_default=True,
    help="table|csv|tsv|json for SELECT/ASK (json: W3C results JSON); turtle|nquads|jsonld|ntriples for CONSTRUCT/DESCRIBE.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of standard output.")
@pass_kg
def query(kg: KnowledgeGraph, sparql: str | None, file: Path | None, name: str | None, params: tuple[str, ...],
          sources: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Run a SPARQL query: as an argument, from --file, or a named one with --name.

    \b
    Examples:
      kg query 'SELECT ?a ?label WHERE { ?a a sd:Agreement ; rdfs:label ?label }'
      kg query --name agreements-between -p a=UK -p b="South Korea"
      kg query --file my.rq --format csv -o out.csv
    """
    from .query import format_result

    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a query, --file, or --name")
    if name:
        result = kg.run(name, **parse_params(params))
    else:
        if params:
            raise click.UsageError("--param goes with --name")
        text = file.read_text("utf-8") if file else sparql
        result = kg.query(text or "", sources=sources or None)
    _emit(format_result(result, fmt), output)


@main.command()
@output_format_option("table", "json")
def queries(fmt: str) -> None:
    """List the named queries with their parameters and descriptions."""
    from .query import named_queries

    qs = named_queries()
    if fmt == "json":
        click.echo(json.dumps([
            {"name": q.name, "cq": q.cq, "description": q.description,
             "params": [{"name": p.name, "kind": p.kind, "description": p.description} for p in q.params]}
            for q in qs
        ], indent=2))
        return
    for q in qs:
        params = " ".join(f"-p {p.name}=<{p.kind}>" for p in q.params)
        cq = f"[CQ {q.cq}] " if q.cq else ""
        click.echo(f"{q.name} {params}".rstrip())
        click.echo(f"    {cq}{q.description}")
        for p in q.params:
            click.echo(f"    {p.name}: {p.description}")


# --- sources, export, stats ------------------------------------------------------------


@main.command()
@output_format_option("table", "csv", "tsv", "json")
@pass_kg
def sources(kg: KnowledgeGraph, fmt: str) -> None:
    """List the sources in the store, with provenance and size."""
    rows = [vars(s) | {"graph": str(s.graph)} for s in kg.sources()]
    _print_records(rows, ["slug", "triples", "published", "extractor", "title", "file", "url", "generated"], fmt)


@main.command()
@click.argument("slugs", nargs=-1, required=True)
@pass_kg
def remove(kg: KnowledgeGraph, slugs: tuple[str, ...]) -> None:
    """Remove sources (by slug, as `kg sources` shows) and exactly their facts."""
    missing = [s for s in slugs if not kg.remove(s)]
    for s in slugs:
        if s not in missing:
            click.echo(f"removed {s}")
    if missing:
        raise KGError(f"no such source: {', '.join(missing)}")


@main.command()
@click.option(
    "--format", "-f", "fmt",
    type=click.Choice(["turtle", "nquads", "trig", "jsonld", "ntriples", "graphml", "gexf"]),
    default="trig", show_default=True, help="RDF format (graphml/gexf: the entity network, for Gephi or Cytoscape).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of standard output.")
@click.option("--source", "sources", multiple=True, metavar="SLUG", help="Export only these sources (repeatable).")
@pass_kg
def export(kg: KnowledgeGraph, fmt: str, output: str | None, sources: tuple[str, ...]) -> None:
    """Export the store, or some of its sources, as RDF (or as a network)."""
    _emit(kg.export(fmt, sources=sources or None), output)


@main.command()
@output_format_option("table", "json")
@pass_kg
def stats(kg: KnowledgeGraph, fmt: str) -> None:
    """Counts of entities by class and of triples by source."""
    s = kg.stats()
    if fmt == "json":
        click.echo(json.dumps(s, indent=2))
        return
    click.echo("entities by class:")
    for k, v in s["classes"].items():
        click.echo(f"  {k:<28} {v:>8}")
    click.echo("triples by source:")
    for k, v in s["sources"].items():
        click.echo(f"  {k:<40} {v:>8}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default=None, help="Input format when the extension does not say.")
@pass_kg
def validate(kg: KnowledgeGraph, paths: tuple[Path, ...], fmt: str | None) -> None:
    """Check files (without ingesting them), or every source in the store, against the SHACL shapes."""
    problems = 0
    if paths:
        for f in kg.expand(*paths, fmt=fmt):
            violations = kg.check(kg.read(f, fmt=fmt, lookup=kg.find_entity))
            problems += len(violations)
            click.echo(f"{f}: {'ok' if not violations else f'{len(violations)} violation(s)'}")
            for v in violations:
                click.echo(f"  {v}")
    else:
        for slug, violations in kg.validate().items():
            problems += len(violations)
            click.echo(f"{slug}: {'ok' if not violations else f'{len(violations)} violation(s)'}")
            for v in violations:
                click.echo(f"  {v}")
    if problems:
        raise KGError(f"{problems} SHACL violation(s)")


# --- demo -----------------------------------------------------------------------------


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Build the knowledge graph from the bundled data/ and answer a few questions."""
    from .bundled import data_dir
    from .query import format_result

    store = ctx.obj["store"]
    data = data_dir()
    with KnowledgeGraph(store) as kg:
        click.echo(f"Building the knowledge graph from {_rel(data)} into {kg.store.location} ...")
        for r in kg.ingest(data):
            click.echo(f"  {r}")
        asks = [
            ("Which agreements involve the UK and the Republic of Korea?", "agreements-between",
             {"a": "UK", "b": "South Korea"}, ["label", "status", "signed"]),
            ("Who signed the UK-Korea Science Deal, holding which post?", "signatories",
             {"agreement": "UK-Korea Science Deal"}, ["name", "post", "country"]),
            ("What funding is attached to what?", "funding", {}, ["amount", "currency", "funder", "attachedTo"]),
            ("With which countries does the UK cooperate on quantum?", "partners-on-topic",
             {"country": "UK", "topic": "quantum"}, None),
        ]
        for question, name, params, columns in asks:
            click.echo(f"\n{question}\n  kg query --name {name} " + " ".join(f"-p {k}={v!r}" for k, v in params.items()))
            click.echo(format_result(kg.run(name, **params), "table", columns=columns))
    where = "--store :memory:" if store == ":memory:" else (f"--store {store} " if store != DEFAULT_STORE else "")
    click.echo(
        f"\nThe store is in {store if store != ':memory:' else 'memory (gone now)'}. Try next:\n"
        f"  kg {where}queries                       the named questions it answers\n"
        f"  kg {where}query --name officials -p country=KOR\n"
        f"  kg {where}sources                       where every fact came from\n"
        f"  kg {where}export -f turtle -o kg.ttl    the whole graph as RDF"
    )


def _rel(p: Path) -> str:
    try:
        rel = os.path.relpath(p)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(p)
    return str(p) if rel.startswith("..") else rel


def _print_records(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    from .query import _table

    if fmt == "json":
        click.echo(json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, default=str))
        return
    if fmt in ("csv", "tsv"):
        import csv
        import io

        out = io.StringIO()
        w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(_table(columns, [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in rows]))


# --- extract --------------------------------------------------------------------------


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(["json", "turtle"]), default="turtle", show_default=True, help="Output format.")
@click.option("--published", help="Publication date (YYYY-MM-DD), overriding the Published: header.")
@click.option("--url", help="The article's URL, overriding the URL: header.")
@click.option("--title", help="The article's title, overriding the Title: header or first line.")
def extract(path: Path, fmt: str, published: str | None, url: str | None, title: str | None) -> None:
    """Show what ingesting a news article would add, without writing anything."""
    from .ingest.text import extract as run_extract

    source = run_extract(path, published=published, url=url, title=title)
    for w in source.warnings:
        click.echo(f"warning: {w}", err=True)
    if fmt == "turtle":
        from .vocab import PREFIXES

        for p, ns in PREFIXES.items():
            source.graph.bind(p, ns)
        click.echo(source.graph.serialize(format="turtle"))
    else:
        click.echo(source.graph.serialize(format="json-ld", auto_compact=True))


# commands of other modules register themselves on `main`
from . import cli_network, cli_serve  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    main()
