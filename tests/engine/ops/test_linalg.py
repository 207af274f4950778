"""Linear algebra: numpy's forward, and the matrix bar rules of Giles' collection (lecture notes 20)."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.engine.errors import ShapeError, ValueDomainError
from tests.engine.ops.rules import bar, forward, shape

rng = np.random.default_rng(20)
A = rng.normal(size=(3, 3)) + 3 * np.eye(3)  # well away from singular
B = rng.normal(size=(3, 2))
G3 = rng.normal(size=(3, 3))
G32 = rng.normal(size=(3, 2))


def test_matmul_bars_are_zbar_times_the_transposes():
    np.testing.assert_allclose(forward("matmul", A, B), A @ B)
    np.testing.assert_allclose(bar("matmul", 0, G32, A, B), G32 @ B.T)  # Ā = C̄ Bᵀ
    np.testing.assert_allclose(bar("matmul", 1, G32, A, B), A.T @ G32)  # B̄ = Aᵀ C̄
    with pytest.raises(ShapeError, match="matmul: inner sizes 3 and 4 differ"):
        shape("matmul", (2, 3), (4, 1))


def test_linear_is_w_x_plus_a_bias_column():
    W, x, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=3)
    np.testing.assert_allclose(forward("linear", W, x, b), W @ x + b[:, None])
    assert shape("linear", (3, 2), (2, 4), (3,)) == (3, 4)
    g = rng.normal(size=(3, 4))
    np.testing.assert_allclose(bar("linear", 0, g, W, x, b), g @ x.T)
    np.testing.assert_allclose(bar("linear", 1, g, W, x, b), W.T @ g)
    np.testing.assert_allclose(np.ravel(bar("linear", 2, g, W, x, b)), g.sum(axis=1))  # the bias met every column


def test_inverse_and_its_bar():
    inv = np.linalg.inv(A)
    np.testing.assert_allclose(forward("inv", A), inv)
    np.testing.assert_allclose(bar("inv", 0, G3, A), -inv.T @ G3 @ inv.T)  # Ā = −Cᵀ C̄ Cᵀ with C = A⁻¹
    with pytest.raises(ValueDomainError, match="inv: the matrix is singular"):
        forward("inv", np.ones((2, 2)))


def test_det_and_its_bar_the_transposed_inverse_times_det():
    d = np.linalg.det(A)
    assert forward("det", A) == pytest.approx(d)
    np.testing.assert_allclose(bar("det", 0, 2.0, A), 2.0 * d * np.linalg.inv(A).T)  # Ā = c̄ det(A) A⁻ᵀ


def test_det_bar_of_a_singular_matrix_is_the_cofactor_matrix():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    cofactors = np.array([[4.0, -2.0], [-2.0, 1.0]])  # C_ij = (−1)^(i+j) M_ij, by hand
    np.testing.assert_allclose(bar("det", 0, 1.0, singular), cofactors, atol=1e-12)


def test_solve_and_its_bars():
    C = np.linalg.solve(A, B)
    np.testing.assert_allclose(forward("solve", A, B), C)
    b_bar = np.linalg.solve(A.T, G32)  # B̄ = A⁻ᵀ C̄
    np.testing.assert_allclose(bar("solve", 1, G32, A, B), b_bar)
    np.testing.assert_allclose(bar("solve", 0, G32, A, B), -b_bar @ C.T)  # Ā = −B̄ Cᵀ


def test_trace_and_its_bar_the_identity():
    assert forward("trace", A) == pytest.approx(A[0, 0] + A[1, 1] + A[2, 2])
    np.testing.assert_allclose(bar("trace", 0, 1.5, A), 1.5 * np.eye(3))
