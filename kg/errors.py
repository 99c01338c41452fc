"""The errors the library raises. Each carries a message fit for one line of output."""

from __future__ import annotations

__all__ = [
    "KGError",
    "InputError",
    "ParseError",
    "ValidationError",
    "ResolutionError",
    "QueryError",
    "ResultTooLarge",
    "StoreError",
]


class KGError(Exception):
    """Base class of every error scidip-kg raises on purpose."""


class InputError(KGError):
    """A file or value the user gave cannot be used (missing, empty, wrong encoding, ...)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class ParseError(InputError):
    """A file is not valid in its format (Turtle, JSON-LD, YAML, ...)."""


class ResolutionError(InputError):
    """A name (country, topic, party ...) does not resolve to a known entity."""


class ValidationError(KGError):
    """The data breaks the SHACL shapes. ``violations`` holds one line per problem."""

    def __init__(self, source: str, violations: list[str]):
        self.source = source
        self.violations = violations
        shown = "; ".join(violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"{source}: {len(violations)} SHACL violation(s): {shown}{more}")


class QueryError(KGError):
    """A SPARQL query is malformed, refused, or a named query lacks a parameter."""


class ResultTooLarge(QueryError):
    """A query's result has more rows (or triples) than the caller allows."""


class StoreError(KGError):
    """The store cannot be opened or written."""
