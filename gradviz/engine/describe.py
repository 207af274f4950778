"""Steps in words: the one line a student reads for each step of a trace.

    step 8   ◂ matmul a → W   W̄ += ā xᵀ   (2×2) += (2×1) (2×1)ᵀ

The command line prints these lines and the window's timeline shows the same sentence, so the way a
step is told is decided once, here.
"""

from __future__ import annotations

import unicodedata

from gradviz.engine.formula import render_shapes, render_unicode
from gradviz.engine.ops._common import show
from gradviz.engine.trace import Step, Trace


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


def _forward(trace: Trace, step: Step) -> str:
    node = step.node
    if node.op.is_source:
        return f"{node.name} is {_article(node.op.name)} {node.op.name} of shape {show(node.shape)}"
    names = [trace.program.node(parent).name for parent in node.inputs]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{node.op.name} computes {node.name} from {listed}"


def _seed(trace: Trace, step: Step) -> str:
    return f"the reverse pass starts at the cost: the bar of {step.node.name} is 1"


def _backward(trace: Trace, step: Step) -> str:
    summed = f", summed over axis {', '.join(map(str, step.summed_axes))}" if step.summed_axes else ""
    return f"the bar of {step.node.name} flows into {step.parent.name} through {step.node.op.name}{summed}"


def _accumulate(trace: Trace, step: Step) -> str:
    source = trace.steps[step.source].node.name
    if step.count == 1:
        return f"{step.node.name}'s bar starts with the contribution from {source}"
    return f"{step.node.name}'s bar adds contribution {step.count}, from {source}"


def _dotted(name: str) -> str:
    """The tangent's symbol, as the formulas write it (ẋ, never dx)."""
    return render_unicode("{x:dot}", {"x": name})


def _tangent(trace: Trace, step: Step) -> str:
    if step.node.op.is_source:
        return (
            f"forward-mode pass {step.pass_index + 1}: the tangent {_dotted(step.node.name)} of {step.node.name} "
            f"is 1 at element {list(step.element)} and 0 elsewhere"
        )
    return (
        f"the tangent flows forward into {step.node.name} through {step.node.op.name}, giving {_dotted(step.node.name)}"
    )


SENTENCES = {"forward": _forward, "seed": _seed, "backward": _backward, "accumulate": _accumulate, "tangent": _tangent}


def sentence(trace: Trace, index: int) -> str:
    """What happens at step ``index``, in words ("the bar of a flows into W through matmul")."""
    step = trace.steps[index]
    return SENTENCES[step.kind](trace, step)


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
