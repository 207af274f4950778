"""Every shipped example is a lesson, and every lesson can be shown: 4–10 stops, each step and node there,
every placeholder resolved against the engine's trace, every formula typeset by mathtext, and no number
typed by hand (a number in a stop's text comes from the trace, so an edited value never makes it lie)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.mathtext import MathTextParser

from gradviz.engine.tracer import run
from gradviz.io.graph_file import load
from gradviz.model.lesson import PLACEHOLDER, check_lesson, resolve, split_math, stops_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "assets" / "examples").glob("*.json"))  # this checkout's

# A quoted number: digits not glued to a name (i1, W2 and C₁ are names, 3 and 0.5 are numbers).
NUMBER = re.compile(r"(?<![\w\\])[-−]?\d+(?:\.\d+)?")
# Math may still hold what is notation, not data: sub- and superscripts (W_{01}, n^4) and the constants
# of the rules themselves (c̄ = 1, 2(f − y), a > 0).
NOTATION = re.compile(r"[_^]\{[^}]*\}|[_^]\w")
RULE_CONSTANTS = {"0", "1", "2"}


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda path: path.stem)
def lesson(request):
    graph, program = load(request.param)
    return stops_of(graph.view), run(program)


def test_each_example_is_a_lesson_of_four_to_ten_stops_through_the_pass(lesson):
    stops, trace = lesson
    assert 4 <= len(stops) <= 10
    assert [stop.step for stop in stops] == sorted(stop.step for stop in stops)
    assert all(stop.node in trace.program.index for stop in stops if stop.node)


def test_every_placeholder_of_every_stop_resolves_against_the_trace(lesson):
    stops, trace = lesson
    assert check_lesson(stops, trace) == []


def test_no_number_is_typed_by_hand(lesson):
    stops, _ = lesson
    for number, stop in enumerate(stops, start=1):
        for segment in split_math(stop.text):
            text = PLACEHOLDER.sub(" ", segment.text)
            if segment.math:
                text = NOTATION.sub(" ", text)
                found = [n for n in NUMBER.findall(text) if n not in RULE_CONSTANTS]
            else:
                found = NUMBER.findall(text)
            assert not found, f"stop {number} types {found} by hand: write a {{{{node.field[i]}}}} placeholder"


def test_every_formula_typesets(lesson):
    stops, trace = lesson
    parser = MathTextParser("path")
    for number, stop in enumerate(stops, start=1):
        for segment in resolve(stop, trace, number):
            if segment.math:
                parser.parse(f"${segment.text}$")  # raises ValueError on what mathtext cannot read


@pytest.mark.parametrize(
    ("text", "math", "caught"),
    [
        ("3 passes", False, True),
        ("the bar of i1 and W₂", False, False),
        ("a = 0.5", False, True),
        ("n^4 and W_{01}", True, False),
        ("2(f - y) = 1", True, False),
        ("x = 0.5", True, True),
        ("-3", True, True),
    ],
)
def test_the_typed_number_rule_itself(text, math, caught):
    if math:
        text = NOTATION.sub(" ", text)
        found = [n for n in NUMBER.findall(text) if n not in RULE_CONSTANTS]
    else:
        found = NUMBER.findall(text)
    assert bool(found) == caught
