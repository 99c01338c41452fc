"""Readers: one module per input kind, each returning a :class:`SourceGraph` for one source.

The shared tail of every ingest (resolve → validate → one transaction into the source's
named graph) lives in :mod:`kg.graph`; readers only turn a file into a graph.
"""

from __future__ import annotations

from .source import SourceGraph, SourceMeta, read_file_text, reader_for, READERS

__all__ = ["SourceGraph", "SourceMeta", "read_file_text", "reader_for", "READERS"]
