"""Text on the canvas, prepared once and drawn only where it can be read.

A zoomed-out graph of hundreds of nodes used to lay out every caption of every node on every repaint
(fonts made per call, names elided per paint), although at 10 % zoom none of it can be read. Here:
- fonts are made once and shared (``font``); callers that need a variant copy them;
- a line of text is laid out once per change of its content (``Label``, a QStaticText);
- ``legible`` is the one rule for level of detail: a text is drawn only when its letters are at least
  ``LEGIBLE_PX`` pixels tall on screen; below that it would be a grey smudge, not words.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetricsF, QPainter, QStaticText

# On-screen height (pixels) of a font's em below which its words cannot be read: a 9.5 pt caption
# (13 px at 96 dpi) stops being drawn below 38 % zoom, the 13 pt node name below 28 %.
LEGIBLE_PX = 5.0

LEFT, RIGHT, CENTRE = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignHCenter
ONE_LINE = str.maketrans({"\n": " ", "\r": " ", "\u2028": " ", "\u2029": " "})  # as Qt's TextSingleLine does


@cache
def font(points: float, bold: bool = False) -> QFont:
    """The shared font of that size and weight: never change it, copy it (``QFont(font(...))``)."""
    made = QFont()
    made.setPointSizeF(points)
    made.setBold(bold)
    return made


@cache
def pixel_font(pixels: int) -> QFont:
    """A shared font ``pixels`` tall (the badge numbers are sized in screen pixels)."""
    made = QFont(font(7.0))
    made.setPixelSize(max(1, pixels))
    return made


@cache
def em_pixels(points: float, bold: bool = False) -> float:
    """The em height of ``font(points, bold)`` in pixels at zoom 1 on this screen (its DPI)."""
    return float(QFontInfo(font(points, bold)).pixelSize())


def legible(em: float, level_of_detail: float) -> bool:
    """Whether text ``em`` pixels tall at zoom 1 reads at ``level_of_detail`` (screen pixels per item unit)."""
    return em * level_of_detail >= LEGIBLE_PX


def elided(text: str, shared: QFont, width: float) -> str:
    """``text`` on one line, cut with an ellipsis to ``width`` item units."""
    return QFontMetricsF(shared).elidedText(text.translate(ONE_LINE), Qt.TextElideMode.ElideRight, width)


_MEASURES: dict[int, tuple[QFontMetricsF, float, float, float]] = {}


def _measures(shared: QFont) -> tuple[QFontMetricsF, float, float, float]:
    """Metrics, em, line height and ascent of a shared font, worked out once (a graph has thousands of labels)."""
    key = id(shared)  # shared fonts live as long as the process (font's cache): their ids are never reused
    if key not in _MEASURES:
        metrics = QFontMetricsF(shared)
        _MEASURES[key] = (metrics, float(QFontInfo(shared).pixelSize()), metrics.height(), metrics.ascent())
    return _MEASURES[key]


class Label:
    """One line of plain text (never markup: names are the user's) laid out once, drawn aligned in a rect."""

    __slots__ = ("ascent", "em", "font", "height", "static", "width")

    def __init__(self, text: str, shared: QFont) -> None:
        self.font = shared
        metrics, self.em, self.height, self.ascent = _measures(shared)
        self.static = QStaticText(text.translate(ONE_LINE))
        self.static.setTextFormat(Qt.TextFormat.PlainText)
        self.width = metrics.horizontalAdvance(self.static.text())

    def draw(
        self, painter: QPainter, rect: QRectF, horizontal: Qt.AlignmentFlag = LEFT, bottom: bool = False
    ) -> QPointF:
        """Draw in ``rect``: left, right or centred; vertically centred, or on the bottom. Returns the
        top-left corner the text was drawn at."""
        if horizontal == RIGHT:
            x = rect.right() - self.width
        elif horizontal == CENTRE:
            x = rect.center().x() - self.width / 2
        else:
            x = rect.left()
        y = rect.bottom() - self.height if bottom else rect.center().y() - self.height / 2
        corner = QPointF(x, y)
        painter.setFont(self.font)
        painter.drawStaticText(corner, self.static)
        return corner
