"""scidip-kg: a knowledge graph of science-diplomacy relationships.

>>> import kg
>>> graph = kg.KnowledgeGraph()          # in memory; kg.KnowledgeGraph("kg-store") on disk
>>> "KnowledgeGraph" in kg.__all__
True
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    InputError,
    KGError,
    ParseError,
    QueryError,
    ResolutionError,
    ResultTooLarge,
    StoreError,
    ValidationError,
)
from .graph import IngestReport, KnowledgeGraph, SourceInfo
from .store import OxigraphStore, Store, open_store

__all__ = [
    "__version__",
    "KnowledgeGraph",
    "IngestReport",
    "SourceInfo",
    "Store",
    "OxigraphStore",
    "open_store",
    "KGError",
    "InputError",
    "ParseError",
    "ResolutionError",
    "ValidationError",
    "QueryError",
    "ResultTooLarge",
    "StoreError",
]
