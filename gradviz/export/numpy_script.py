"""Export a graph as a plain numpy script with the forward pass and every bar rule written out.

The rules here are written again from the calculus, specialised to the shapes the graph has (a vector
matmul gets ``np.outer``, a 2-D one ``a_bar @ b.T``), and conv2d is a loop over kernel offsets where
the engine uses im2col. So when the script prints the engine's numbers, two derivations agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.engine.formula import render_unicode
from gradviz.engine.ops.conv import pad_for_mode
from gradviz.engine.program import Node, Program
from gradviz.engine.trace import BackwardStep
from gradviz.engine.tracer import run
from gradviz.export._common import comment, header, linear_forward, literal, printing, script_name, template_context
from gradviz.export.names import check_ids, python_names
from gradviz.model.graph_record import GraphFile

Template = str | Callable[[dict[str, Any]], str]

# ----- helpers a script defines when its graph needs them ---------------------------------------------

HELPERS = {
    "unbroadcast": '''
def unbroadcast(bar, shape):
    """Sum a bar over the axes numpy broadcast, back to the input's shape."""
    while bar.ndim > len(shape):
        bar = bar.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and bar.shape[axis] != 1:
            bar = bar.sum(axis=axis, keepdims=True)
    return bar
''',
    "softmax": """
def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def logsumexp(x, axis):
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.exp(x - top).sum(axis=axis))
""",
    "adjugate": '''
def adjugate(a):
    """adj(A): det(A) A⁻¹ for an invertible A, and defined for a singular one (det's bar is c̄ adj(A)ᵀ).
    From the SVD A = U S Vᵀ, with products of all singular values but one, never dividing by one."""
    u, s, vt = np.linalg.svd(a)
    before = np.concatenate(([1.0], np.cumprod(s[:-1])))
    after = np.concatenate((np.cumprod(s[:0:-1])[::-1], [1.0]))
    return np.linalg.det(u) * np.linalg.det(vt) * (vt.T * (before * after)) @ u.T
''',
    "matmul_bars": '''
def matmul_bars(g, a, b):
    """Bars of a @ b for batches and vectors: raise vectors to matrices as np.matmul does."""
    A = a[None, :] if a.ndim == 1 else a
    B = b[:, None] if b.ndim == 1 else b
    G = g
    if b.ndim == 1:
        G = G[..., None]
    if a.ndim == 1:
        G = G[..., None, :]
    a_bar = G @ np.swapaxes(B, -1, -2)
    b_bar = np.swapaxes(A, -1, -2) @ G
    return (a_bar[..., 0, :] if a.ndim == 1 else a_bar), (b_bar[..., 0] if b.ndim == 1 else b_bar)
''',
    "correlate2d": '''
def correlate2d(image, kernel, pads):
    """Slide the kernel, unflipped, over the image padded with zeros: Σ image[y+i, x+j] kernel[i, j]."""
    padded = np.pad(image, pads)
    kh, kw = kernel.shape
    out = np.zeros((padded.shape[0] - kh + 1, padded.shape[1] - kw + 1))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i:i + out.shape[0], j:j + out.shape[1]]
    return out
''',
    "conv2d": '''
def conv2d(x, w, stride, padding):
    """torch's conv2d, one kernel offset (i, j) at a time."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    kh, kw = w.shape[2:]
    out_h = (xp.shape[2] - kh) // stride[0] + 1
    out_w = (xp.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride[0] * (out_h - 1) + 1:stride[0], j:j + stride[1] * (out_w - 1) + 1:stride[1]]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return out


def conv2d_bars(g, x, w, stride, padding):
    """x's and w's bars: each offset's patch met the output's bar g through w[:, :, i, j]."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    xp_bar, w_bar = np.zeros_like(xp), np.zeros_like(w)
    out_h, out_w = g.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            rows = slice(i, i + stride[0] * (out_h - 1) + 1, stride[0])
            cols = slice(j, j + stride[1] * (out_w - 1) + 1, stride[1])
            w_bar[:, :, i, j] = np.einsum("nohw,nchw->oc", g, xp[:, :, rows, cols])
            xp_bar[:, :, rows, cols] += np.einsum("nohw,oc->nchw", g, w[:, :, i, j])
    return xp_bar[:, :, padding[0]:padding[0] + x.shape[2], padding[1]:padding[1] + x.shape[3]], w_bar
