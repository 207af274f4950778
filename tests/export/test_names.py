"""Node ids become Python names in the exported scripts: valid, distinct, never a keyword or a module."""

from __future__ import annotations

from gradviz.engine.build import Builder
from gradviz.export import numpy_script, torch_script
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
