"""Undoing numpy broadcasting, in one place.

Bar rules are written as if every input already had the output's shape. When numpy broadcast an
input, its contribution has the larger shape and must be summed back over the axes that were
added or stretched. The engine does that here and keeps the summed axes, so the step can show the
student "Σ over axis 0" on that edge.
"""

from __future__ import annotations

import numpy as np


def unbroadcast(contribution: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
    """Sum ``contribution`` down to ``shape``; return it and the summed axes (of ``contribution``)."""
    if contribution.shape == shape:
        return contribution, ()
    extra = contribution.ndim - len(shape)
    stretched = tuple(
        extra + axis for axis, size in enumerate(shape) if size == 1 and contribution.shape[extra + axis] != 1
    )
    axes = tuple(range(extra)) + stretched
    summed = np.sum(contribution, axis=axes) if axes else contribution
    return np.asarray(summed).reshape(shape), axes


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    """The broadcast shape of ``shapes``, or None when numpy would refuse them."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None
