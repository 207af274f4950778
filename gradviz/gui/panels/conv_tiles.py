"""Tiles of the kernel-flip view: one array each, as a heatmap with its window, outline and numbers.

All tiles of the view live in one pyqtgraph layout (one widget, one scene), so that a frame of the
animation is a handful of cheap item updates: new pixels for the arrays that change, new geometry for
the window rectangles. Colours come from gradviz's own tables as RGBA, so cells not computed yet can
be left transparent (the output fills in as the window slides) and nan stays magenta.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gradviz.gui.colormaps import limits, readable_on, rgba

if TYPE_CHECKING:
    from pyqtgraph import GraphicsLayout

NUMBER_CELL_PX = 26  # cells under this never show numbers (11 pt text and a margin); larger ones do if they fit
GRID_UP_TO = 40  # cells per side: arrays this small have their cell borders drawn, so zero padding shows
WINDOW_COLOURS = {"forward": QColor("#0288d1"), "backward": QColor("#c2185b")}
BLACK, WHITE = QColor("black"), QColor("white")
CENTRED_UNCLIPPED = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip  # a wide number shows whole


class NumberLayer(QGraphicsItem):
    """The numbers of a tile's cells, drawn by one item at a fixed size in screen pixels.

    A frame of the animation changes up to every number of the products tile: one item repainting its
    cells costs a fraction of a text item per number, each of which re-lays a text document when set."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(5)
        self._font = QFont("DejaVu Sans", 11)
        self._cells: list[tuple[int, int, str, bool]] = []  # (column, row, text, dark ink)
        self._shape = (0, 0)

    def fit(self, cells: list[tuple[int, int, str, bool]], cell_px: float) -> bool:
        """Whether every number fits across a cell ``cell_px`` wide, with a little room either side."""
        metrics = QFontMetricsF(self._font)
        return all(metrics.horizontalAdvance(text) <= cell_px - 6 for _, _, text, _ in cells)

    def show_cells(self, cells: list[tuple[int, int, str, bool]], shape: tuple[int, int]) -> None:
        if shape != self._shape:
            self.prepareGeometryChange()
            self._shape = shape
        if cells != self._cells:
            self._cells = cells
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-1, 0, self._shape[1] + 2, self._shape[0])  # a wide number overflows its cell

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        to_screen = painter.worldTransform()
        painter.save()
        painter.resetTransform()  # the text is sized in screen pixels, as on every tile
        painter.setFont(self._font)
        for column, row, text, dark in self._cells:
            painter.setPen(BLACK if dark else WHITE)
            painter.drawText(to_screen.mapRect(QRectF(column, row, 1, 1)), CENTRED_UNCLIPPED, text)
        painter.restore()


