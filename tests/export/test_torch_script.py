"""The torch exporter: the script's forward pass goes through torch autograd and agrees with the engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.engine.registry import all_ops, get_op
from gradviz.export import torch_script
from tests.engine.op_cases import CASES, case_program
from tests.export.scripts import assert_same_numbers, exported_or_refused

OPS = [op.name for op in all_ops() if not op.is_source]


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_torch_script_agrees_through_autograd(name, data, seed):
    pytest.importorskip("torch")
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    printed = exported_or_refused(torch_script, program)
    if printed is not None:
        assert_same_numbers(printed, program)
