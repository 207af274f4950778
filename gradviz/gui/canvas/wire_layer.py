"""Every plain wire of a graph in one layer, cut into short pieces so a paint strokes only what it shows.

A wire is a cubic S-curve that may cross the whole canvas. Qt strokes a path whole and clips after, so
repainting a strip of the canvas (the view scrolling to follow the step, a token gliding) used to
stroke every long wire crossing it end to end, most of it off screen: 25 ms for one 200-unit strip of
the 500-node benchmark graph at a legible zoom. Here each wire is cut (exactly, de Casteljau) into
pieces at most PIECE long, their control points and bounds kept in numpy arrays; a paint finds the
pieces its rect crosses in one vectorised test and strokes only those, joined where they follow each
other (so no seam shows).

How to hand them to Qt depends on the pen's width on screen. Up to one pixel (zoomed out) Qt's raster
engine draws thin lines fast, and one path for all is cheapest: the whole wires at once when most of
them show (a zoom of the fitted graph). Wider, Qt outlines a curve's stroke and fills the outline, and
one outline of hundreds of crossing wires fills in time that grows far faster than the wires (355 ms
for the 562 wires of the benchmark graph at a legible zoom, against 48 ms one wire at a time). Straight
lines with flat or square caps are another matter: Qt's raster engine draws each as the quadrilateral
it is, with no outline made. So on a raster device (the screen, a PNG) a wider wire of an opaque pen is
cut into straight segments (within FLATNESS of a pixel of its curve: Qt itself flattens a curve to a
quarter of a pixel to stroke it), all drawn in one call: about half the time (the repaint after a zoom
change of the benchmark graph at the legible zoom: 50–58 → 29–34 ms, the wires being most of it). The
caps are square, so that each segment overlaps the next: with flat caps the two half-covered pixels
where they meet leave a light seam across the wire at every joint. Where segments overlap, the shaded
pixels along the wire's edges are shaded twice (2-5 % more ink in all, seen only magnified), and a wire
ends in a square where it was round, under its port's circle. A vector device (SVG) keeps the curves, a
path per run of pieces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPaintEngine, QPainter, QPainterPath, QPen

PULL_LEAST, PULL_SHARE = 40.0, 0.5  # a wire leaves and enters horizontally, pulled this far (items.s_curve)
PIECE = 240.0  # scene units: the longest piece of wire a paint strokes whole
MOST_PIECES = 64  # a wire is cut into at most this many pieces
FLATNESS = 0.25  # device pixels: how far a straight segment drawn for a wide wire may stray from its curve
MOST_SEGMENTS = 64  # a piece is cut into at most this many straight segments


def s_controls(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """The control points (n, 4, 2) of the S-curves from (x0, y0) to (x1, y1): horizontal at both ends."""
    pull = np.maximum(PULL_LEAST, np.abs(x1 - x0) * PULL_SHARE)
    xs = np.stack([x0, x0 + pull, x1 - pull, x1], axis=1)
    ys = np.stack([y0, y0, y1, y1], axis=1)
    return np.stack([xs, ys], axis=2)


def _point_and_slope(controls: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points (n, 2) and derivatives (n, 2) of cubics ``controls`` (n, 4, 2) at parameters ``t`` (n,)."""
    a, b, c, d = (controls[:, k, :] for k in range(4))
    t = t[:, None]
    u = 1 - t
    point = a * u**3 + 3 * b * u * u * t + 3 * c * u * t * t + d * t**3
    slope = 3 * ((b - a) * u * u + 2 * (c - b) * u * t + (d - c) * t * t)
    return point, slope


