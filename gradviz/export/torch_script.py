"""Export a graph as a PyTorch script: the forward pass in torch ops, the bars from torch's autograd.

This is the most independent check a student can run: none of gradviz's bar rules is involved.
Intermediate nodes keep their gradients (``retain_grad``) so every bar gradviz shows can be compared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradviz.engine.formula import render_unicode
from gradviz.engine.program import Program
from gradviz.engine.tracer import run
from gradviz.export._common import comment, header, linear_forward, printing, script_name, template_context
from gradviz.export.names import check_ids, python_names
from gradviz.model.graph_record import GraphFile

Template = str | Callable[[dict[str, Any]], str]


def _reduce(function: str) -> Callable[[dict[str, Any]], str]:
    """torch.sum / torch.mean over numpy-style axis (None, int or list) and keepdims."""

    def template(c: dict[str, Any]) -> str:
        axes = c["reduced"]
        if not axes:  # a scalar, or no axes: nothing to reduce
            return "{x}.clone()" if not c["shape_x"] else f"torch.{function}({{x}}, dim=(), keepdim=True)"
        return f"torch.{function}({{x}}, dim={axes}, keepdim={c['keepdims']})"

    return template


def _plane(c: dict[str, Any], flipped: bool) -> str:
    """scipy's correlate2d/convolve2d: pad (asymmetrically for 'same'), then torch's valid conv2d."""
    (top, bottom), (left, right) = c["pads"]
    kernel = "torch.flip({kernel}, [0, 1])" if flipped else "{kernel}"
    return f"F.conv2d(F.pad({{image}}[None, None], ({left}, {right}, {top}, {bottom})), {kernel}[None, None])[0, 0]"


FORWARD: dict[str, Template] = {
    "add": "{a} + {b}",
    "sub": "{a} - {b}",
    "mul": "{a} * {b}",
    "div": "{a} / {b}",
    "neg": "-{x}",
    "exp": "torch.exp({x})",
    "log": "torch.log({x})",
    "sqrt": "torch.sqrt({x})",
    "square": "{x} ** 2",
    "abs": "torch.abs({x})",
    "relu": "torch.relu({x})",
    "sigmoid": "torch.sigmoid({x})",
    "tanh": "torch.tanh({x})",
    "sin": "torch.sin({x})",
    "cos": "torch.cos({x})",
    "pow": "{x} ** {exponent!r}",
    "matmul": "torch.matmul({a}, {b})",
    "linear": linear_forward,
    "inv": "torch.linalg.inv({A})",
    "det": "torch.linalg.det({A})",
    "trace": "torch.trace({A})",
    "solve": "torch.linalg.solve({A}, {B})",
    "transpose": "{x}.permute({permutation})",
    "reshape": "{x}.reshape({out_shape})",
    "sum": _reduce("sum"),
    "mean": _reduce("mean"),
    "softmax": "torch.softmax({x}, {axis})",
    "log_softmax": "torch.log_softmax({x}, {axis})",
    "logsumexp": "torch.logsumexp({x}, {axis})",
    "mse": lambda c: "(({prediction} - {target}) ** 2)." + c["reduction"] + "()",
    "cross_entropy": "F.cross_entropy({logits}, {target})",
    "correlate2d": lambda c: _plane(c, flipped=False),
    "convolve2d": lambda c: _plane(c, flipped=True),
    "conv2d": lambda c: "F.conv2d({x}, {w}" + (", {b}" if "b" in c else "") + ", stride={stride}, padding={padding})",
}


def _fill(template: Template, context: dict[str, Any]) -> str:
    return (template(context) if callable(template) else template).format(**context)


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
        dtype = "torch.int64" if node.held.dtype.kind in "iu" else "torch.float64"
        grad = ", requires_grad=True" if node.op.has_bar else ""
        lines.append(
            f"{names[node.id]} = torch.tensor({node.held.tolist()!r}, dtype={dtype}{grad})"
            f"  {comment(f'{node.op.name} {node.name}')}"
        )
    lines.append("\n# ----- forward pass --------------------------------------------------------------")
    for node in program.nodes:
        if node.op.is_source:
            continue
        shown = {port.name: program.node(p).name for port, p in zip(node.op.ports, node.inputs)} | {"out": node.name}
        lines.append(
            f"{names[node.id]} = {_fill(FORWARD[node.op.name], template_context(node, program, names))}"
            f"  {comment(render_unicode(node.op.formula, shown))}"
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