''',
}

NEEDS = {
    "softmax": "softmax",
    "log_softmax": "softmax",
    "logsumexp": "softmax",
    "cross_entropy": "softmax",
    "correlate2d": "correlate2d",
    "convolve2d": "correlate2d",
    "conv2d": "conv2d",
    "det": "adjugate",
}

# ----- forward and bar rules, one entry per op ---------------------------------------------------------


def _matmul(c: dict[str, Any], port: int) -> str:
    a, b = c["shape_a"], c["shape_b"]
    if len(a) == 2 and len(b) == 2:
        return "{g} @ {b}.T" if port == 0 else "{a}.T @ {g}"
    if len(a) == 2 and len(b) == 1:
        return "np.outer({g}, {b})" if port == 0 else "{a}.T @ {g}"
    if len(a) == 1 and len(b) == 2:
        return "{b} @ {g}" if port == 0 else "np.outer({a}, {g})"
    if len(a) == 1 and len(b) == 1:
        return "{g} * {b}" if port == 0 else "{g} * {a}"
    return f"matmul_bars({{g}}, {{a}}, {{b}})[{port}]"


def _spread(c: dict[str, Any]) -> str:
    """A reduction's bar put back over the reduced axes."""
    expanded = "{g}" if c["keepdims"] else f"np.expand_dims({{g}}, {c['reduced']})"
    return f"np.broadcast_to({expanded}, {c['shape_x']})"


def _image_bar(c: dict[str, Any], flipped: bool) -> str:
    (top, _), (left, _) = c["pads"]
    h, w = c["shape_image"]
    full = c["full_pads"]
    kernel = "{kernel}" if flipped else "{kernel}[::-1, ::-1]"
    return f"correlate2d({{g}}, {kernel}, {full})[{top}:{top + h}, {left}:{left + w}]"


FORWARD: dict[str, Template] = {
    "add": "{a} + {b}",
    "sub": "{a} - {b}",
    "mul": "{a} * {b}",
    "div": "{a} / {b}",
    "neg": "-{x}",
    "exp": "np.exp({x})",
    "log": "np.log({x})",
    "sqrt": "np.sqrt({x})",
    "square": "{x} ** 2",
    "abs": "np.abs({x})",
    "relu": "np.maximum({x}, 0.0)",
    "sigmoid": "0.5 * (1 + np.tanh(0.5 * {x}))",
    "tanh": "np.tanh({x})",
    "sin": "np.sin({x})",
    "cos": "np.cos({x})",
    "pow": "{x} ** {exponent!r}",
    "matmul": "{a} @ {b}",
    "linear": linear_forward,
    "inv": "np.linalg.inv({A})",
    "det": "np.linalg.det({A})",
    "trace": "np.trace({A})",
    "solve": "np.linalg.solve({A}, {B})",
    "transpose": "np.transpose({x}, {permutation})",
    "reshape": "np.reshape({x}, {out_shape})",
    "sum": "np.sum({x}, axis={axis!r}, keepdims={keepdims})",
    "mean": "np.mean({x}, axis={axis!r}, keepdims={keepdims})",
    "softmax": "softmax({x}, {axis})",
    "log_softmax": "log_softmax({x}, {axis})",
    "logsumexp": "logsumexp({x}, {axis})",
    "mse": lambda c: ("np.sum" if c["reduction"] == "sum" else "np.mean") + "(({prediction} - {target}) ** 2)",
    "cross_entropy": "-np.mean(log_softmax({logits}, 1)[np.arange({rows}), {target}])",
    "correlate2d": "correlate2d({image}, {kernel}, {pads})",
    "convolve2d": "correlate2d({image}, {kernel}[::-1, ::-1], {pads})",
    "conv2d": lambda c: "conv2d({x}, {w}, {stride}, {padding})" + (" + {b}[:, None, None]" if "b" in c else ""),
}

BARS: dict[str, list[Template | None]] = {
    "add": ["{g}", "{g}"],
    "sub": ["{g}", "-{g}"],
    "mul": ["{g} * {b}", "{g} * {a}"],
    "div": ["{g} / {b}", "-{g} * {a} / {b} ** 2"],
    "neg": ["-{g}"],
    "exp": ["{g} * {z}"],
    "log": ["{g} / {x}"],
    "sqrt": ["{g} / (2 * {z})"],
    "square": ["{g} * 2 * {x}"],
    "abs": ["{g} * np.sign({x})"],
    "relu": ["{g} * ({x} > 0)"],
    "sigmoid": ["{g} * {z} * (1 - {z})"],
    "tanh": ["{g} * (1 - {z} ** 2)"],
    "sin": ["{g} * np.cos({x})"],
    "cos": ["-{g} * np.sin({x})"],
    "pow": ["{g} * {exponent!r} * {x} ** ({exponent!r} - 1)"],
    "matmul": [lambda c: _matmul(c, 0), lambda c: _matmul(c, 1)],
    "linear": [
        lambda c: "np.outer({g}, {x})" if len(c["shape_x"]) == 1 else "{g} @ {x}.T",
        "{W}.T @ {g}",
        lambda c: "{g}" if len(c["shape_x"]) == 1 else "{g}.sum(axis=1)",
    ],
    "inv": ["-{z}.T @ {g} @ {z}.T"],
    "det": ["{g} * adjugate({A}).T"],
    "trace": ["{g} * np.eye({shape_A[0]})"],
    "solve": [
        lambda c: (
            "-np.outer(np.linalg.solve({A}.T, {g}), {z})"
            if len(c["shape_B"]) == 1
            else "-np.linalg.solve({A}.T, {g}) @ {z}.T"
        ),
        "np.linalg.solve({A}.T, {g})",
    ],
    "transpose": ["np.transpose({g}, {inverse})"],
    "reshape": ["np.reshape({g}, {shape_x})"],
    "sum": [_spread],
    "mean": [lambda c: _spread(c) + f" / {c['count']}"],
    "softmax": ["{z} * ({g} - np.sum({g} * {z}, axis={axis}, keepdims=True))"],
    "log_softmax": ["{g} - np.exp({z}) * np.sum({g}, axis={axis}, keepdims=True)"],
    "logsumexp": ["np.expand_dims({g}, {axis}) * softmax({x}, {axis})"],
    "mse": [
        lambda c: "{g} * 2 * ({prediction} - {target})" + c["mean_scale"],
        lambda c: "-{g} * 2 * ({prediction} - {target})" + c["mean_scale"],
    ],
    "cross_entropy": ["{g} * (softmax({logits}, 1) - np.eye({classes})[{target}]) / {rows}", None],
    "correlate2d": [lambda c: _image_bar(c, flipped=False), "correlate2d({image}, {g}, {pads})"],
    "convolve2d": [lambda c: _image_bar(c, flipped=True), "correlate2d({image}, {g}, {flipped_pads})[::-1, ::-1]"],
    "conv2d": [
        "conv2d_bars({g}, {x}, {w}, {stride}, {padding})[0]",
        "conv2d_bars({g}, {x}, {w}, {stride}, {padding})[1]",
        "{g}.sum(axis=(0, 2, 3))",
    ],
}


def _context(node: Node, program: Program, names: dict[str, str]) -> dict[str, Any]:
    """The shared template context, plus what the written-out bar rules need: g and z, counts, scales."""
    c = template_context(node, program, names)
    c.update(g=f"{names[node.id]}_bar", z=names[node.id])
    if "reduced" in c:
        c["count"] = int(np.prod([c["shape_x"][a] for a in c["reduced"]]))
    if "permutation" in c:
        c["inverse"] = tuple(int(i) for i in np.argsort(c["permutation"]))
    if node.op.name == "mse":
        size = int(np.prod(np.broadcast_shapes(c["shape_prediction"], c["shape_target"])))
        c["mean_scale"] = "" if node.attrs["reduction"] == "sum" else f" / {size}"
    if node.op.name == "cross_entropy":
        c["rows"], c["classes"] = c["shape_logits"]
    if "pads" in c:
        c["flipped_pads"] = c["pads"]
        c["full_pads"] = pad_for_mode(c["shape_kernel"], "full")
    return c


def _fill(template: Template, context: dict[str, Any]) -> str:
    text = template(context) if callable(template) else template
    return text.format(**context)


def _bar_of(op_name: str, port: int) -> Template:
    """The numpy spelling of ``op_name``'s bar rule at ``port``, a port a bar flows through."""
    template = BARS[op_name][port]
    if template is None:
        raise ValueError(f"{op_name} has no bar rule at port {port}")  # vjp None: the engine sends no bar there
    return template


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
    helpers = {NEEDS[node.op.name] for node in program.nodes if node.op.name in NEEDS}
    helpers |= {
        "matmul_bars"
        for node in program.nodes
        if node.op.name == "matmul" and "matmul_bars" in _fill(_bar_of("matmul", 0), _context(node, program, names))
    }
    if any(broadcast.values()):
        helpers.add("unbroadcast")

    lines = [
        header(graph, "numpy", script_name(graph_path)),
        "",
        "import json",
        "import sys",
        "",
        "import numpy as np",
        "",
    ]
    lines += [HELPERS[name].strip("\n") + "\n\n" for name in sorted(helpers)]
    lines.append("# ----- values ------------------------------------------------------------------")
    for node in program.sources_and_constants:
        lines.append(f"{names[node.id]} = {literal(node.held)}  {comment(f'{node.op.name} {node.name}')}")
    lines.append("\n# ----- forward pass --------------------------------------------------------------")
    for node in program.nodes:
        if not node.op.is_source:
            formula = render_unicode(node.op.formula, _display_names(node, program))
            lines.append(
                f"{names[node.id]} = {_fill(FORWARD[node.op.name], _context(node, program, names))}  {comment(formula)}"
            )
    lines.append("\n# ----- reverse pass: bars, starting from the cost's bar = 1 ---------------------")
    bar_ids = list(trace.bars())
    for node_id in bar_ids:
        start = "np.ones(())" if node_id == program.output else f"np.zeros({program.node(node_id).shape})"
        lines.append(f"{names[node_id]}_bar = {start}")
    for node, _, edges in program.backward_plan:
        context = _context(node, program, names)
        for port, parent, _ in edges:
            expression = _fill(_bar_of(node.op.name, port), context)
            if broadcast.get((node.id, port)):
                expression = f"unbroadcast({expression}, {parent.shape})"
            rule = render_unicode(node.op.bar_formulas[port] or "", _display_names(node, program))
            lines.append(f"{names[parent.id]}_bar = {names[parent.id]}_bar + {expression}  {comment(rule)}")
    lines.append(printing(program, names, bar_ids, "np.asarray(array)"))
    return "\n".join(lines)


def _display_names(node: Node, program: Program) -> dict[str, str]:
    shown = {port.name: program.node(parent).name for port, parent in zip(node.op.ports, node.inputs)}
    shown["out"] = node.name
    return shown