class WireLayer:
    """The pieces of a set of wires, and the painting of those a rect crosses."""

    def __init__(self, ends: list[tuple[float, float, float, float]]) -> None:
        """``ends``: (x0, y0, x1, y1) of each wire, from its parent's output port to its child's input."""
        self.whole = QPainterPath()  # every wire whole, for a paint that shows most of them
        array = np.asarray(ends, dtype=float).reshape(-1, 4)
        curves = s_controls(*array.T)
        for a, b, c, d in curves:
            self.whole.moveTo(*a)
            self.whole.cubicTo(*b, *c, *d)
        hull = np.abs(np.diff(curves, axis=1)).sum(axis=(1, 2))  # the control polygon bounds the length
        cuts = np.clip(np.ceil(hull / PIECE), 1, MOST_PIECES).astype(int)
        self.wire = np.repeat(np.arange(len(curves)), cuts)  # which wire each piece is of
        first = np.repeat(np.cumsum(cuts) - cuts, cuts)
        index = np.arange(len(self.wire)) - first  # the piece's place along its wire
        t0, t1 = index / cuts[self.wire], (index + 1) / cuts[self.wire]
        start, leaving = _point_and_slope(curves[self.wire], t0)
        end, entering = _point_and_slope(curves[self.wire], t1)
        span = ((t1 - t0) / 3)[:, None]
        self.pieces = np.stack([start, start + leaving * span, end - entering * span, end], axis=1)  # (p, 4, 2)
        self.low, self.high = self.pieces.min(axis=1), self.pieces.max(axis=1)  # each piece's bounds
        self.first = index == 0

    def draw(self, painter: QPainter, exposed: QRectF, pen: QPen) -> None:
        """Stroke the wires crossing ``exposed`` with ``pen`` (antialiased)."""
        margin = pen.widthF()
        crossing = np.flatnonzero(
            (self.high[:, 0] >= exposed.left() - margin)
            & (self.low[:, 0] <= exposed.right() + margin)
            & (self.high[:, 1] >= exposed.top() - margin)
            & (self.low[:, 1] <= exposed.bottom() + margin)
        )
        if not len(crossing):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        zoom = painter.worldTransform().m11()
        thin = pen.widthF() * zoom <= 1.0
        if thin and 2 * len(crossing) > len(self.wire):
            painter.drawPath(self.whole)
        elif thin:
            painter.drawPath(self._joined(crossing))
        elif pen.color().alpha() == 255 and painter.paintEngine().type() == QPaintEngine.Type.Raster:
            self._draw_straight(painter, crossing, pen, zoom)
        else:
            for run in self._runs(crossing):
                painter.drawPath(run)
        painter.restore()

    def _draw_straight(self, painter: QPainter, crossing: np.ndarray, pen: QPen, zoom: float) -> None:
        """The pieces ``crossing`` as straight segments with square caps, in one call: what Qt draws fastest
        for a wide pen (see the module docstring)."""
        segments = _segments(self.pieces[crossing], zoom)
        square = QPen(pen)
        square.setCapStyle(Qt.PenCapStyle.SquareCap)
        painter.setPen(square)
        first = cast(QLineF, shiboken6.wrapInstance(segments.ctypes.data, QLineF))  # the array's memory, not a copy
        painter.drawLines(first, len(segments))  # Qt reads len(segments) QLineF from there

    def _follows(self, crossing: np.ndarray) -> list[bool]:
        """For each of the pieces ``crossing`` (sorted), whether it continues the one before it."""
        follows = np.zeros(len(crossing), dtype=bool)
        follows[1:] = (np.diff(crossing) == 1) & ~self.first[crossing[1:]]
        return follows.tolist()

    def _joined(self, crossing: np.ndarray) -> QPainterPath:
        """One path of the pieces ``crossing``, each run of consecutive pieces of a wire unbroken."""
        return next(self._runs(crossing, apart=False), QPainterPath())

    def _runs(self, crossing: np.ndarray, apart: bool = True) -> Iterator[QPainterPath]:
        """The runs of consecutive pieces among ``crossing``, a path each (``apart``) or all in one."""
        path = QPainterPath()
        for piece, follows in zip(self.pieces[crossing].tolist(), self._follows(crossing), strict=True):
            if not follows:
                if apart and not path.isEmpty():
                    yield path
                    path = QPainterPath()
                path.moveTo(QPointF(*piece[0]))
            path.cubicTo(*piece[1], *piece[2], *piece[3])
        if not path.isEmpty():
            yield path


def _segments(pieces: np.ndarray, zoom: float) -> np.ndarray:
    """The cubic ``pieces`` (p, 4, 2) cut into straight segments (s, 4): x0, y0, x1, y1 each, contiguous
    (the memory of QLineF[s]). A piece is cut evenly in its parameter into as many segments as keep them
    within FLATNESS device pixels of the curve at ``zoom``: a chord of parameter length h strays at most
    h² max|B''| / 8, and |B''| is at most 6 times the control polygon's largest second difference."""
    bend = 6 * np.abs(np.diff(pieces, n=2, axis=1)).sum(axis=2).max(axis=1) * zoom  # device pixels
    cuts = np.clip(np.ceil(np.sqrt(bend / (8 * FLATNESS))), 1, MOST_SEGMENTS).astype(int)
    piece = np.repeat(np.arange(len(pieces)), cuts)
    index = np.arange(len(piece)) - np.repeat(np.cumsum(cuts) - cuts, cuts)
    controls = pieces[piece]
    starts, _ = _point_and_slope(controls, index / cuts[piece])
    ends, _ = _point_and_slope(controls, (index + 1) / cuts[piece])
    return np.ascontiguousarray(np.concatenate([starts, ends], axis=1), dtype=np.float64)
