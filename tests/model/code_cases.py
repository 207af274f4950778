"""Shared by the code-form tests: the issue's example and how two graphs are compared."""

from __future__ import annotations

from gradviz.io.graph_file import GraphFile, dumps

ISSUE_EXAMPLE = """\
W = parameter([[0.1, -0.3], [0.7, 0.2]])
x = input([[1.0], [2.0]])
y = constant([[0.5], [0.0]])
a = W @ x
c = mse(a, y, reduction="sum")
"""


def bare(graph: GraphFile) -> str:
    """The graph's file text without layout or view: what the code form has to keep."""
    nodes = tuple(sorted(graph.nodes, key=lambda spec: spec.id))  # the order is tested where it matters
    return dumps(GraphFile(nodes, graph.output, {}, {}, graph.title, graph.description))


def specs(graph: GraphFile) -> list[tuple]:
    return [(spec.id, spec.op, tuple(spec.inputs), dict(spec.attrs)) for spec in graph.nodes]
