"""Writing the code form: a graph written as numpy-like lines that read back exactly."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.program import NodeSpec
from gradviz.io.graph_file import GraphFile
from gradviz.model.code import CodeError
from gradviz.model.code_parse import parse_code
from gradviz.model.code_print import code_of
from tests.model.code_cases import ISSUE_EXAMPLE, bare

# ----- writing and the round trip ------------------------------------------------------------------


def test_the_issue_example_reads_back_as_written():
    sections = ISSUE_EXAMPLE.replace("a = W", "\na = W")  # a blank line between the sources and the ops
    assert code_of(parse_code(ISSUE_EXAMPLE)) == sections


def test_hand_written_text_settles_after_one_pass():
    text = (
        "# the notes' example, compact\nW = parameter([[0.1, -0.3], [0.7, 0.2]])\nx = input([[1.0], [2.0]])\n"
        "c = sum((W @ x - 0.5) ** 2, label='c₀')\nd = sum(W.T @ x)\ncost = c\n"
    )
    once = code_of(parse_code(text))
    assert code_of(parse_code(once)) == once
    assert bare(parse_code(once)) == bare(parse_code(text))
    assert once.endswith("cost = c\n")  # d comes last, so the cost is chosen by name


def test_values_are_written_exactly():
    values = [0.1, 1 / 3, -0.0, 1e-300, 1.7976931348623157e308, 5e-324, 2.0**0.5]
    g = Builder()
    g.input("x", values)
    g.op("sum", "x", id="c")
    graph = GraphFile(g.specs, "c")
    back = parse_code(code_of(graph)).nodes[0].value
    assert back.tolist() == values and np.signbit(back[2])


def test_helpers_are_used_only_where_exact():
    g = Builder()
    g.constant("Z", np.zeros((3, 4)))
    g.constant("N", [0.0, -0.0, 0.0])  # a negative zero is not zeros(3)
    g.constant("I", np.eye(3))
    g.constant("R", np.arange(6.0))
    g.op("add", "Z", "Z", id="c")
    text = code_of(GraphFile(g.specs, None))
    assert "Z = constant(zeros((3, 4)))" in text and "N = constant([0.0, -0.0, 0.0])" in text
    assert "I = constant(eye(3))" in text and "R = constant(arange(6))" in text
    assert bare(parse_code(text)) == bare(GraphFile(g.specs, None))


def test_integer_labels_are_written_as_integers():
    g = Builder()
    g.parameter("z", [[1.0, 2.0], [0.5, 0.1]])
    g.constant("t", [1, 0])
    g.op("cross_entropy", "z", "t", id="c")
    assert "t = constant([1, 0])" in code_of(GraphFile(g.specs, "c"))


def test_an_unfinished_graph_is_written_and_reading_it_says_what_is_missing():
    g = Builder()
    g.input("x", [1.0, 2.0])
    text = code_of(GraphFile((*g.specs, NodeSpec("a", "add", ("x", None))), None))
    assert "a = add(x, None)" in text and text.endswith("cost = None\n")
    with pytest.raises(CodeError, match=r"line 3, col 12: this input is not connected \(None\)"):
        parse_code(text)


def test_tricky_titles_and_labels_round_trip():
    g = Builder()
    g.input("x", 1.0, label='say "hi" \\ \t ok')
    g.op("sin", "x", id="c")
    for title, description in [
        ('A "quoted" title', 'ends in a quote"'),
        ("back\\slash", "two\n\nparagraphs"),
        ("", "only a description"),
        ("only a title", ""),
    ]:
        graph = GraphFile(g.specs, "c", title=title, description=description)
        assert bare(parse_code(code_of(graph))) == bare(graph)
