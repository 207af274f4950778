"""Tokens: a small picture of a value or a bar gliding along the current step's wire.

Purely cosmetic: the state is already drawn by the nodes' badges, a new step removes the old
tokens, and a seek draws its frame at once. Forward tokens carry the value from the parent's output
into the child; backward tokens carry the contribution from the child back into the parent.

Playing, a glide fits in a step's period, so a token arrives before the next step takes it away; faster
than that allows (glide_ms), no token is sent at all. At 60 steps a second a 450 ms glide showed each
token for one frame near the start of its wire, a flicker that told nothing the marked wire does not,
and the tokens' own animation clock repainted the canvas a second time per step: half the CPU of
playing 500 nodes fitted in the window (10-11 ms per step with them, 5 ms without).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from gradviz.gui.colormaps import heatmap

SIZE = 26.0
DURATION_MS = 450  # a glide after a step taken by hand
ARRIVE_WITHIN = 0.8  # playing, a glide takes at most this share of a step's period
SHORTEST_GLIDE_MS = 100  # six frames at 60 Hz: a shorter glide is no movement the eye can follow


def glide_ms(steps_per_second: float | None) -> int:
    """How long a step's tokens glide: DURATION_MS for a step taken by hand (None), and while playing at
    ``steps_per_second`` at most ARRIVE_WITHIN of a step's period; 0 (no tokens) when that is under
    SHORTEST_GLIDE_MS, i.e. faster than 8 steps a second."""
    if steps_per_second is None or steps_per_second <= 0:
        return DURATION_MS
    glide = min(DURATION_MS, int(ARRIVE_WITHIN * 1000 / steps_per_second))
    return glide if glide >= SHORTEST_GLIDE_MS else 0


class Token(QGraphicsItem):
    """A rounded square showing an array as a heatmap (a number as text), ringed in its pass's colour."""

    def __init__(self, array: np.ndarray, diverging: bool, colour: QColor) -> None:
        super().__init__()
        self.colour = colour
        self.text = f"{float(np.ravel(array)[0]):.3g}" if np.size(array) == 1 else None
        self.image = None if self.text else heatmap(array, diverging)
        self.setZValue(3)

    def boundingRect(self) -> QRectF:
        return QRectF(-SIZE / 2 - 3, -SIZE / 2 - 3, SIZE + 6, SIZE + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        box = QRectF(-SIZE / 2, -SIZE / 2, SIZE, SIZE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # one sharp cell per element
        painter.setPen(QPen(self.colour, 3))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(box, 5, 5)
        if self.image is not None:
            painter.drawImage(box.adjusted(3, 3, -3, -3), self.image)
        elif self.text is not None:  # a token has its text exactly when it has no image
            font = painter.font()
            font.setPointSizeF(7.5)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("#1f2328"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.text)


class TokenRun:
    """The tokens of one step, moved along their paths by one animation, removed when replaced."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.scene = scene
        self.tokens: list[tuple[Token, QPainterPath, bool]] = []
        # a child of the scene, so it goes with the scene and its tokens: a closed window's scene, or the
        # reverse side's scene deleted when a comparison ends mid-glide, would leave it moving deleted tokens
        self.animation = QVariantAnimation(scene, duration=DURATION_MS, startValue=0.0, endValue=1.0)
        self.animation.valueChanged.connect(self._move)
        self.animation.finished.connect(self.clear)

    def start(
        self, moves: list[tuple[np.ndarray, bool, QColor, QPainterPath, bool]], duration_ms: int = DURATION_MS
    ) -> None:
        """``moves``: (array, diverging, colour, path, backwards) for each wire of the step, gliding for
        ``duration_ms``."""
        self.clear()
        self.animation.setDuration(duration_ms)
        for array, diverging, colour, path, backwards in moves:
            token = Token(array, diverging, colour)
            self.scene.addItem(token)
            self.tokens.append((token, path, backwards))
        if self.tokens:
            self._move(0.0)
            self.animation.start()

    def _move(self, progress: float) -> None:
        for token, path, backwards in self.tokens:
            token.setPos(path.pointAtPercent(1.0 - progress if backwards else progress))

    def clear(self) -> None:
        self.animation.stop()
        for token, _, _ in self.tokens:
            if token.scene() is self.scene:
                self.scene.removeItem(token)
        self.tokens.clear()

    @property
    def running(self) -> bool:
        return bool(self.tokens)
