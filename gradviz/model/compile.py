"""From a list of nodes in any order to a Program: the graph checks that need the whole graph.

Files and the canvas list nodes in the order a person wrote them, not in dependency order. This
module finds duplicate ids, inputs naming no node and cycles (named node by node), then orders the
nodes topologically, breaking ties by their written order so the same graph always gives the same
program and the same trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gradviz.engine.errors import GraphError, NodeError
from gradviz.engine.program import NodeSpec, Program

if TYPE_CHECKING:
    import networkx as nx


def dependency_graph(specs: Sequence[NodeSpec]) -> nx.MultiDiGraph:
    """Nodes by id, one edge per input port (x * x has two edges), after checking ids and inputs."""
    import networkx as nx  # noqa: PLC0415 - 0.24 s to import: the window starts without it

    graph = nx.MultiDiGraph()
    for spec in specs:
        if spec.id in graph:
            raise NodeError(spec.id, "this id is used by two nodes", "id")
        graph.add_node(spec.id)
    for spec in specs:
        for port, parent in enumerate(spec.inputs):
            if parent is None:
                raise NodeError(spec.id, f"input {port + 1} is not connected", "inputs")
            if parent not in graph:
                raise NodeError(spec.id, f"input {port + 1} names {parent!r}, which is no node", "inputs")
            graph.add_edge(parent, spec.id, port=port)
    return graph


def topological_order(specs: Sequence[NodeSpec]) -> list[NodeSpec]:
    """``specs`` with every node after its inputs; ties keep the written order."""
    import networkx as nx  # noqa: PLC0415

    graph = dependency_graph(specs)
    written = {spec.id: i for i, spec in enumerate(specs)}
    try:
        order = list(nx.lexicographical_topological_sort(graph, key=written.__getitem__))
    except nx.NetworkXUnfeasible:
        cycle = [edge[0] for edge in nx.find_cycle(graph)]
        path = " → ".join([*cycle, cycle[0]])
        raise NodeError(cycle[0], f"the graph has a cycle: {path}", "inputs") from None
    by_id = {spec.id: spec for spec in specs}
    return [by_id[node_id] for node_id in order]


def compile_graph(specs: Sequence[NodeSpec], output: str | None) -> Program:
    """Check and order ``specs`` and build the Program computing ``output``."""
    if not specs:
        raise GraphError("the graph has no nodes")
    if output is None:
        raise GraphError("no node is chosen as the output (the scalar cost)")
    return Program(topological_order(specs), output)
