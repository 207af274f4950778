"""The background kept in tiles around the viewport: a tile is drawn once and shown again as it was drawn,
its pixels are those a direct paint makes, and a change of the wires, the zoom or the theme is never
hidden behind an old tile."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTransform

from gradviz.gui.canvas.background_tiles import TILE, BackgroundTiles
from tests.gui.on_screen import colours, left_behind
from tests.gui.window_setup import scrolled_by_its_bars

VIEW = QSize(600, 400)


def _curves(painter: QPainter, rect: QRectF) -> None:
    """A background with antialiased curves crossing tile borders, and a count of the scene drawn."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, QColor("#fafafa"))
    painter.setPen(QPen(QColor("#3060a0"), 2.2))
    for k in range(6):
        path = QPainterPath(QPointF(-50, 40 + 70 * k))
        path.cubicTo(QPointF(300, 40 + 70 * k), QPointF(400, 500 - 60 * k), QPointF(900, 420 - 50 * k))
        painter.drawPath(path)


def _painted(tiles: BackgroundTiles | None, exposed: QRectF, zoom: float, scroll: QPointF) -> QImage:
    """``exposed`` painted as a view scrolled by ``scroll`` at ``zoom`` paints its background: from tiles,
    or directly (``tiles`` None)."""
    image = QImage(VIEW, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.setTransform(QTransform.fromScale(zoom, zoom) * QTransform.fromTranslate(-scroll.x(), -scroll.y()))
    painter.setClipRect(exposed)
    if tiles is None:
        _curves(painter, exposed)
    else:
        tiles.paint(painter, exposed, VIEW)
    painter.end()
    return image


def test_a_strip_from_tiles_is_the_strip_drawn_directly_and_is_drawn_once():
    tiles = BackgroundTiles(_curves)
    zoom, scroll = 0.79, QPointF(37, 12)
    strip = QRectF(scroll.x() / zoom + 100, scroll.y() / zoom, 160, VIEW.height() / zoom)
    tiled = colours(_painted(tiles, strip, zoom, scroll))
    direct = colours(_painted(None, strip, zoom, scroll))
    assert np.abs(tiled.astype(int) - direct.astype(int)).max() <= 2  # the same antialiased curves
    assert (direct != 0).any(axis=2).sum() >= 120 * VIEW.height()  # the strip, 126 pixels wide, was painted
    made = tiles.made
    assert made == len(tiles) >= 2  # the strip spans tiles a side of TILE pixels
    assert (colours(_painted(tiles, strip, zoom, scroll)) == tiled).all()
    assert tiles.made == made  # shown again, drawn once


def test_most_of_the_view_with_no_tiles_yet_is_drawn_directly():
    drawn: list[QRectF] = []
    tiles = BackgroundTiles(lambda painter, rect: drawn.append(rect) or _curves(painter, rect))
    whole = QRectF(0, 0, VIEW.width(), VIEW.height())
    _painted(tiles, whole, 1.0, QPointF())
    assert tiles.made == 0 and drawn == [whole]  # the first paint after a zoom: nothing drawn beyond the view


def test_forgetting_drops_the_tiles_of_a_rect_or_all_and_a_new_zoom_drops_all():
    tiles = BackgroundTiles(_curves)
    strip = QRectF(0, 0, 2 * TILE, 100)
    _painted(tiles, strip, 1.0, QPointF())
    assert len(tiles) == 2
    tiles.forget(QRectF(10, 10, 5, 5))  # in the first tile only
    assert len(tiles) == 1
    _painted(tiles, strip, 1.0, QPointF())
    assert len(tiles) == 2 and tiles.made == 3
    tiles.forget(QRectF())
    assert len(tiles) == 0
    _painted(tiles, strip, 1.0, QPointF())
    _painted(tiles, QRectF(0, 0, 100, 100), 0.5, QPointF())
    assert len(tiles) == 1  # the tiles of zoom 1 went with it


def test_the_scrolled_canvas_is_the_canvas_painted_afresh(window, qtbot):
    """(A node moved after the scroll, its wires with it: tests/gui/canvas/test_items.py.)"""
    view = scrolled_by_its_bars(window, qtbot)
    assert len(view._tiles) > 0
    assert left_behind(view) == 0
