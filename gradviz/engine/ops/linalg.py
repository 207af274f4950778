"""Linear algebra: matmul, the linear layer, and Giles' (2008) matrix results.

The lecture notes' point about matmul: summing every partial derivative ∂C/∂Xᵢⱼ = Σₘₙ Z̄ₘₙ ∂Zₘₙ/∂Xᵢⱼ
costs O(n⁴); written as a matrix product, X̄ = Z̄ Yᵀ costs O(n³), the same as the forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.engine.errors import ShapeError, ValueDomainError
from gradviz.engine.ops import script_helpers
from gradviz.engine.ops._common import broadcast_rule, show, size
from gradviz.engine.registry import Port, defop
from gradviz.engine.spelling import Spelling, Template


def _mT(x: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (a batch of matrices stays a batch)."""
    return np.swapaxes(x, -1, -2)


# ----- matmul ---------------------------------------------------------------------------------


def _matmul_shape(a: tuple, b: tuple) -> tuple:
    if not a or not b:
        raise ShapeError("matmul: inputs must have at least one dimension, not be scalars")
    inner_a, inner_b = a[-1], (b[0] if len(b) == 1 else b[-2])
    if inner_a != inner_b:
        raise ShapeError(f"matmul: inner sizes {inner_a} and {inner_b} differ ({show(a)} times {show(b)})")
    batch = broadcast_rule("matmul batch")(a[:-2], b[:-2])
    return batch + a[-2:-1] + b[-1:] if len(b) > 1 else batch + a[-2:-1]


