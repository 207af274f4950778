"""Arrays in the inspector: a heatmap with a colour bar and a hover readout, or bars for a vector.

Values use the sequential map; bars, contributions and tangents the diverging map, with limits
symmetric about zero so white always means zero. pyqtgraph is imported when the first array is shown:
it is most of a cold start, and a student who only edits graphs never pays for it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gradviz.gui.colormaps import DIVERGING, SEQUENTIAL, as_grid, limits


class ArrayView(QWidget):
    """One named array; ``show_array`` replaces what is drawn."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        import pyqtgraph as pg  # noqa: PLC0415 - see the module docstring

        self._pg = pg
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.title = QLabel(title)
        self.readout = QLabel(" ")
        self.readout.setObjectName(f"{name}Readout")
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setObjectName(f"{name}Plot")
        self.canvas.setAccessibleName(f"{title} plot")
        self.canvas.setMinimumHeight(160)
        self.canvas.setBackground(None)
        self.plot = self.canvas.addPlot()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.colour_bar: object | None = None
        self.array: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas)
        layout.addWidget(self.readout)
        self.canvas.scene().sigMouseMoved.connect(self._hover)

    def show_array(self, array: np.ndarray, diverging: bool) -> None:
        pg = self._pg
        self.array = np.asarray(array, dtype=float)
        self.plot.clear()
        if self.colour_bar is not None:
            self.canvas.removeItem(self.colour_bar)
            self.colour_bar = None
        low, high = limits(self.array, diverging)
        colours = pg.ColorMap(np.linspace(0.0, 1.0, 256), DIVERGING if diverging else SEQUENTIAL)
        if self.array.ndim <= 1 and self.array.size > 1:
            values = self.array.ravel()
            brushes = [pg.mkBrush(colours.map((v - low) / (high - low), mode="qcolor")) for v in values]
            self.plot.addItem(pg.BarGraphItem(x=np.arange(values.size), height=values, width=0.8, brushes=brushes))
            self.plot.invertY(False)
            self.plot.setAspectLocked(False)
            return
        grid = as_grid(self.array)
        self.image = pg.ImageItem(grid, axisOrder="row-major")
        self.image.setColorMap(colours)
        self.image.setLevels((low, high))
        self.plot.addItem(self.image)
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.setRange(xRange=(0, grid.shape[1]), yRange=(0, grid.shape[0]), padding=0.02)  # the array, not air
        self.colour_bar = pg.ColorBarItem(values=(low, high), colorMap=colours, interactive=False, width=12)
        self.canvas.addItem(self.colour_bar)

    def _hover(self, point: object) -> None:
        if self.array is None:
            return
        spot = self.plot.vb.mapSceneToView(point)
        row, column = int(np.floor(spot.y())), int(np.floor(spot.x()))
        if self.array.ndim <= 1 and self.array.size > 1:
            row, column = 0, round(spot.x())
        grid = as_grid(self.array)
        if 0 <= row < grid.shape[0] and 0 <= column < grid.shape[1]:
            index = np.unravel_index(row * grid.shape[1] + column, self.array.shape) if self.array.ndim else ()
            self.readout.setText(f"[{', '.join(map(str, index))}] = {grid[row, column]:.6g}")
