"""Arrays in the inspector: a heatmap with a colour bar and a hover readout, bars for a vector, and a
scalar as its number (a one-cell heatmap with a colour bar says nothing a number does not say better).

Values use the sequential map; bars, contributions and tangents the diverging map, with limits
symmetric about zero so white always means zero. Axes count elements: cell (row, column) is centred
on the integers row and column, with ticks at integers only. An array of at most ``NUMBERS_UP_TO``
elements also shows its numbers, in black or white on each cell, whichever reads. pyqtgraph is
imported when the first array is shown: it is most of a cold start, and a student who only edits
graphs never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradviz.gui.colormaps import DIVERGING, SEQUENTIAL, as_grid, cell_text, limits, readable_on, rgba

if TYPE_CHECKING:
    from pyqtgraph import ColorBarItem, TextItem

NUMBERS_UP_TO = 16
MAX_TICKS = 8
ROW_LINES = 3.0  # a heatmap row is this many text lines tall at most: room for its number, no more
AXES_LINES = 4.5  # the column axis, its label and the margins, in text lines
TALLEST_LINES = 24  # no plot taller than this: a long array scrolls the panel less than it squeezes the rest


def integer_ticks(count: int) -> list[tuple[float, str]]:
    """Ticks at indices 0 … count−1, every 1, 2, 5, 10, 20, 50 … so that at most MAX_TICKS show."""
    steps = (size * decade for decade in (1, 10, 100, 1000, 10_000, 100_000) for size in (1, 2, 5))
    step = next(size for size in steps if (count - 1) // size + 1 <= MAX_TICKS)
    return [(float(index), str(index)) for index in range(0, count, step)]


def _is_vector(array: np.ndarray) -> bool:
    """An array drawn as one heatmap row: one-dimensional, with more than one element."""
    return array.ndim <= 1 and array.size > 1


class ArrayView(QWidget):
    """One named array; ``show_array`` replaces what is drawn."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        import pyqtgraph as pg  # noqa: PLC0415 - see the module docstring

        self._pg = pg
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.title = QLabel(title)
        self.title.setTextFormat(Qt.TextFormat.RichText)  # callers escape names (gui.notation)
        self.title.setWordWrap(True)  # "this step's contribution from a1" made a 240 px dock scroll sideways
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setObjectName(f"{name}Readout")
        self.scalar = QLabel()
        self.scalar.setObjectName(f"{name}Scalar")
        self.scalar.setAccessibleName(f"{title} value")
        self.scalar.setTextFormat(Qt.TextFormat.PlainText)
        self.scalar.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scalar_font = self.scalar.font()
        scalar_font.setPointSizeF(scalar_font.pointSizeF() * 1.6)
        self.scalar.setFont(scalar_font)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setObjectName(f"{name}Plot")
        self.canvas.setAccessibleName(f"{title} plot")
        self.canvas.setMinimumHeight(160)
        self.canvas.setBackground(None)
        self.plot = self.canvas.addPlot()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.colour_bar: ColorBarItem | None = None
        self.array: np.ndarray | None = None
        self.numbers: list[TextItem] = []  # the TextItems of a small array's numbers (tests read them)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.scalar)
        layout.addWidget(self.canvas)
        layout.addWidget(self.readout)
        self.canvas.scene().sigMouseMoved.connect(self._hover)
        self.plot.vb.sigResized.connect(self._show_numbers_that_fit)

    def show_array(self, array: np.ndarray, diverging: bool) -> None:
        pg = self._pg
        self.array = np.asarray(array, dtype=float)
        scalar = self.array.size == 1
        self.scalar.setVisible(scalar)
        self.canvas.setVisible(not scalar)
        self.readout.setVisible(not scalar)
        if scalar:
            self.scalar.setText(cell_text(self.array.item(), digits=6))
            return
        self._fit_height(1 if _is_vector(self.array) else as_grid(self.array).shape[0])
        self.plot.clear()
        self.numbers = []
        if self.colour_bar is not None:
            self.canvas.removeItem(self.colour_bar)
            self.colour_bar = None
        low, high = limits(self.array, diverging)
        colours = pg.ColorMap(np.linspace(0.0, 1.0, 256), DIVERGING if diverging else SEQUENTIAL)
        grid = as_grid(self.array)
        tints = rgba(grid, diverging, (low, high))
        if _is_vector(self.array):
            values = self.array.ravel()
            brushes = [pg.mkBrush(QColor(*(int(c) for c in tints[0, index]))) for index in range(values.size)]
            self.plot.addItem(pg.BarGraphItem(x=np.arange(values.size), height=values, width=0.8, brushes=brushes))
            self.plot.invertY(False)
            self.plot.setAspectLocked(False)
            self._set_ticks(bottom=values.size, left=None)
            if values.size <= NUMBERS_UP_TO:  # above a bar, or below one that points down
                for index, value in enumerate(values):
                    self._number(value, index, value, (0.5, 1.0 if value >= 0 else 0.0), None)
            self._show_numbers_that_fit()
            return
        self.image = pg.ImageItem(grid, axisOrder="row-major")
        self.image.setColorMap(colours)
        self.image.setLevels((low, high))
        self.image.setRect(QRectF(-0.5, -0.5, grid.shape[1], grid.shape[0]))  # cell (r, c) centred on (c, r)
        self.plot.addItem(self.image)
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.setRange(xRange=(-0.5, grid.shape[1] - 0.5), yRange=(-0.5, grid.shape[0] - 0.5), padding=0.02)
        self._set_ticks(bottom=grid.shape[1], left=grid.shape[0])
        if grid.size <= NUMBERS_UP_TO:
            dark = readable_on(tints)
            for (row, column), value in np.ndenumerate(grid):
                self._number(value, column, row, (0.5, 0.5), "black" if dark[row, column] else "white")
        self.colour_bar = pg.ColorBarItem(values=(low, high), colorMap=colours, interactive=False, width=12)
        self.canvas.addItem(self.colour_bar)
        self._show_numbers_that_fit()

    def _show_numbers_that_fit(self, *_: object) -> None:
        """The numbers only while each fits its cell: in a short dock a 5×3 array's cells are 28 px wide, and
        "−0.72" overprinted its neighbours. The colour bar and the hover readout still give every value."""
        if not self.numbers:
            return
        cell = 1.0 / max(self.plot.vb.viewPixelSize()[0], 1e-9)  # one index step, in pixels on screen
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(text.textItem.toPlainText()) for text in self.numbers)
        fits = widest + 4 <= cell
        for text in self.numbers:
            text.setVisible(fits)

    def _fit_height(self, rows: int) -> None:
        """At most as tall as the rows need: a 3×2 array drawn 480 px tall pushed the bar below it out of sight."""
        line = self.fontMetrics().height()
        wanted = int(line * min(TALLEST_LINES, AXES_LINES + ROW_LINES * max(rows, 2)))
        self.canvas.setMaximumHeight(max(self.canvas.minimumHeight(), wanted))

    def _number(self, value: float, x: float, y: float, anchor: tuple[float, float], ink: str | None) -> None:
        text = self._pg.TextItem(cell_text(value), anchor=anchor, color=ink or self.palette().windowText().color())
        text.setPos(x, y)
        self.plot.addItem(text)
        self.numbers.append(text)

    def _set_ticks(self, bottom: int, left: int | None) -> None:
        """Integer ticks only: an index axis has no 0.5."""
        self.plot.getAxis("bottom").setTicks([integer_ticks(bottom), []])
        self.plot.getAxis("left").setTicks(None if left is None else [integer_ticks(left), []])
        self.plot.setLabel("bottom", "index" if left is None else "column")
        self.plot.setLabel("left", "" if left is None else "row")

    def _hover(self, point: QPointF) -> None:
        if self.array is None:
            return
        spot = self.plot.vb.mapSceneToView(point)
        row, column = round(spot.y()), round(spot.x())
        if _is_vector(self.array):
            row = 0
        grid = as_grid(self.array)
        if 0 <= row < grid.shape[0] and 0 <= column < grid.shape[1]:
            index = np.unravel_index(row * grid.shape[1] + column, self.array.shape) if self.array.ndim else ()
            self.readout.setText(f"[{', '.join(map(str, index))}] = {grid[row, column]:.6g}")
