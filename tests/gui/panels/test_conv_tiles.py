"""A tile of the kernel-flip view: the array drawn cell for cell, its numbers where they fit, only the cells
known so far, its window and a strided window's cells outlined, and the cell under the mouse found."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from gradviz.gui.panels.conv_tiles import NumberLayer, Tile


def _tile(qtbot, size: int = 420) -> tuple[pg.GraphicsLayoutWidget, Tile]:
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    tile = Tile(widget.ci, 0, 0, "image")
    widget.resize(size, size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, tile


def _texts(tile: Tile) -> dict[tuple[int, int], str]:
    return {(row, column): text for column, row, text, _ in tile.numbers._cells}


def test_large_cells_show_their_numbers_and_unknown_cells_none(qtbot):
    _, tile = _tile(qtbot)
    array = np.array([[1.0, -2.5, 0.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    known = np.zeros((3, 3), bool)
    known[0] = True  # the window has filled the first row
    tile.show("O", array, diverging=True, known=known)
    qtbot.waitUntil(tile.numbers.isVisible)
    assert np.array_equal(tile.array, array) and tile.title.text == "O"
    assert _texts(tile) == {(0, 0): "1", (0, 1): "-2.5", (0, 2): ""}  # a diverging zero stays blank
    tile.show("O", array, diverging=True)
    assert len(_texts(tile)) == 9 and _texts(tile)[(2, 2)] == "9"


def test_small_cells_show_no_numbers(qtbot):
    _, tile = _tile(qtbot, size=120)
    tile.show("I", np.arange(100.0).reshape(10, 10), diverging=False)
    assert not tile.numbers.isVisible()


def test_a_wide_number_needs_a_wider_cell(qapp):
    layer = NumberLayer()
    assert layer.fit([(0, 0, "9", True)], 26) and not layer.fit([(0, 0, "−0.631", True)], 26)


def test_the_window_and_a_strided_windows_cells(qtbot):
    _, tile = _tile(qtbot)
    tile.show("I", np.zeros((5, 5)), diverging=False)
    tile.mark(tile.window, slice(1, 4), slice(2, 5), QColor("red"))
    assert tile.window.isVisible() and tile.window.rect().getRect() == (2, 1, 3, 3)
    assert tile.window.pen().color() == QColor("red")
    tile.mark(tile.window, None, None)
    assert not tile.window.isVisible()
    tile.pick(slice(0, 5, 2), slice(0, 3, 2), QColor("blue"))  # rows 0, 2, 4 and columns 0, 2
    squares = tile.picked.path().toSubpathPolygons()
    assert tile.picked.isVisible() and len(squares) == 6
    tile.pick(slice(0, 3), slice(0, 3), QColor("blue"))  # a window without a stride reads every cell
    assert not tile.picked.isVisible()


def test_the_cell_under_a_point(qtbot):
    _, tile = _tile(qtbot)
    tile.show("I", np.zeros((3, 4)), diverging=False)
    qtbot.waitUntil(lambda: tile.box.size().width() > 100)
    assert tile.cell_at(tile.box.mapViewToScene(QPointF(1.5, 2.5))) == (2, 1)
    assert tile.cell_at(tile.box.mapViewToScene(QPointF(3.9, 0.1))) == (0, 3)
    assert tile.cell_at(tile.box.mapViewToScene(QPointF(4.5, 0.5))) is None  # right of the array
