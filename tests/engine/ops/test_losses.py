"""Losses: mse as the lecture notes' c = (f − y)² with f̄ = 2(f − y), and cross-entropy as torch's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from gradviz.engine.errors import ValueDomainError
from tests.engine.ops.rules import bar, forward, shape

F = np.array([[0.5], [-1.0], [2.0]])
Y = np.array([[1.0], [0.0], [2.5]])


def test_mse_summed_and_averaged():
    # (f − y) = (−0.5, −1, −0.5): squares 0.25 + 1 + 0.25
    assert forward("mse", F, Y) == pytest.approx(1.5)
    assert forward("mse", F, Y, reduction="mean") == pytest.approx(0.5)
    assert shape("mse", (3, 1), (3, 1)) == ()
    np.testing.assert_allclose(bar("mse", 0, 1.0, F, Y), 2 * (F - Y))
    np.testing.assert_allclose(bar("mse", 1, 1.0, F, Y), -2 * (F - Y))
    np.testing.assert_allclose(bar("mse", 0, 3.0, F, Y, reduction="mean"), 3.0 * 2 * (F - Y) / 3)


LOGITS = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
LABELS = np.array([2, 0])


def test_cross_entropy_is_the_mean_negative_log_likelihood():
    # row 0: log Σ e^z − z₂ = logsumexp(1, 2, 3) − 3; row 1: log 3 − 0
    expected = ((special.logsumexp([1.0, 2.0, 3.0]) - 3.0) + np.log(3.0)) / 2
    assert forward("cross_entropy", LOGITS, LABELS) == pytest.approx(expected)
    # z̄ = c̄ (softmax(z) − onehot(t)) / N
    onehot = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(bar("cross_entropy", 0, 1.0, LOGITS, LABELS), (special.softmax(LOGITS, 1) - onehot) / 2)


def test_labels_out_of_range_are_refused_naming_the_label():
    with pytest.raises(ValueDomainError, match="label 7 is out of range for 3 classes"):
        forward("cross_entropy", LOGITS, np.array([0, 7]))
