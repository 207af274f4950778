"""Wrong rules for practice, made from the declarations: distinct, typical mistakes, fitting the bar's shape."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.formula import render_unicode
from gradviz.engine.program import NodeSpec
from gradviz.engine.registry import all_ops
from gradviz.engine.tracer import run
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES
from gradviz.model.compile import compile_graph
from gradviz.model.distractors import distractor_templates, rule_choices
from gradviz.model.story import story_of
from tests.model.test_practice import EXAMPLE_TRACES, backward_steps, normal


@pytest.mark.parametrize("trace", EXAMPLE_TRACES, ids=lambda t: t.program.output)
def test_every_backward_step_of_every_example_has_one_right_and_three_distinct_wrong_rules(trace):
    for index in backward_steps(trace):
        choices = rule_choices(trace, index)
        assert len(choices.options) == 4
        assert len({normal(option) for option in choices.options}) == 4, choices.options
        story = story_of(trace)  # the right rule reads as the timeline tells that edge (= for a first contribution)
        assert normal(choices.options[choices.right]) == normal(story.formula(story.position(index)))
        assert choices.mistakes.count("") == 1 and choices.mistakes[choices.right] == ""


def test_every_declared_rule_gets_three_wrong_ones_that_differ_from_it():
    for op in all_ops():
        for port, rule in enumerate(op.bar_formulas):
            if not rule:
                continue
            others = tuple(r for i, r in enumerate(op.bar_formulas) if r and i != port)
            wrong = {template for _, template in distractor_templates(rule, op.port_names, op.category, others)}
            wrong.discard(rule)
            assert len(wrong) >= 3, f"{op.name}: {rule}"


def test_the_typical_mistakes_are_offered():
    # square factors: turning them round or slipping a transpose keeps the shape, so those are offered
    nodes = (
        NodeSpec("X", "parameter", (), {}, np.array([[1.0, 2.0], [3.0, 4.0]])),
        NodeSpec("Y", "input", (), {}, np.array([[0.5, -1.0], [2.0, 1.5]])),
        NodeSpec("Z", "matmul", ("X", "Y")),
        NodeSpec("c", "sum", ("Z",)),
    )
    square = run(compile_graph(nodes, "c"))
    into_x = next(s.index for s in square.steps if s.kind == "backward" and s.parent.id == "X")
    options = set(rule_choices(square, into_x).options)  # X feeds one node: its bar reads "=", not "+="
    assert "X̄ = Yᵀ Z̄" in options  # the factors turned round
    assert options & {"X̄ = Z̄ Y", "X̄ = Z̄ᵀ Yᵀ", "X̄ = −Z̄ Yᵀ"}  # a transpose slipped, or the sign lost
    # W (3×2) = ā (3×1) xᵀ (1×2): turned round or transposed it has another shape, which a student who has
    # just answered the shape would rule out at once; the options keep W's shape (the sign lost, scaled)
    trace = run(load(EXAMPLES / "linear_layer.json")[1])
    into_w = next(s.index for s in trace.steps if s.kind == "backward" and s.parent.id == "W")
    options = set(rule_choices(trace, into_w).options)
    assert "W̄ = −ā xᵀ" in options
    assert "W̄ = a xᵀ" in options  # the value where the bar belongs: backprop carries adjoints
    shapes = {"ā": (3, 1), "a": (3, 1), "x": (2, 1), "W̄": (3, 2)}
    assert all(shape_fits(option, shapes, (3, 2)) for option in options), options
    impulse = run(load(EXAMPLES / "correlation_impulse.json")[1])
    into_image = next(s.index for s in impulse.steps if s.kind == "backward" and s.parent.id == "I_i")
    assert any("⋆ k" in option for option in rule_choices(impulse, into_image).options)  # the unflipped kernel
    tanh = run(load(EXAMPLES / "elementwise.json")[1])
    into_a = next(s.index for s in tanh.steps if s.kind == "backward" and s.parent.id == "a")
    assert "ā = h̄" in rule_choices(tanh, into_a).options  # g′ forgotten


def test_two_ports_with_one_name_never_offer_the_right_rule_as_a_wrong_one():
    """x * x: the rule for a (z̄ ⊙ b) and for b (z̄ ⊙ a) read the same once both are x."""
    nodes = (
        NodeSpec("x", "input", (), {}, np.array([1.0, 2.0])),
        NodeSpec("z", "mul", ("x", "x")),
        NodeSpec("c", "sum", ("z",)),
    )
    trace = run(compile_graph(nodes, "c"))
    for index in backward_steps(trace):
        choices = rule_choices(trace, index)
        assert len({normal(option) for option in choices.options}) == 4


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
def test_for_a_product_wrong_rules_that_keep_the_shape_come_first(m, k, n):
    """Z = X Y with X m×k and Y k×n. A wrong rule whose shapes fit (possible for square sizes) is offered
    before one a student could rule out by its shape alone."""
    nodes = (
        NodeSpec("X", "parameter", (), {}, np.ones((m, k))),
        NodeSpec("Y", "input", (), {}, np.ones((k, n))),
        NodeSpec("Z", "matmul", ("X", "Y")),
        NodeSpec("c", "sum", ("Z",)),
    )
    trace = run(compile_graph(nodes, "c"))
    for index in backward_steps(trace):
        step = trace.steps[index]
        if step.node.op.name != "matmul":
            continue
        choices = rule_choices(trace, index)
        assert len({normal(option) for option in choices.options}) == 4
        shapes = {"X": (m, k), "Y": (k, n), "Z̄": (m, n), "Z": (m, n)}
        fitting = [shape_fits(option, shapes, step.parent.shape) for option in choices.options]
        assert all(fitting), choices.options  # every option has the bar's shape: none is ruled out by shape
        names = {"a": "X", "b": "Y", "out": "Z"}
        candidates = {
            normal(render_unicode(template, names))
            for _, template in distractor_templates(
                step.rule, ("a", "b"), "linear algebra", tuple(r for r in step.node.op.bar_formulas if r != step.rule)
            )
        }
        candidates.discard(normal(trace.formula(index)))  # templates keep the trace's "+="
        available = sum(shape_fits(c, shapes, step.parent.shape) for c in candidates if "½" not in c and "2 " not in c)
        assert sum(fitting) - 1 >= min(3, available)  # the right one fits; then as many fitting wrong ones as exist


def shape_fits(option: str, shapes: dict, wanted: tuple) -> bool:
    """Whether the product on the right of ``option`` (names side by side, ᵀ allowed, maybe scaled by a
    number: ``2 (X̄ Yᵀ)``) has shape ``wanted``."""
    result = None
    right = re.split(r" \+?= ", option, maxsplit=1)[1].replace("−", "")
    right = re.sub(r"^(2|½) \((.*)\)$", r"\2", right)  # a number scales, keeping the shape
    for factor in right.split():
        shape = shapes[factor.rstrip("ᵀ")]
        shape = shape[::-1] if factor.endswith("ᵀ") else shape
        if result is not None and result[1] != shape[0]:
            return False
        result = shape if result is None else (result[0], shape[1])
    return result == wanted
