"""Applying code-form text to a laid-out graph (gradviz.model.code); reading is tested in test_code_parse,
writing in test_code_print."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.io.graph_file import GraphFile
from gradviz.model.code import CodeError, apply_code, helper_call
from tests.model.code_cases import ISSUE_EXAMPLE

# ----- applying text to a laid-out graph -----------------------------------------------------------


def test_applying_keeps_positions_of_nodes_that_stay_and_lays_out_new_ones():
    before = apply_code(ISSUE_EXAMPLE)
    moved = {**before.layout, "a": (1234.0, 567.0)}
    previous = GraphFile(before.nodes, before.output, moved, {"zoom": 2.0}, "", "")
    edited = ISSUE_EXAMPLE.replace("a = W @ x", "a = W @ x\nh = tanh(a)").replace("mse(a,", "mse(h,")
    after = apply_code(edited, previous)
    assert [spec.id for spec in after.nodes] == ["W", "x", "y", "a", "h", "c"]
    assert after.layout["a"] == (1234.0, 567.0) and after.layout["W"] == moved["W"]
    assert after.layout["h"] not in moved.values() and after.view == {"zoom": 2.0}


def test_applying_bad_text_raises_before_anything_changes():
    previous = apply_code(ISSUE_EXAMPLE)
    with pytest.raises(CodeError):
        apply_code(ISSUE_EXAMPLE + "d = W @ W @ W.T @ y\n", previous)


def test_the_code_form_never_loads_qt():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys, gradviz.model.code, gradviz.model.code_parse, gradviz.model.code_print\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("array", "call"),
    [
        (np.zeros((2, 3)), "zeros((2, 3))"),
        (np.ones(4), "ones(4)"),
        (np.eye(3), "eye(3)"),
        (np.arange(5.0), "arange(5)"),
        (np.array([0.0, -0.0]), None),  # a negative zero is not zeros(2)
        (np.array([1.0, 2.5]), None),
    ],
)
def test_a_value_is_written_as_a_helper_only_when_the_helper_rebuilds_it_exactly(array, call):
    assert helper_call(array) == call
