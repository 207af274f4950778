"""The Builder: nodes in the order they are made, ids defaulting to the op's name and a counter."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.errors import NodeError
from gradviz.engine.tracer import run


def test_ids_default_to_the_op_and_a_counter_and_specs_keep_their_order():
    g = Builder()
    x = g.input("x", [1.0, -2.0], label="𝑥")
    a, b = g.op("tanh", x), g.op("tanh", x)
    c = g.op("sum", g.op("add", a, b, id="s"), id="c")
    assert (a, b) == ("tanh1", "tanh2")
    assert [(spec.id, spec.op, tuple(spec.inputs)) for spec in g.specs] == [
        ("x", "input", ()),
        ("tanh1", "tanh", ("x",)),
        ("tanh2", "tanh", ("x",)),
        ("s", "add", ("tanh1", "tanh2")),
        ("c", "sum", ("s",)),
    ]
    assert g.specs[0].label == "𝑥"
    assert run(g.program(c)).output_value == pytest.approx(2 * (np.tanh(1.0) + np.tanh(-2.0)))


def test_attributes_go_to_the_op_and_the_program_checks_everything():
    g = Builder()
    w = g.parameter("W", np.ones((2, 3)))
    y = g.constant("y", 0.5)
    s = g.op("sum", w, id="rows", axis=1)
    assert dict(g.specs[-1].attrs) == {"axis": 1}
    with pytest.raises(NodeError, match="must be a scalar cost"):
        g.program(s)
    assert run(g.program(g.op("sum", g.op("mul", s, y)))).output_value == pytest.approx(3.0)  # 0.5 · (3 + 3)
