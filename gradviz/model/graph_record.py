"""A graph as plain records: what a file holds, what the document loads and saves, what the code form
reads and prints.

The record lives in the model (not in ``gradviz.io``) because the model builds and reads it, and the
layers run gui → io → model → engine: io reads and writes these records, the model never reads files.
``gradviz.io.graph_file`` re-exports ``GraphFile`` for the callers that know it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gradviz.engine.program import NodeSpec


@dataclass(frozen=True)
class GraphFile:
    """A graph file's content as plain records: graph semantics apart from layout and view."""

    nodes: tuple[NodeSpec, ...]
    output: str | None
    layout: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    view: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    description: str = ""
