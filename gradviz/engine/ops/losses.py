"""Losses: the scalar costs c that backpropagation starts from (its seed is c̄ = 1).

mse is the lecture notes' c = (f − y)², whose bar f̄ = 2(f − y) starts the reverse pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import ShapeError, ValueDomainError
from gradviz.engine.ops import script_helpers
from gradviz.engine.ops._common import broadcast_rule, show, size
from gradviz.engine.ops.reductions import log_softmax, softmax
from gradviz.engine.registry import Port, defop
from gradviz.engine.spelling import Spelling

# ----- mse --------------------------------------------------------------------------------------


def _mse_scale(f: np.ndarray, y: np.ndarray, reduction: str) -> float:
    """1 for a sum, 1/n for a mean over the n broadcast elements."""
    return 1.0 if reduction == "sum" else 1.0 / max(1, size(np.broadcast_shapes(f.shape, y.shape)))


def _mse(f: np.ndarray, y: np.ndarray, reduction: str) -> np.ndarray:
    diff = f - y
    return np.asarray(np.vdot(diff, diff) * _mse_scale(f, y, reduction))


def _mse_shape(f: tuple, y: tuple, reduction: str) -> tuple:
    broadcast_rule("mse")(f, y)
    return ()


def _mean_scale(c: dict[str, Any]) -> dict[str, Any]:
    """What the exported numpy bars append: nothing for a sum, `` / n`` for a mean over n numbers."""
    count = size(np.broadcast_shapes(c["shape_prediction"], c["shape_target"]))
    return {"mean_scale": "" if c["reduction"] == "sum" else f" / {count}"}


defop(
    "mse",
    "loss",
    "Squared error c = Σ (f − y)², or its mean with reduction 'mean'.",
    ports=["prediction", "target"],
    forward=_mse,
    shape=_mse_shape,
    vjp=[
        lambda g, c, f, y, reduction: g * 2.0 * _mse_scale(f, y, reduction) * (f - y),
        lambda g, c, f, y, reduction: g * -2.0 * _mse_scale(f, y, reduction) * (f - y),
    ],
    jvp=[
        lambda t, c, f, y, reduction: 2.0 * _mse_scale(f, y, reduction) * np.sum((f - y) * t),
        lambda t, c, f, y, reduction: -2.0 * _mse_scale(f, y, reduction) * np.sum((f - y) * t),
    ],
    formula="{out} = Σ ({prediction} − {target})²",
    bars=[
        "{prediction:bar} += {out:bar} · 2({prediction} − {target})",
        "{target:bar} += −{out:bar} · 2({prediction} − {target})",
    ],
    dot="{out:dot} = Σ 2({prediction} − {target}) ⊙ ({prediction:dot} − {target:dot})",
    flops=lambda f, y, **_: 3 * size(np.broadcast_shapes(f, y)),
    attrs=[Attr("reduction", "choice", "sum", "sum over the elements, or their mean", choices=("sum", "mean"))],
    spelling=Spelling(
        numpy=lambda c: ("np.sum" if c["reduction"] == "sum" else "np.mean") + "(({prediction} - {target}) ** 2)",
        numpy_bars=[
            lambda c: "{g} * 2 * ({prediction} - {target})" + c["mean_scale"],
            lambda c: "-{g} * 2 * ({prediction} - {target})" + c["mean_scale"],
        ],
        torch=lambda c: "(({prediction} - {target}) ** 2)." + c["reduction"] + "()",
        context=_mean_scale,
    ),
)

# ----- cross_entropy ----------------------------------------------------------------------------


def _labels(labels: np.ndarray, classes: int) -> np.ndarray:
    as_int = np.asarray(labels).astype(np.int64)
    if not np.array_equal(as_int, labels):
        raise ValueDomainError("cross_entropy: target labels must be whole numbers")
    bad = as_int[(as_int < 0) | (as_int >= classes)]
    if bad.size:
        raise ValueDomainError(
            f"cross_entropy: label {bad[0]} is out of range for {classes} classes (0 to {classes - 1})"
        )
    return as_int


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    rows = np.arange(logits.shape[0])
    picked = log_softmax(logits, 1)[rows, _labels(labels, logits.shape[1])]
    return np.asarray(-np.mean(picked))


def _one_hot(labels: np.ndarray, logits: np.ndarray) -> np.ndarray:
    hot = np.zeros_like(logits)
    hot[np.arange(logits.shape[0]), _labels(labels, logits.shape[1])] = 1.0
    return hot


def _cross_entropy_shape(logits: tuple, labels: tuple) -> tuple:
    if len(logits) != 2:
        raise ShapeError(f"cross_entropy: logits must be N×C (N rows of C class scores), got {show(logits)}")
    if logits[1] == 0:
        raise ShapeError(f"cross_entropy: logits {show(logits)} have no classes (C = 0); a label needs one to name")
    if logits[0] == 0:
        raise ShapeError(
            f"cross_entropy: logits {show(logits)} have no rows (N = 0); the mean of no losses is undefined"
        )
    if labels != logits[:1]:
        raise ShapeError(f"cross_entropy: target must hold {logits[0]} labels (one per row), got {show(labels)}")
    return ()


# NOTE: the mean over the N rows, as torch.nn.functional.cross_entropy's default reduction.
defop(
    "cross_entropy",
    "loss",
    "Mean negative log-likelihood of integer labels under softmax(logits), as torch's cross_entropy.",
    ports=["logits", Port("target", differentiable=False, domain="labels")],
    forward=_cross_entropy,
    shape=_cross_entropy_shape,
    vjp=[lambda g, c, z, y: g * (softmax(z, 1) - _one_hot(y, z)) / z.shape[0], None],
    jvp=[lambda t, c, z, y: np.sum((softmax(z, 1) - _one_hot(y, z)) * t) / z.shape[0], None],
    formula="{out} = −mean log softmax({logits})[{target}]",
    bars=["{logits:bar} += {out:bar} (softmax({logits}) − onehot({target})) / N", None],
    dot="{out:dot} = Σ (softmax({logits}) − onehot({target})) ⊙ {logits:dot} / N",
    flops=lambda z, y: 6 * size(z),
    spelling=Spelling(
        numpy="-np.mean(log_softmax({logits}, 1)[np.arange({rows}), {target}])",
        numpy_bars=["{g} * (softmax({logits}, 1) - np.eye({classes})[{target}]) / {rows}", None],
        torch="F.cross_entropy({logits}, {target})",
        context=lambda c: dict(zip(("rows", "classes"), c["shape_logits"])),
        helpers=(script_helpers.SOFTMAX,),
    ),
)
