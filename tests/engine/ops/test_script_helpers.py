"""The numpy functions exported scripts define, run on their own against scipy and the calculus."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal, special

from gradviz.engine.ops import script_helpers


def defined(helper) -> dict:
    """The helper's functions, defined as a script defines them: with numpy as np and nothing else."""
    namespace = {"np": np}
    exec(helper.source, namespace)
    return {name: namespace[name] for name in helper.names}


rng = np.random.default_rng(7)


def test_softmax_helpers_equal_scipy_and_do_not_overflow():
    f = defined(script_helpers.SOFTMAX)
    x = rng.normal(size=(3, 4)) * 400
    for axis in (0, 1):
        np.testing.assert_allclose(f["softmax"](x, axis), special.softmax(x, axis=axis))
        np.testing.assert_allclose(f["log_softmax"](x, axis), special.log_softmax(x, axis=axis))
        np.testing.assert_allclose(f["logsumexp"](x, axis), special.logsumexp(x, axis=axis))


@pytest.mark.parametrize(
    ("a_shape", "b_shape"), [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((5, 3, 4), (4, 2))]
)
def test_matmul_bars_are_zbar_times_transposes_for_vectors_and_batches(a_shape, b_shape):
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    g = rng.normal(size=np.matmul(a, b).shape)
    a_bar, b_bar = defined(script_helpers.MATMUL_BARS)["matmul_bars"](g, a, b)
    # ⟨ḡ, d(ab)⟩ = ⟨ā, da⟩ + ⟨b̄, db⟩ for any da, db: the bars are the adjoint of the product
    da, db = rng.normal(size=a_shape), rng.normal(size=b_shape)
    assert np.sum(g * (np.matmul(da, b) + np.matmul(a, db))) == pytest.approx(np.sum(a_bar * da) + np.sum(b_bar * db))


def test_adjugate_is_det_times_inverse_and_defined_when_singular():
    adjugate = defined(script_helpers.ADJUGATE)["adjugate"]
    a = rng.normal(size=(3, 3))
    np.testing.assert_allclose(adjugate(a), np.linalg.det(a) * np.linalg.inv(a), atol=1e-12)
    np.testing.assert_allclose(adjugate(np.array([[1.0, 2.0], [2.0, 4.0]])), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


def test_correlate2d_loop_equals_scipy():
    correlate2d = defined(script_helpers.CORRELATE2D)["correlate2d"]
    image, kernel = rng.normal(size=(5, 6)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(correlate2d(image, kernel, ((0, 0), (0, 0))), signal.correlate2d(image, kernel, "valid"))
    np.testing.assert_allclose(correlate2d(image, kernel, ((2, 2), (1, 1))), signal.correlate2d(image, kernel, "full"))


def test_conv2d_loop_equals_a_direct_sum_and_its_bars_are_its_adjoint():
    f = defined(script_helpers.CONV2D)
    x, w = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 2, 2))
    out = f["conv2d"](x, w, (2, 1), (1, 0))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
    direct = np.zeros((2, 4, 3, 4))  # (5 + 2 − 2) // 2 + 1 = 3 rows, 5 − 2 + 1 = 4 columns
    for n, o, r, c in np.ndindex(*direct.shape):
        direct[n, o, r, c] = np.sum(xp[n, :, 2 * r : 2 * r + 2, c : c + 2] * w[o])
    np.testing.assert_allclose(out, direct)
    g, dx, dw = rng.normal(size=out.shape), rng.normal(size=x.shape), rng.normal(size=w.shape)
    x_bar, w_bar = f["conv2d_bars"](g, x, w, (2, 1), (1, 0))
    change = f["conv2d"](dx, w, (2, 1), (1, 0)) + f["conv2d"](x, dw, (2, 1), (1, 0))  # conv2d is bilinear
    assert np.sum(g * change) == pytest.approx(np.sum(x_bar * dx) + np.sum(w_bar * dw))
