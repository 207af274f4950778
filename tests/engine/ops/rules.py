"""Calling an op's declaration directly: its forward, its bar rules and its dot rules, by op name.

The op modules' tests check each declaration against numpy, scipy or the calculus by hand; the sweep in
tests/engine/test_op_sweep.py checks every op against finite differences through whole programs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.engine.registry import get_op


def forward(name: str, *xs: Any, **attrs: Any) -> np.ndarray:
    op = get_op(name)
    return np.asarray(op.forward(*map(np.asarray, xs), **op.resolve_attrs(attrs)))


def bar(name: str, port: int, g: Any, *xs: Any, **attrs: Any) -> np.ndarray:
    """The contribution the rule sends into input ``port`` (before broadcasting is undone)."""
    op = get_op(name)
    resolved = op.resolve_attrs(attrs)
    arrays = [np.asarray(x) for x in xs]
    rule = op.vjp[port]
    assert rule is not None, f"{name} has no bar rule for port {port}"
    return np.asarray(rule(np.asarray(g), forward(name, *arrays, **attrs), *arrays, **resolved))


def dot(name: str, port: int, t: Any, *xs: Any, **attrs: Any) -> np.ndarray:
    """The tangent the dot rule carries out of input ``port``'s tangent ``t``."""
    op = get_op(name)
    resolved = op.resolve_attrs(attrs)
    arrays = [np.asarray(x) for x in xs]
    rule = op.jvp[port]
    assert rule is not None, f"{name} has no dot rule for port {port}"
    return np.asarray(rule(np.asarray(t), forward(name, *arrays, **attrs), *arrays, **resolved))


def shape(name: str, *shapes: tuple[int, ...], **attrs: Any) -> tuple[int, ...]:
    op = get_op(name)
    return tuple(op.shape(*shapes, **op.resolve_attrs(attrs)))
