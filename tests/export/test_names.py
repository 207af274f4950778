"""Node ids become Python names in the exported scripts: valid, distinct, never a keyword or a module."""

from __future__ import annotations

import pytest

from gradviz.engine.build import Builder
from gradviz.engine.errors import NodeError
from gradviz.export import names, numpy_script, torch_script
from tests.export.scripts import assert_same_numbers, graph_of, has_torch, printed_json


def test_awkward_node_ids_become_valid_names():
    g = Builder()
    a = g.input("class", [1.0, 2.0])
    b = g.parameter("W 2", [3.0, 4.0])
    c = g.op("mul", a, b, id="1x")
    d = g.op("add", c, g.constant("a-b", 1.0), id="a_b")
    program = g.program(g.op("sum", d, id="np"))
    for make in (numpy_script, torch_script):
        if make is torch_script and not has_torch():
            continue
        assert_same_numbers(printed_json(make(graph_of(program), program)), program)


@pytest.mark.parametrize(
    ("node_id", "name"),
    [
        ("W", "W"),  # a plain identifier is kept
        ("W 2", "W_2"),  # a run of other characters inside is one underscore
        ("  x+ ", "x"),  # dropped at the ends
        ("é", "e"),  # accents folded
        ("ｘ", "x"),  # fullwidth folded by NFKD
        ("1x", "v_1x"),  # no leading digit
        ("__name__", "v__name__"),  # no dunder
        ("class", "class_"),  # no keyword
        ("np", "np_"),  # nothing the script uses itself
        ("print", "print_"),  # nor a builtin
        ("+", "node"),  # nothing left
    ],
)
def test_slug_reads_like_the_id(node_id, name):
    assert names.slug(node_id) == name
    assert name.isidentifier() and name.isascii()


def test_python_names_are_distinct_and_keep_plain_ids_first():
    # "x y" and "x_y" slug alike: the plain one keeps its name wherever it comes in the list.
    assert names.python_names(["x y", "x_y"]) == {"x y": "x_y_2", "x_y": "x_y"}
    # x_bar is x's bar variable, so a node called x_bar cannot keep that name when x is a node.
    assert names.python_names(["x", "x_bar"]) == {"x": "x", "x_bar": "x_bar_2"}
    got = names.python_names(["a b", "a-b", "a.b"])
    assert list(got.values()) == ["a_b", "a_b_2", "a_b_3"]


def test_ids_with_a_line_break_are_refused_naming_the_node():
    names.check_ids(["x", "W 2", "é"])  # printable: accepted
    with pytest.raises(NodeError) as refused:
        names.check_ids(["ok", "evil\nprint(1)"])
    assert refused.value.node_id == "evil\nprint(1)" and refused.value.field == "id"
