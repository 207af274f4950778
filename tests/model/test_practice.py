"""Practice questions: shapes, numbers to 1e-6, hints and the score (the wrong rules: test_distractors)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.tracer import run
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES
from gradviz.model.practice import Score, StepQuiz, parse_shape, wrong_cells


def backward_steps(trace):
    return [step.index for step in trace.steps if step.kind == "backward"]


EXAMPLE_TRACES = [run(load(path)[1]) for path in sorted(EXAMPLES.glob("*.json"))]


def normal(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("3×2", (3, 2)),
        ("3x2", (3, 2)),
        (" (3, 2) ", (3, 2)),
        ("3 2", (3, 2)),
        ("scalar", ()),
        ("4", (4,)),
        ("three", None),
        ("3×", (3,)),
        ("", None),
    ],
)
def test_shapes_as_students_type_them(text, shape):
    assert parse_shape(text) == shape


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=16), st.data())
def test_numbers_are_right_to_one_part_in_a_million_and_wrong_cells_are_marked(values, data):
    truth = np.array(values)
    off = data.draw(st.sets(st.integers(0, len(values) - 1)))
    typed = [[repr(v * (1 + 1e-8)) if i not in off else repr(v * 1.001 + 1.0) for i, v in enumerate(values)]]
    assert wrong_cells(typed, truth).nonzero()[1].tolist() == sorted(off)


def test_a_grid_of_a_matrix_and_unreadable_cells():
    truth = np.array([[1.5, -2.0], [0.0, 4.0]])
    assert wrong_cells([["1.5", "−2"], ["0", "4.0000001"]], truth).tolist() == [[False, False], [False, False]]
    assert wrong_cells([["1.5", "x"], ["", "4"]], truth).tolist() == [[False, True], [True, False]]


def test_a_step_asks_shape_rule_and_numbers_with_a_hint_then_the_answer():
    trace = run(load(EXAMPLES / "linear_layer.json")[1])
    into_w = next(s.index for s in trace.steps if s.kind == "backward" and s.parent.id == "W")
    quiz = StepQuiz(trace, into_w)
    assert quiz.question() == "What shape is the contribution to W̄?"
    first = quiz.answer("2×3")
    assert not first.correct and first.message.startswith("Hint: the rule with its shapes is (3×2) = (3×1) (2×1)ᵀ")
    assert quiz.stage == "shape"
    assert quiz.answer("3×2").correct and quiz.stage == "rule"
    wrong = (quiz.choices.right + 1) % 4
    assert not quiz.answer(wrong).correct
    second = quiz.answer(wrong)
    assert second.revealed and second.message == "The rule is W̄ = ā xᵀ" and quiz.stage == "numbers"
    a_bar, x = np.array([-2.0, 2.2, -1.4]), np.array([1.0, 2.0])  # ā = 2(W x − y), by hand from the file
    typed = [[str(v) for v in row] for row in np.outer(a_bar, x)]
    typed[1][1] = "4.5"
    marked = quiz.answer(typed)
    assert not marked.correct and marked.wrong.tolist() == [[False, False], [False, True], [False, False]]
    typed[1][1] = "4.4"
    assert quiz.answer(typed).correct and quiz.done and quiz.missed and quiz.hinted
    score = Score()
    score.record(quiz)
    # told as the timeline tells it: 5 forward steps, the seed, ā's edge, then W̄'s edge is the 8th step, and
    # W̄ has one contribution, so "=" (an addition to nothing is no addition)
    assert score.summary(trace) == "0 of 1 steps right first time; missed: step 8 (W̄ = ā xᵀ)."


def test_big_contributions_skip_the_numbers():
    trace = run(load(EXAMPLES / "tiny_cnn.json")[1])
    into_v = next(s.index for s in trace.steps if s.kind == "backward" and s.parent.id == "V")
    quiz = StepQuiz(trace, into_v)
    quiz.answer("50×3")
    quiz.answer(quiz.choices.right)
    assert quiz.done


def test_only_backward_steps_are_practised():
    trace = run(load(EXAMPLES / "linear_layer.json")[1])
    with pytest.raises(ValueError, match="backward steps"):
        StepQuiz(trace, 0)
