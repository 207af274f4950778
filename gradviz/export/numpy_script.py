"""Export a graph as a plain numpy script with the forward pass and every bar rule written out.

The rules it writes are each op's ``spelling`` (declared with the op, next to its vjp), written again from
the calculus and specialised to the shapes the graph has (a vector matmul gets ``np.outer``, a 2-D one
``a_bar @ b.T``), and conv2d is a loop over kernel offsets where the engine uses im2col. So when the
script prints the engine's numbers, two derivations agree. This module knows no op by name.
"""

from __future__ import annotations

import re
from typing import Any

from gradviz.engine.formula import render_unicode
from gradviz.engine.program import Node, Program
from gradviz.engine.spelling import Helper
from gradviz.engine.trace import BackwardStep
from gradviz.engine.tracer import run
from gradviz.export._common import (
    comment,
    display_names,
    fill,
    header,
    literal,
    printing,
    script_name,
    spelling_of,
    template_context,
)
from gradviz.export.names import check_ids, python_names
from gradviz.model.graph_record import GraphFile

# The scripts' own helper, not an op's: the engine sums a broadcast edge's contribution back to the input's
# shape (engine/broadcast.py), and a script whose graph broadcasts does it with this.
UNBROADCAST = Helper(
    '''
def unbroadcast(bar, shape):
    """Sum a bar over the axes numpy broadcast, back to the input's shape."""
    while bar.ndim > len(shape):
        bar = bar.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and bar.shape[axis] != 1:
            bar = bar.sum(axis=axis, keepdims=True)
    return bar
'''
)


def _context(node: Node, program: Program, names: dict[str, str]) -> dict[str, Any]:
    """The shared template context, plus what the written-out bar rules name: the output's bar g and value z."""
    return template_context(node, program, names) | {"g": f"{names[node.id]}_bar", "z": names[node.id]}


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _helpers(program: Program, expressions: list[str]) -> list[Helper]:
    """The helpers whose functions ``expressions`` call, each once, in the order of their first function's name.

    A helper's function is found by its name among the expressions' words: no variable has that name (the
    helpers' names are reserved, see names.py), and the expressions hold no node text. (Parsing the script
    instead costs more than the rest of the export on a large graph.)"""
    declared = [UNBROADCAST, *(h for node in program.nodes if not node.op.is_source for h in spelling_of(node).helpers)]
    known = {name: helper for helper in declared for name in helper.names}
    called = set(IDENTIFIER.findall("\n".join(expressions))) & known.keys()
    return sorted({known[name] for name in called}, key=lambda helper: helper.names[0])


def numpy_script(graph: GraphFile, program: Program, graph_path: str | None = None) -> str:
    """The numpy script of ``graph``: values, forward, reverse with every rule written out, printing."""
    check_ids(node.id for node in program.nodes)
    names = python_names(node.id for node in program.nodes)
    trace = run(program)  # only to know which edges numpy broadcast (the engine's raw contribution shapes)
    broadcast = {
        (step.node.id, step.port): step.raw_shape != step.parent.shape
        for step in trace.steps
        if isinstance(step, BackwardStep)
    }

    expressions: list[str] = []  # the forward and bar rules as written: what calls the helpers
    body = ["# ----- values ------------------------------------------------------------------"]
    for node in program.sources_and_constants:
        assert node.value is not None  # a source holds its value
        body.append(f"{names[node.id]} = {literal(node.value)}  {comment(f'{node.op.name} {node.name}')}")
    body.append("\n# ----- forward pass --------------------------------------------------------------")
    for node in program.nodes:
        if not node.op.is_source:
            formula = render_unicode(node.op.formula, display_names(node, program))
            expression = fill(spelling_of(node).numpy, _context(node, program, names))
            expressions.append(expression)
            body.append(f"{names[node.id]} = {expression}  {comment(formula)}")
    body.append("\n# ----- reverse pass: bars, starting from the cost's bar = 1 ---------------------")
    bar_ids = list(trace.bars())
    for node_id in bar_ids:
        start = "np.ones(())" if node_id == program.output else f"np.zeros({program.node(node_id).shape})"
        body.append(f"{names[node_id]}_bar = {start}")
    for node, _, edges in program.backward_plan:
        context = _context(node, program, names)
        for port, parent, _ in edges:
            template, rule = spelling_of(node).numpy_bars[port], node.op.bar_formulas[port]
            assert template is not None and rule is not None  # the plan holds only edges with a bar
            expression = fill(template, context)
            if broadcast.get((node.id, port)):
                expression = f"unbroadcast({expression}, {parent.shape})"
            expressions.append(expression)
            shown = render_unicode(rule, display_names(node, program))
            body.append(f"{names[parent.id]}_bar = {names[parent.id]}_bar + {expression}  {comment(shown)}")

    lines = [
        header(graph, "numpy", script_name(graph_path)),
        "",
        "import json",
        "import sys",
        "",
        "import numpy as np",
        "",
    ]
    lines += [helper.source.strip("\n") + "\n\n" for helper in _helpers(program, expressions)]
    lines += body
    lines.append(printing(program, names, bar_ids, "np.asarray(array)"))
    return "\n".join(lines)
