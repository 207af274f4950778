"""Tokens glide along the current step's wire: forward from the parent's end, backward from the child's,
gone when the glide ends or the next step starts; a number shows as text, an array as its heatmap."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsScene

from gradviz.gui.canvas.tokens import (
    ARRIVE_WITHIN,
    DURATION_MS,
    SHORTEST_GLIDE_MS,
    Token,
    TokenRun,
    glide_ms,
)
from gradviz.gui.playback import SPEEDS


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


@pytest.mark.parametrize("speed", [*SPEEDS, 60.0, 0.1, 12.5])
def test_a_played_glide_ends_before_the_next_step_or_is_not_sent(speed):
    glide = glide_ms(speed)
    period_ms = 1000 / speed
    if glide:
        assert SHORTEST_GLIDE_MS <= glide <= min(DURATION_MS, period_ms)
    else:  # too fast for a glide the eye can follow within a step
        assert period_ms * ARRIVE_WITHIN < SHORTEST_GLIDE_MS


def test_a_glide_is_whole_by_hand_shortened_to_fit_and_dropped_when_too_fast():
    assert glide_ms(None) == DURATION_MS  # a step taken by hand
    assert glide_ms(1.0) == DURATION_MS  # a second per step: room for the whole glide
    assert glide_ms(2.0) == 400  # 500 ms per step: arrives at 80 % of it
    assert glide_ms(8.0) == 100 and glide_ms(30.0) == 0


def test_tokens_glide_for_the_time_they_are_given(qtbot):
    scene = QGraphicsScene()
    tokens = TokenRun(scene)
    tokens.start([(np.ones(1), False, QColor("blue"), _line(0, 50), False)], duration_ms=120)
    assert tokens.animation.duration() == 120
    qtbot.waitUntil(lambda: not tokens.running, timeout=1000)