def _as_matrices(g: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple:
    """Vectors raised to matrices as np.matmul does (a row for a, a column for b), g to match."""
    if b.ndim == 1:  # b first: for vector·vector, g () becomes (1,) then (1, 1)
        b, g = b[:, None], np.expand_dims(g, -1)
    if a.ndim == 1:
        a, g = a[None, :], np.expand_dims(g, -2)
    return g, a, b


def _matmul_bar_a(g: np.ndarray, z: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    was_vector = a.ndim == 1
    g, a, b = _as_matrices(g, a, b)
    bar = g @ _mT(b)
    return bar[..., 0, :] if was_vector else bar


def _matmul_bar_b(g: np.ndarray, z: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    was_vector = b.ndim == 1
    g, a, b = _as_matrices(g, a, b)
    bar = _mT(a) @ g
    return bar[..., 0] if was_vector else bar


def _numpy_matmul_bar(port: int) -> Template:
    """Port ``port``'s bar written for the graph's shapes: a vector's as np.outer or a product, a matrix's
    as a matrix product, a batch's through the helper."""

    def template(c: dict[str, Any]) -> str:
        a, b = c["shape_a"], c["shape_b"]
        if len(a) == 2 and len(b) == 2:
            return "{g} @ {b}.T" if port == 0 else "{a}.T @ {g}"
        if len(a) == 2 and len(b) == 1:
            return "np.outer({g}, {b})" if port == 0 else "{a}.T @ {g}"
        if len(a) == 1 and len(b) == 2:
            return "{b} @ {g}" if port == 0 else "np.outer({a}, {g})"
        if len(a) == 1 and len(b) == 1:
            return "{g} * {b}" if port == 0 else "{g} * {a}"
        return f"matmul_bars({{g}}, {{a}}, {{b}})[{port}]"

    return template


defop(
    "matmul",
    "linear algebra",
    "Matrix product A B (np.matmul: vectors and batches of matrices too).",
    ports=["a", "b"],
    forward=np.matmul,
    shape=_matmul_shape,
    vjp=[_matmul_bar_a, _matmul_bar_b],
    jvp=[lambda t, z, a, b: t @ b, lambda t, z, a, b: a @ t],
    formula="{out} = {a} {b}",
    bars=["{a:bar} += {out:bar} {b}ᵀ", "{b:bar} += {a}ᵀ {out:bar}"],
    dot="{out:dot} = {a:dot} {b} + {a} {b:dot}",
    flops=lambda a, b: 2 * size(_matmul_shape(a, b)) * a[-1],
    # each of A's entries as Σₘₙ C̄ₘₙ ∂Cₘₙ/∂Aᵢⱼ over every entry of C (the notes' O(n⁴)); likewise for B
    naive_bar_flops=[
        lambda a, b: 2 * size(_matmul_shape(a, b)) * size(a),
        lambda a, b: 2 * size(_matmul_shape(a, b)) * size(b),
    ],
    spelling=Spelling(
        numpy="{a} @ {b}",
        numpy_bars=[_numpy_matmul_bar(0), _numpy_matmul_bar(1)],
        torch="torch.matmul({a}, {b})",
        helpers=(script_helpers.MATMUL_BARS,),
    ),
)

# ----- linear layer (lecture notes 20.2) ------------------------------------------------------


def _linear_shape(w: tuple, x: tuple, b: tuple | None = None) -> tuple:
    if len(w) != 2:
        raise ShapeError(f"linear: W must be a matrix, got {show(w)}")
    if len(x) not in (1, 2):
        raise ShapeError(f"linear: x must be a vector or a matrix of columns, got {show(x)}")
    if x[0] != w[1]:
        raise ShapeError(f"linear: W is {show(w)} but x has {x[0]} rows (W x needs {w[1]})")
    if b is not None and b != (w[0],):
        raise ShapeError(f"linear: b must have shape {w[0]} (one per output), got {show(b)}")
    return (w[0], *x[1:])


def _column(b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """b as a column when x is a matrix of columns, so it is added to every column of W x."""
    return b if x.ndim == 1 else b[:, None]


def _linear(w: np.ndarray, x: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    a = w @ x
    return a if b is None else a + _column(b, x)


def _spelled_linear(c: dict[str, Any]) -> str:
    """W x + b, with b added to every column when x is a matrix of columns (the same in numpy and torch)."""
    if "b" not in c:
        return "{W} @ {x}"
    return "{W} @ {x} + {b}" if len(c["shape_x"]) == 1 else "{W} @ {x} + {b}[:, None]"


defop(
    "linear",
    "linear algebra",
    "The fully connected layer a = W x + b of the lecture notes; b (one per output) is added to every "
    "column of W x, and may be left out.",
    ports=["W", "x", Port("b", optional=True)],
    forward=_linear,
    shape=_linear_shape,
    vjp=[
        lambda g, z, w, x, b=None: np.outer(g, x) if x.ndim == 1 else g @ x.T,
        lambda g, z, w, x, b=None: w.T @ g,
        lambda g, z, w, x, b=None: g if x.ndim == 1 else g.sum(axis=1),
    ],
    jvp=[
        lambda t, z, w, x, b=None: t @ x,
        lambda t, z, w, x, b=None: w @ t,
        lambda t, z, w, x, b=None: _column(t, x) * np.ones_like(z),
    ],
    formula="{out} = {W} {x} + {b}",
    bars=["{W:bar} += {out:bar} {x}ᵀ", "{x:bar} += {W}ᵀ {out:bar}", "{b:bar} += Σ {out:bar}"],
    dot="{out:dot} = {W:dot} {x} + {W} {x:dot} + {b:dot}",
    flops=lambda w, x, b=None: 2 * w[0] * w[1] * size(x[1:]) + (w[0] * size(x[1:]) if b is not None else 0),
    bar_notes=[None, None, "b was added to every column, so its bar sums the output's bar over the columns"],
    spelling=Spelling(
        numpy=_spelled_linear,
        numpy_bars=[
            lambda c: "np.outer({g}, {x})" if len(c["shape_x"]) == 1 else "{g} @ {x}.T",
            "{W}.T @ {g}",
            lambda c: "{g}" if len(c["shape_x"]) == 1 else "{g}.sum(axis=1)",
        ],
        torch=_spelled_linear,
    ),
)

# ----- Giles' results: inverse, determinant, trace, solve ---------------------------------------


def _square(name: str):  # noqa: ANN202
    def rule(a: tuple) -> tuple:
        if len(a) != 2 or a[0] != a[1]:
            raise ShapeError(f"{name}: A must be a square matrix, got {show(a)}")
        return a if name == "inv" else ()

    return rule


def _checked(solver):  # noqa: ANN001, ANN202
    """numpy's LinAlgError as a message a student can act on."""

    def run(*args: np.ndarray) -> np.ndarray:
        try:
            return solver(*args)
        except np.linalg.LinAlgError:
            raise ValueDomainError(f"{solver.__name__}: the matrix is singular") from None

    return run


defop(
    "inv",
    "linear algebra",
    "Matrix inverse C = A⁻¹.",
    ports=[Port("A", domain="invertible")],
    forward=_checked(np.linalg.inv),
    shape=_square("inv"),
    vjp=[lambda g, c, a: -c.T @ g @ c.T],
    jvp=[lambda t, c, a: -c @ t @ c],
    formula="{out} = {A}⁻¹",
    bars=["{A:bar} += −{out}ᵀ {out:bar} {out}ᵀ"],
    dot="{out:dot} = −{out} {A:dot} {out}",
    flops=lambda a: 2 * a[0] ** 3,
    spelling=Spelling(numpy="np.linalg.inv({A})", numpy_bars=["-{z}.T @ {g} @ {z}.T"], torch="torch.linalg.inv({A})"),
)


def adjugate(a: np.ndarray) -> np.ndarray:
    """adj(A), the transposed cofactor matrix: det(A) A⁻¹ when A is invertible, and defined when it is not.

    From the SVD A = U S Vᵀ: adj(A) = det(U) det(V) · V diag(∏ⱼ≠ᵢ sⱼ) Uᵀ. The products of all singular
    values but one are built from running products, never by dividing det by sᵢ, so a zero sᵢ is exact.
    """
    if a.size == 0:
        return np.zeros_like(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):  # the SVD of NaN or ±inf does not converge; the bar is NaN, flagged by the trace
        return np.full(a.shape, np.nan)
    u, s, vt = np.linalg.svd(a)
    before = np.concatenate(([1.0], np.cumprod(s[:-1])))
    after = np.concatenate((np.cumprod(s[:0:-1])[::-1], [1.0]))
    return np.linalg.det(u) * np.linalg.det(vt) * (vt.T * (before * after)) @ u.T


# NOTE: det is a polynomial in A's entries, so it is differentiable everywhere, singular A included:
# its bar is c̄ adj(A)ᵀ, which equals the notes' c̄ c A⁻ᵀ whenever A⁻¹ exists. Computing it from the
# adjugate keeps that result and does not refuse a singular matrix, whose det (0) is fine to compute.
defop(
    "det",
    "linear algebra",
    "Determinant C = det A.",
    ports=[Port("A", domain="invertible")],
    forward=np.linalg.det,
    shape=_square("det"),
    vjp=[lambda g, c, a: g * adjugate(a).T],
    jvp=[lambda t, c, a: np.trace(adjugate(a) @ t)],
    formula="{out} = det {A}",
    bars=["{A:bar} += {out:bar} {out} {A}⁻ᵀ"],
    dot="{out:dot} = {out} tr({A}⁻¹ {A:dot})",
    flops=lambda a: 2 * a[0] ** 3 // 3,
    bar_notes=["c A⁻ᵀ is the adjugate adj(A)ᵀ, computed as such: it is also the bar when A is singular"],
    spelling=Spelling(
        numpy="np.linalg.det({A})",
        numpy_bars=["{g} * adjugate({A}).T"],
        torch="torch.linalg.det({A})",
        helpers=(script_helpers.ADJUGATE,),
    ),
)

defop(
    "trace",
    "linear algebra",
    "Trace C = tr A, the sum of the diagonal.",
    ports=["A"],
    forward=np.trace,
    shape=_square("trace"),
    vjp=[lambda g, c, a: g * np.eye(a.shape[0])],
    jvp=[lambda t, c, a: np.trace(t)],
    formula="{out} = tr {A}",
    bars=["{A:bar} += {out:bar} I"],
    dot="{out:dot} = tr {A:dot}",
    flops=lambda a: a[0],
    spelling=Spelling(numpy="np.trace({A})", numpy_bars=["{g} * np.eye({shape_A[0]})"], torch="torch.trace({A})"),
)


def _solve_shape(a: tuple, b: tuple) -> tuple:
    _square("solve")(a)
    if len(b) not in (1, 2) or b[0] != a[0]:
        raise ShapeError(f"solve: B must have {a[0]} rows to match A {show(a)}, got {show(b)}")
    return b


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A⁻¹B without forming A⁻¹."""
    return np.linalg.solve(a, b)


def _solve_bar_b(g: np.ndarray, c: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _checked(solve)(a.T, g)


defop(
    "solve",
    "linear algebra",
    "Solution C = A⁻¹ B of the linear system A C = B (np.linalg.solve).",
    ports=[Port("A", domain="invertible"), "B"],
    forward=_checked(solve),
    shape=_solve_shape,
    vjp=[
        lambda g, c, a, b: -np.outer(_solve_bar_b(g, c, a, b), c) if c.ndim == 1 else -_solve_bar_b(g, c, a, b) @ c.T,
        _solve_bar_b,
    ],
    jvp=[lambda t, c, a, b: -_checked(solve)(a, t @ c), lambda t, c, a, b: _checked(solve)(a, t)],
    formula="{out} = {A}⁻¹ {B}",
    bars=["{A:bar} += −{B:bar} {out}ᵀ", "{B:bar} += {A}⁻ᵀ {out:bar}"],
    dot="{out:dot} = {A}⁻¹ ({B:dot} − {A:dot} {out})",
    flops=lambda a, b: 2 * a[0] ** 3 // 3 + 2 * a[0] ** 2 * size(b[1:]),
    bar_notes=["Giles: Ā = −B̄ Cᵀ uses B's bar, so it is computed from the same solve with Aᵀ", None],
    spelling=Spelling(
        numpy="np.linalg.solve({A}, {B})",
        numpy_bars=[
            lambda c: (
                "-np.outer(np.linalg.solve({A}.T, {g}), {z})"
                if len(c["shape_B"]) == 1
                else "-np.linalg.solve({A}.T, {g}) @ {z}.T"
            ),
            "np.linalg.solve({A}.T, {g})",
        ],
        torch="torch.linalg.solve({A}, {B})",
    ),
)
