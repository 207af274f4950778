"""Sources hold values: inputs and parameters get bars, constants do not."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.registry import get_op
from tests.engine.ops.rules import forward, shape


@pytest.mark.parametrize(("name", "has_bar"), [("input", True), ("parameter", True), ("constant", False)])
def test_a_source_returns_its_value_and_has_no_ports(name, has_bar):
    op = get_op(name)
    assert op.is_source and op.ports == () and op.has_bar == has_bar
    np.testing.assert_array_equal(forward(name, [[1.0, 2.0]]), [[1.0, 2.0]])
    assert shape(name, (3, 1)) == (3, 1)
    assert op.flops((3, 1)) == 0
