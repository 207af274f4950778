"""Steps in words: the one line a student reads for each step of a trace.

    step 8   ◂ matmul a → W   W̄ += ā xᵀ   (2×2) += (2×1) (2×1)ᵀ

The command line prints these lines and the window's timeline shows the same sentence, so the way a
step is told is decided once, here.
"""

from __future__ import annotations

import unicodedata

from gradviz.engine.formula import render_shapes, render_unicode
from gradviz.engine.forward_mode import TangentStep
from gradviz.engine.ops._common import show
from gradviz.engine.program import Program
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Trace
from gradviz.engine.walkable import Walkable


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns; combining marks (the bars' overlines) take none."""
    columns = sum(not unicodedata.combining(char) for char in text)
    return text + " " * max(0, width - columns)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def rule_shapes(step: BackwardStep, program: Program) -> str:
    """The rule of a backward step with each name replaced by its shape: (2×2) += (2×1) (2×1)ᵀ."""
    shapes = {port.name: program.node(parent).shape for port, parent in zip(step.node.op.ports, step.node.inputs)}
    shapes["out"] = step.node.shape
    return render_shapes(step.rule, shapes)


def _dotted(name: str) -> str:
    """The tangent's symbol, as the formulas write it (ẋ, never dx)."""
    return render_unicode("{x:dot}", {"x": name})


def _computed(trace: Walkable, step: ForwardStep) -> str:
    node = step.node
    if node.op.is_source:
        return f"{node.name} is {_article(node.op.name)} {node.op.name} of shape {show(node.shape)}"
    names = [trace.program.node(parent).name for parent in node.inputs]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{node.op.name} computes {node.name} from {listed}"


def _added(trace: Walkable, step: AccumulateStep) -> str:
    child = trace.steps[step.backward_index].node.name
    if step.count == 1:
        return f"{step.node.name}'s bar starts with the contribution from {child}"
    return f"{step.node.name}'s bar adds contribution {step.count}, from {child}"


def _carried(step: TangentStep) -> str:
    node = step.node
    if node.op.is_source:
        return (
            f"forward-mode pass {step.pass_index + 1}: the tangent {_dotted(node.name)} of {node.name} "
            f"is 1 at element {list(step.element)} and 0 elsewhere"
        )
    return f"the tangent flows forward into {node.name} through {node.op.name}, giving {_dotted(node.name)}"


def sentence(trace: Walkable, index: int) -> str:
    """What happens at step ``index``, in words ("the bar of a flows into W through matmul")."""
    step = trace.steps[index]
    match step:
        case ForwardStep():
            return _computed(trace, step)
        case SeedStep():
            return f"the reverse pass starts at the cost: the bar of {step.node.name} is 1"
        case BackwardStep():
            summed = f", summed over axis {', '.join(map(str, step.summed_axes))}" if step.summed_axes else ""
            return f"the bar of {step.node.name} flows into {step.parent.name} through {step.node.op.name}{summed}"
        case AccumulateStep():
            return _added(trace, step)
        case TangentStep():
            return _carried(step)


def line(trace: Trace, index: int) -> str:
    """One line per step for the terminal: number, edge, rule with names, rule with shapes."""
    step = trace.steps[index]
    node = step.node
    formula = trace.formula(index)
    match step:
        case ForwardStep():
            edge = f"▸ {node.op.name} {node.name}"
            shapes = show(node.shape)
        case SeedStep():
            edge, shapes = f"● seed {node.name}", "scalar"
        case BackwardStep():
            edge = f"◂ {node.op.name} {node.name} → {step.parent.name}"
            shapes = rule_shapes(step, trace.program)
            if step.summed_axes:
                shapes += f"   Σ over axis {', '.join(map(str, step.summed_axes))}"
        case AccumulateStep():
            edge = f"+ {node.name}"
            shapes = f"contribution {step.count}"
    return f"step {index:<4} {_pad(edge, 24)} {_pad(formula, 28)} {shapes}"
