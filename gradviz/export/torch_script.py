"""Export a graph as a PyTorch script: the forward pass in torch ops, the bars from torch's autograd.

This is the most independent check a student can run: none of gradviz's bar rules is involved. Each op's
torch forward is its declared ``spelling``; this module knows no op by name.
Intermediate nodes keep their gradients (``retain_grad``) so every bar gradviz shows can be compared.
"""

from __future__ import annotations

from gradviz.engine.formula import render_unicode
from gradviz.engine.program import Program
from gradviz.engine.tracer import run
from gradviz.export._common import (
    comment,
    display_names,
    fill,
    header,
    printing,
    script_name,
    spelling_of,
    template_context,
)
from gradviz.export.names import check_ids, python_names
from gradviz.model.graph_record import GraphFile


def torch_script(graph: GraphFile, program: Program, graph_path: str | None = None) -> str:
    """The PyTorch script of ``graph``: tensors, forward in torch ops, ``backward()``, printing."""
    check_ids(node.id for node in program.nodes)
    names = python_names(node.id for node in program.nodes)
    bar_ids = list(run(program).bars())
    lines = [
        header(graph, "PyTorch autograd", script_name(graph_path)),
        "",
        "import json",
        "import sys",
        "",
        "import torch",
        "import torch.nn.functional as F",
        "",
        "# ----- values: inputs and parameters get gradients ---------------------------------",
    ]
    for node in program.sources_and_constants:
        assert node.value is not None  # a source holds its value
        dtype = "torch.int64" if node.value.dtype.kind in "iu" else "torch.float64"
        grad = ", requires_grad=True" if node.op.has_bar else ""
        lines.append(
            f"{names[node.id]} = torch.tensor({node.value.tolist()!r}, dtype={dtype}{grad})"
            f"  {comment(f'{node.op.name} {node.name}')}"
        )
    lines.append("\n# ----- forward pass --------------------------------------------------------------")
    for node in program.nodes:
        if node.op.is_source:
            continue
        expression = fill(spelling_of(node).torch, template_context(node, program, names))
        lines.append(
            f"{names[node.id]} = {expression}  {comment(render_unicode(node.op.formula, display_names(node, program)))}"
        )
        if node.id in bar_ids:
            lines.append(f"{names[node.id]}.retain_grad()")
    lines.append("\n# ----- reverse pass: autograd, from the cost -------------------------------------")
    lines.append(f"{names[program.output]}.backward()")
    for node_id in bar_ids:
        name = names[node_id]
        zeros = f"torch.zeros({program.node(node_id).shape}, dtype=torch.float64)"
        lines.append(f"{name}_bar = {name}.grad if {name}.grad is not None else {zeros}")
    lines.append(printing(program, names, bar_ids, "array.detach().numpy()"))
    return "\n".join(lines)
