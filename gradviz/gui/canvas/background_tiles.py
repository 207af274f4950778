"""The canvas's background (its fill, grid and plain wires) kept in tiles at the zoom shown, around the viewport.

Qt's background cache (which the view no longer uses) held what the viewport shows, no more. A view
following the step scrolls a strip into view at each step, and each strip was drawn afresh even where it
had been shown a few steps before (the next row of a graph, the reverse pass going back over the forward
pass's ground): every wire piece crossing it stroked again, about 5 ms a strip in the 500-node benchmark
graph at the legible zoom. Here the background is drawn in tiles of TILE device pixels, each once, and
blitted after, up to MOST_TILES (the least recently shown go first). A wire that moves drops the tiles
around it; a zoom or a theme change drops them all.

A repaint of most of the view with few tiles made (the first paint after a zoom) is drawn directly, as
before: making tiles there would draw beyond the view's edges for nothing yet.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRectF, QSize
from PySide6.QtGui import QImage, QPainter

TILE = 256  # device pixels a side
MOST_TILES = 160  # 40 MB at 4 bytes a pixel; the 500-node benchmark graph whole at the legible zoom needs 155
DIRECT_SHARE = 0.5  # a repaint of more of the view than this, with most of its tiles not made, is drawn directly

TileKey = tuple[int, int]


class BackgroundTiles:
    """Tiles of what ``draw(painter, scene_rect)`` paints, at the zoom of the painter they are shown by."""

    def __init__(self, draw: Callable[[QPainter, QRectF], None]) -> None:
        self._draw = draw
        self._zoom = 0.0  # the zoom the tiles were drawn at
        self._tiles: OrderedDict[TileKey, QImage] = OrderedDict()
        self.made = 0  # tiles drawn so far (tests count them: a tile shown again is not drawn again)

    def __len__(self) -> int:
        return len(self._tiles)

    def forget(self, scene_rect: QRectF) -> None:
        """What is drawn in ``scene_rect`` changed (a null rect: anything may have): its tiles are drawn again
        when shown."""
        if scene_rect.isNull() or not self._zoom:
            self._tiles.clear()
            return
        for key in [key for key in self._tiles if self._scene_rect(key).intersects(scene_rect)]:
            del self._tiles[key]

    def paint(self, painter: QPainter, exposed: QRectF, view: QSize) -> None:
        """Paint ``exposed`` (scene coordinates) with ``painter``, whose transform is the view's (a scale and a
        whole-pixel translation), from tiles; directly when the transform is any other, or when the paint
        covers most of a ``view``-sized viewport and most of its tiles are not made yet."""
        transform = painter.worldTransform()
        zoom = transform.m11()
        if transform.isRotating() or zoom <= 0 or not math.isclose(zoom, transform.m22()):
            self._draw(painter, exposed)
            return
        if zoom != self._zoom:
            self._tiles.clear()
            self._zoom = zoom
        shift = QPoint(round(transform.dx()), round(transform.dy()))
        device = transform.mapRect(exposed).translated(-shift.x(), -shift.y())  # in pixels of the zoomed scene
        columns = range(math.floor(device.left() / TILE), math.ceil(device.right() / TILE))
        rows = range(math.floor(device.top() / TILE), math.ceil(device.bottom() / TILE))
        keys = [(column, row) for row in rows for column in columns]
        missing = sum(key not in self._tiles for key in keys)
        if device.width() * device.height() > DIRECT_SHARE * view.width() * view.height() and 2 * missing > len(keys):
            self._draw(painter, exposed)
            return
        painter.save()
        painter.resetTransform()  # the clip stays where it was, in device pixels
        for key in keys:
            painter.drawImage(QPoint(key[0] * TILE + shift.x(), key[1] * TILE + shift.y()), self._tile(key))
        painter.restore()

    def _scene_rect(self, key: TileKey) -> QRectF:
        side = TILE / self._zoom
        return QRectF(key[0] * side, key[1] * side, side, side)

    def _tile(self, key: TileKey) -> QImage:
        image = self._tiles.get(key)
        if image is not None:
            self._tiles.move_to_end(key)
            return image
        image = QImage(TILE, TILE, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        painter.scale(self._zoom, self._zoom)
        rect = self._scene_rect(key)
        painter.translate(-rect.topLeft())
        painter.setClipRect(rect)
        self._draw(painter, rect)
        painter.end()
        self.made += 1
        self._tiles[key] = image
        while len(self._tiles) > MOST_TILES:
            self._tiles.popitem(last=False)
        return image
