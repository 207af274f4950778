"""From a list of nodes in any order to a Program.

The checks themselves (ids, inputs naming no node, cycles, ops, attributes, values, shapes) and the
dependency order are ``gradviz.engine.check``'s, the one checker the window and files use too; this
adds what only compiling asks for: some nodes, and a chosen cost.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradviz.engine.errors import GraphError
from gradviz.engine.program import NodeSpec, Program


def compile_graph(specs: Sequence[NodeSpec], output: str | None) -> Program:
    """Check and order ``specs`` and build the Program computing ``output``."""
    if not specs:
        raise GraphError("the graph has no nodes")
    if output is None:
        raise GraphError("no node is chosen as the output (the scalar cost)")
    return Program(specs, output)
