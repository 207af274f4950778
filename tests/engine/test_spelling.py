"""An op's export spelling is checked as it is declared: a mistake fails the import, not a student's export."""

from __future__ import annotations

import dataclasses

import pytest

from gradviz.engine.registry import get_op
from gradviz.engine.spelling import Helper, Spelling


def test_a_helper_knows_the_functions_it_defines():
    helper = Helper("def softmax(x, axis):\n    return x\n\n\ndef logsumexp(x, axis):\n    return x\n")
    assert helper.names == ("softmax", "logsumexp")


@pytest.mark.parametrize(
    "source",
    ["", "x = 1\n", "def f():\n    return 1\n\n\nprint(f())\n", "import os\n\n\ndef f():\n    return 1\n"],
    ids=["empty", "statement", "call after", "import"],
)
def test_a_helper_is_function_definitions_and_nothing_else(source):
    """A script defines its helpers before its values: a helper that ran code would run it there."""
    with pytest.raises(ValueError, match="function definitions and nothing else"):
        Helper(source)


def test_a_helper_that_is_not_python_fails_its_declaration():
    with pytest.raises(SyntaxError):
        Helper("def f(:\n")


@pytest.mark.parametrize(
    ("op_name", "bars", "message"),
    [
        ("mul", ["{g} * {b}"], "one numpy bar rule per port"),
        ("mul", ["{g} * {b}", None], "port 1 needs a numpy bar rule"),
        ("cross_entropy", ["{g}", "{g}"], r"port 1 needs no numpy bar rule \(it has no bar\)"),
    ],
)
def test_an_op_needs_a_bar_rule_exactly_where_it_has_a_bar(op_name, bars, message):
    op = get_op(op_name)
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(op, spelling=Spelling(numpy="{a}", numpy_bars=bars, torch="{a}"))