class Tile:
    """One heatmap in the layout: an array, a title, an optional outline and window, numbers if small."""

    def __init__(self, layout: GraphicsLayout, row: int, column: int, key: str) -> None:
        import pyqtgraph as pg  # noqa: PLC0415 - the panel is built on first use

        self.key = key
        self._ink = QApplication.palette().color(QPalette.ColorRole.WindowText).name()  # titles read in dark mode
        self.title = layout.addLabel("", row=row, col=column, size="11pt", color=self._ink)
        self.box = layout.addViewBox(row=row + 1, col=column, lockAspect=True, invertY=True, enableMouse=False)
        self.box.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.outline = self._rect(QColor("#9e9e9e"), Qt.PenStyle.DashLine, 2.5)  # the image inside its padding
        self.window = self._rect(WINDOW_COLOURS["forward"], Qt.PenStyle.SolidLine, 3.0)
        self.target = self._rect(QColor("#ff9800"), Qt.PenStyle.SolidLine, 3.0)
        self.picked = QGraphicsPathItem()  # the cells a strided window reads, each outlined
        self.picked.setZValue(11)
        self.box.addItem(self.picked)
        self.grid = QGraphicsPathItem()
        pen = QPen(QColor(128, 128, 128, 110), 1.0)
        pen.setCosmetic(True)
        self.grid.setPen(pen)
        self.grid.setZValue(4)
        self.box.addItem(self.grid)
        self._grid_shape: tuple[int, ...] = ()
        self.array: np.ndarray | None = None  # exactly what is drawn (tests read it)
        self.diverging = False
        self.bounds = (-1.0, 1.0)
        self.numbers = NumberLayer()
        self.box.addItem(self.numbers)
        self._known: np.ndarray | None = None
        self._pixels: np.ndarray | None = None
        self.box.sigResized.connect(lambda *_: self._write_numbers())

    def _rect(self, colour: QColor, style: Qt.PenStyle, width: float) -> QGraphicsRectItem:
        item = QGraphicsRectItem()
        pen = QPen(colour, width, style)
        pen.setCosmetic(True)  # the same thickness at every zoom
        item.setPen(pen)
        item.setZValue(10)
        item.hide()
        self.box.addItem(item)
        return item

    def show(
        self,
        title: str,
        array: np.ndarray,
        diverging: bool,
        known: np.ndarray | None = None,
        bounds: tuple[float, float] | None = None,
    ) -> None:
        """Draw ``array`` (cells outside ``known`` left empty), coloured on ``bounds`` (default: its own).

        A frame of the animation calls this for the tiles that change; what is as it was (the title, the
        tile's range, its grid) is left alone, since setting it again costs a layout pass each time."""
        if title != self.title.text:
            self.title.setText(title, size="11pt", color=self._ink)
        old_shape = None if self.array is None else self.array.shape
        self.array, self.diverging = np.asarray(array, dtype=float), diverging
        self.known = np.ones(self.array.shape, bool) if known is None else known
        self.bounds = bounds or limits(self.array, diverging)
        pixels = rgba(self.array, diverging, self.bounds, known)
        self._pixels, self._known = pixels, known  # with the array: a resize may write the numbers any time
        self.image.setImage(pixels, autoLevels=False)
        if self.array.shape != old_shape:
            self.image.setRect(QRectF(0, 0, self.array.shape[1], self.array.shape[0]))
            self.box.setRange(QRectF(0, 0, self.array.shape[1], self.array.shape[0]), padding=0.04)
        self._draw_grid(self.array.shape)
        self._write_numbers()

    def _draw_grid(self, shape: tuple[int, ...]) -> None:
        if shape == self._grid_shape:
            return
        self._grid_shape = rows, columns = shape
        path = QPainterPath()
        if max(rows, columns) <= GRID_UP_TO:
            for row in range(rows + 1):
                path.moveTo(0, row)
                path.lineTo(columns, row)
            for column in range(columns + 1):
                path.moveTo(column, 0)
                path.lineTo(column, rows)
        self.grid.setPath(path)

    def _cell_px(self) -> float:
        """The width of one of the array's cells on screen (0 while no array is shown)."""
        if self.array is None:
            return 0.0
        rows, columns = self.array.shape
        size = self.box.size()
        return min(size.width() / columns, size.height() / rows)

    def _write_numbers(self) -> None:
        """Each cell's number in it, when the cells are large enough to hold one legibly."""
        pixels, known, array = self._pixels, self._known, self.array
        if array is None or pixels is None:  # nothing shown yet (the two are set together)
            return
        cell = self._cell_px()
        if cell < NUMBER_CELL_PX:
            self.numbers.hide()
            return
        dark = readable_on(pixels)
        cells = [
            (column, row, "" if value == 0 and self.diverging else f"{value:.3g}", bool(dark[row, column]))
            for (row, column), value in np.ndenumerate(array)
            if known is None or known[row, column]
        ]
        if not self.numbers.fit(cells, cell):  # "−0.631" needs a wider cell than the impulse's "9"
            self.numbers.hide()
            return
        self.numbers.show_cells(cells, array.shape)
        self.numbers.show()

    def hide_numbers(self) -> None:
        self.numbers.hide()

    def mark(
        self, item: QGraphicsRectItem, rows: slice | None, cols: slice | None, colour: QColor | None = None
    ) -> None:
        """Put ``item`` (outline, window or target) round rows × cols, or hide it for None."""
        if rows is None or cols is None:
            item.hide()
            return
        if colour is not None:
            pen = item.pen()
            pen.setColor(colour)
            item.setPen(pen)
        item.setRect(QRectF(cols.start, rows.start, cols.stop - cols.start, rows.stop - rows.start))
        item.show()

    def pick(self, rows: slice | None, cols: slice | None, colour: QColor) -> None:
        """Outline each cell of rows × cols (strided slices): a window that skips cells by the stride."""
        if self.array is None or rows is None or cols is None or (rows.step or 1) == (cols.step or 1) == 1:
            self.picked.hide()
            return
        path = QPainterPath()
        for row in range(*rows.indices(self.array.shape[0])):
            for column in range(*cols.indices(self.array.shape[1])):
                path.addRect(QRectF(column + 0.12, row + 0.12, 0.76, 0.76))
        pen = QPen(colour, 2.5)
        pen.setCosmetic(True)
        self.picked.setPen(pen)
        self.picked.setPath(path)
        self.picked.show()

    def cell_at(self, scene_point: object) -> tuple[int, int] | None:
        """The (row, column) under a point of the layout's scene, if it is on this tile's array."""
        if self.array is None or not self.box.sceneBoundingRect().contains(scene_point):
            return None
        spot = self.box.mapSceneToView(scene_point)
        row, column = int(np.floor(spot.y())), int(np.floor(spot.x()))
        inside = 0 <= row < self.array.shape[0] and 0 <= column < self.array.shape[1]
        return (row, column) if inside else None
