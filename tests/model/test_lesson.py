"""Lesson stops: placeholders computed from the trace at the stop's step, and errors that name stop and node."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz.engine.program import NodeSpec
from gradviz.engine.tracer import run
from gradviz.model.compile import compile_graph
from gradviz.model.lesson import (
    LessonError,
    Segment,
    Stop,
    check_lesson,
    insertion_point,
    resolve,
    resolved_text,
    split_math,
    stop_for_step,
    stops_of,
)

Y = np.array([[0.5], [0.0], [1.0]])
X = np.array([[1.0], [2.0]])


def linear_trace(W: np.ndarray):
    nodes = (
        NodeSpec("W", "parameter", (), {}, W),
        NodeSpec("x", "input", (), {}, X),
        NodeSpec("a", "matmul", ("W", "x")),
        NodeSpec("y", "constant", (), {}, Y),
        NodeSpec("L", "mse", ("a", "y"), {"reduction": "sum"}),
    )
    return run(compile_graph(nodes, "L"))


W0 = np.array([[0.1, -0.3], [0.7, 0.2], [-0.5, 0.4]])
LAST = len(linear_trace(W0)) - 1


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (3, 2), elements=st.floats(-5, 5)), st.integers(0, 2), st.integers(0, 1))
def test_a_bar_placeholder_is_the_notes_formula_at_that_element(W, i, j):
    """W̄ = ā xᵀ with ā = 2(W x − y) (notes 20.2), computed here with numpy, not by the engine."""
    expected = (2 * (W @ X - Y) @ X.T)[i, j]
    text = resolved_text(Stop(LAST, f"{{{{W.bar[{i},{j}]:.12g}}}}"), linear_trace(W), 1)
    assert float(text.replace("−", "-")) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_values_shapes_sizes_and_whole_small_arrays():
    trace = linear_trace(W0)
    text = resolved_text(
        Stop(LAST, "a = {{a.value}}, W is {{W.shape}} ({{W.size}} numbers), $W: {{W.shape}}$"), trace, 1
    )
    assert text == "a = (−0.5, 1.1, 0.3)ᵀ, W is 3×2 (6 numbers), $W: 3 \\times 2$"


def test_math_and_words_alternate_and_an_escaped_dollar_is_a_dollar():
    assert split_math(r"costs \$5 and $\bar{W}$ done") == [
        Segment("costs $5 and "),
        Segment(r"\bar{W}", math=True),
        Segment(" done"),
    ]
    with pytest.raises(LessonError, match="no \\$ closes"):
        split_math("an $ alone")


def test_the_cost_of_a_product_step_and_its_naive_cost():
    trace = linear_trace(W0)
    matmul_w = next(s.index for s in trace.steps if s.kind == "backward" and s.parent.id == "W")
    text = resolved_text(Stop(matmul_w, "{{flops}} against {{naive_flops}}"), trace, 1)
    flops, naive = (int(part) for part in text.split(" against "))
    assert flops == trace.flops(matmul_w) and naive == trace.naive_flops(matmul_w) and naive > flops


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{q.bar}}", "stop 2 (step 4): {{q.bar}} names node 'q', which is no node"),
        ("{{W.bar[0,0]}}", "stop 2 (step 4): node 'W': its bar has not been reached yet at step 4"),
        ("{{W.value[3,0]}}", "stop 2 (step 4): node 'W': index [3,0] is outside its shape 3×2"),
        ("{{W.value[0]}}", "index [0] is outside its shape 3×2"),
        ("{{W.grad}}", "{{W.grad}} is not a placeholder"),
        ("{{W.value[0,0]:q}}", "'q' is not a number format"),
        ("{{flops}}", None),
    ],
)
def test_a_bad_placeholder_is_one_line_naming_the_stop_and_the_node(text, message):
    trace = linear_trace(W0)
    stop = Stop(4, text)
    if message is None:
        resolve(stop, trace, 2)
        return
    with pytest.raises(LessonError) as error:
        resolve(stop, trace, 2)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_value_is_not_quoted_before_its_forward_step():
    with pytest.raises(LessonError, match="node 'a': its value is not computed yet at step 1"):
        resolve(Stop(1, "{{a.value[0,0]}}"), linear_trace(W0), 3)


def test_check_lesson_lists_every_broken_stop():
    trace = linear_trace(W0)
    stops = [Stop(2, "fine {{a.value[0,0]}}"), Stop(3, "x", node="nowhere"), Stop(99, "late")]
    problems = check_lesson(stops, trace)
    assert len(problems) == 2
    assert "stop 2" in problems[0] and "'nowhere'" in problems[0]
    assert problems[1].startswith("stop 3 (step 99)")


def test_navigation_finds_the_stop_at_or_before_a_step_and_authoring_keeps_the_order():
    stops = stops_of(
        {
            "stops": [
                {"step": 2, "text": "a"},
                {"step": 6, "text": "b", "node": "W"},
                {"step": 9, "text": "c", "panel": "formula"},
            ]
        }
    )
    assert [stop_for_step(stops, k) for k in (-1, 2, 5, 6, 100)] == [None, 0, 0, 1, 2]
    assert [insertion_point(stops, k) for k in (0, 2, 7, 12)] == [0, 1, 2, 3]
    assert stops[1].node == "W" and stops[2].panel == "formula"
    assert [stop.to_json() for stop in stops][1] == {"step": 6, "text": "b", "node": "W"}
