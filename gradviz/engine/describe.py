"""Steps in words: the one line a student reads for each step of a trace.

    step 8   ◂ matmul a → W   W̄ += ā xᵀ   (2×2) += (2×1) (2×1)ᵀ

The command line prints these lines and the window's timeline shows the same sentence, so the way a
step is told is decided once, here.
"""

from __future__ import annotations

import unicodedata

from gradviz.engine.formula import render_shapes
from gradviz.engine.ops._common import show
from gradviz.engine.trace import Trace


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns; combining marks (the bars' overlines) take none."""
    columns = sum(not unicodedata.combining(char) for char in text)
    return text + " " * max(0, width - columns)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def rule_shapes(trace: Trace, index: int) -> str:
    """The rule of backward step ``index`` with each name replaced by its shape: (2×2) += (2×1) (2×1)ᵀ."""
    step = trace.steps[index]
    program = trace.program
    shapes = {port.name: program.node(parent).shape for port, parent in zip(step.node.op.ports, step.node.inputs)}
    shapes["out"] = step.node.shape
    return render_shapes(step.rule, shapes)


def sentence(trace: Trace, index: int) -> str:
    """What happens at step ``index``, in words ("the bar of a flows into W through matmul")."""
    step = trace.steps[index]
    node = step.node
    if step.kind == "forward":
        if node.op.is_source:
            return f"{node.name} is {_article(node.op.name)} {node.op.name} of shape {show(node.shape)}"
        names = ", ".join(trace.program.node(parent).name for parent in node.inputs)
        return f"{node.op.name} computes {node.name} from {names}"
    if step.kind == "seed":
        return f"the reverse pass starts at the cost: the bar of {node.name} is 1"
    if step.kind == "backward":
        summed = f", summed over axis {', '.join(map(str, step.summed_axes))}" if step.summed_axes else ""
        return f"the bar of {node.name} flows into {step.parent.name} through {node.op.name}{summed}"
    source = trace.steps[step.source]
    if step.count == 1:
        return f"{node.name}'s bar starts with the contribution from {source.node.name}"
    return f"{node.name}'s bar adds contribution {step.count}, from {source.node.name}"


def line(trace: Trace, index: int) -> str:
    """One line per step for the terminal: number, edge, rule with names, rule with shapes."""
    step = trace.steps[index]
    node = step.node
    formula = trace.formula(index)
    if step.kind == "forward":
        edge = f"▸ {node.op.name} {node.name}"
        shapes = show(node.shape)
    elif step.kind == "seed":
        edge, shapes = f"● seed {node.name}", "scalar"
    elif step.kind == "backward":
        edge = f"◂ {node.op.name} {node.name} → {step.parent.name}"
        shapes = rule_shapes(trace, index)
        if step.summed_axes:
            shapes += f"   Σ over axis {', '.join(map(str, step.summed_axes))}"
    else:
        edge = f"+ {node.name}"
        shapes = f"contribution {step.count}"
    return f"step {index:<4} {_pad(edge, 24)} {_pad(formula, 28)} {shapes}"
