"""Tokens glide along the current step's wire: forward from the parent's end, backward from the child's,
gone when the glide ends or the next step starts; a number shows as text, an array as its heatmap."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsScene

from gradviz.gui.canvas.tokens import DURATION_MS, Token, TokenRun


def _line(x0: float, x1: float) -> QPainterPath:
    path = QPainterPath(QPointF(x0, 0))
    path.lineTo(QPointF(x1, 0))
    return path


def test_a_number_is_text_and_an_array_a_heatmap_of_its_cells(qapp):
    number = Token(np.array([[2.0 / 3.0]]), False, QColor("blue"))
    assert number.text == "0.667" and number.image is None
    grid = Token(np.arange(6.0).reshape(2, 3), True, QColor("red"))
    assert grid.text is None and (grid.image.width(), grid.image.height()) == (3, 2)


def test_tokens_start_at_their_end_of_the_wire_glide_and_leave(qtbot):
    scene = QGraphicsScene()
    tokens = TokenRun(scene)
    blue, red = QColor("blue"), QColor("red")
    tokens.start([(np.ones(2), False, blue, _line(0, 100), False), (np.ones(2), True, red, _line(0, 100), True)])
    forward, backward = (token for token, _, _ in tokens.tokens)
    assert tokens.running and {forward, backward} <= set(scene.items())
    assert forward.pos() == QPointF(0, 0) and backward.pos() == QPointF(100, 0)  # value out, bar back
    qtbot.waitUntil(lambda: 20 < forward.pos().x() < 80, timeout=DURATION_MS * 4)
    assert backward.pos().x() == pytest.approx(100 - forward.pos().x())  # one clock: mirrored positions
    qtbot.waitUntil(lambda: not tokens.running, timeout=DURATION_MS * 4)
    assert forward.scene() is None and backward.scene() is None


def test_a_new_step_takes_the_old_tokens_away_at_once(qapp):
    scene = QGraphicsScene()
    tokens = TokenRun(scene)
    tokens.start([(np.ones(1), False, QColor("blue"), _line(0, 50), False)])
    old = tokens.tokens[0][0]
    tokens.start([(np.ones(1), False, QColor("blue"), _line(0, 50), False)])
    assert old.scene() is None and len(tokens.tokens) == 1 and tokens.tokens[0][0] is not old
    tokens.start([])  # a step with no wire: nothing glides
    assert not tokens.running and not scene.items()
