"""``kg serve``: the store as a SPARQL 1.1 Protocol endpoint (see :mod:`kg.serve`)."""

from __future__ import annotations

import ipaddress
import os

import click

from .cli import main, pass_kg
from .errors import KGError
from .graph import KnowledgeGraph
from .serve import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, make_server

__all__ = ["serve"]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=7879, show_default=True, type=click.IntRange(0, 65535), help="Port (0: a free one).")
@click.option("--allow-write", is_flag=True, help="Accept SPARQL updates (with the token of --token-env).")
@click.option("--token-env", metavar="NAME", help="Environment variable that holds the bearer token updates must carry.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.1), help="Seconds a query may run before 503.")
@click.option("--max-rows", default=DEFAULT_MAX_ROWS, show_default=True, type=click.IntRange(min=1), help="Largest result (rows or triples) answered.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64), help="Queries evaluated at the same time.")
@click.option("--quiet", "-q", is_flag=True, help="Do not log each request.")
@pass_kg
def serve(kg: KnowledgeGraph, host: str, port: int, allow_write: bool, token_env: str | None, timeout: float,
          max_rows: int, workers: int, quiet: bool) -> None:
    """Serve the store as a SPARQL endpoint (read-only unless --allow-write).

    \b
    The server holds the store until stopped (Ctrl-C): other kg commands on the same
    on-disk store wait for it. Endpoint /sparql; query page at /; graph page at /graph.
    Example:
      kg serve --port 7879
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a sd:Agreement }' http://127.0.0.1:7879/sparql
    """
    token = None
    if allow_write:
        if not token_env:
            raise click.UsageError("--allow-write needs --token-env NAME (the environment variable that holds the token)")
        token = os.environ.get(token_env, "")
        if len(token) < 16:
            raise KGError(f"${token_env} must hold a token of at least 16 characters")
    elif token_env:
        raise click.UsageError("--token-env goes with --allow-write")
    server = make_server(kg, host=host, port=port, allow_write=allow_write, token=token, timeout=timeout,
                         max_rows=max_rows, workers=workers, log_requests=not quiet)
    if not _loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can query the store", err=True)
    mode = "read-write (updates need the token)" if allow_write else "read-only"
    click.echo(f"serving {kg.store.location} ({mode}) at {server.url}/  — SPARQL endpoint {server.url}/sparql; Ctrl-C stops", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
