"""Shared by the torch tests: an imported graph's bars compared with torch autograd's .grad."""

import numpy as np
import pytest


def assert_bars_are_torchs(graph, model, x, loss):
    """The graph's cost equals torch's loss, and every parameter's bar and x's bar equal torch's .grad."""
    loss.backward()
    trace = graph.run()
    assert trace.output_value == pytest.approx(loss.item(), rel=1e-12)
    bars = trace.gradients()
    named = dict(model.named_parameters())
    assert {key for key in bars if key in named} == set(named), "every weight is a parameter, named as torch names it"
    for key, parameter in named.items():
        np.testing.assert_allclose(bars[key], parameter.grad.numpy(), rtol=1e-10, atol=1e-14, err_msg=key)
    np.testing.assert_allclose(bars["x"], x.grad.numpy(), rtol=1e-10, atol=1e-14)
