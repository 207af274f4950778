"""Small arrays show their numbers, large ones a heatmap that answers the mouse; index axes count.

A node's badge draws a value or bar of at most 16 elements as numbers on their colour when its cells
are at least 14 px on screen; the inspector's plots put cell (row, column) on integer ticks.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QTransform
from PySide6.QtWidgets import QApplication

from gradviz.gui.canvas.items import ArrayLook, NodeItem, NodeLook
from gradviz.gui.colormaps import DIVERGING, SEQUENTIAL, readable_on
from gradviz.gui.panels.arrays import ArrayView, integer_ticks
from gradviz.gui.theme import LIGHT
from gradviz.io.paths import EXAMPLES


def _contrast(one: np.ndarray, other: np.ndarray) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (bytes)."""

    def luminance(rgb: np.ndarray) -> float:
        c = rgb / 255.0
        linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ink_on_every_colour_of_both_maps_reads():
    """Black or white, whichever is chosen, contrasts at least 3:1 (WCAG's bar for large text)."""
    for table in (SEQUENTIAL, DIVERGING):
        dark = readable_on(table)
        for colour, black in zip(table, dark):
            ink = np.zeros(3) if black else np.full(3, 255.0)
            assert _contrast(colour.astype(float), ink) >= 3.0, colour


def _item(qapp, value: np.ndarray) -> NodeItem:
    item = NodeItem("v", LIGHT, lambda _: None)
    item.set_look(
        NodeLook("input", "source", "v", (), "2×2", None, False, stepping=True, value=ArrayLook.of(value, False))
    )
    return item


def _render(item: NodeItem, scale: float) -> QImage:
    rect = item.boundingRect()
    image = QImage(int(rect.width() * scale) + 2, int(rect.height() * scale) + 2, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setTransform(QTransform.fromScale(scale, scale).translate(-rect.left(), -rect.top()))
    item.paint(painter, None)
    painter.end()
    return image


def _colours_in(image: QImage, rect, scale: float, left: float, top: float) -> set[tuple[int, int, int]]:
    seen = set()
    for x in range(int((rect.left() - left) * scale) + 2, int((rect.right() - left) * scale) - 2):
        for y in range(int((rect.top() - top) * scale) + 2, int((rect.bottom() - top) * scale) - 2):
            seen.add(image.pixelColor(x, y).getRgb()[:3])
    return seen


def test_a_small_value_is_a_grid_of_numbers_when_its_cells_are_large_enough(qapp):
    value = np.array([[1.0, 2.0], [3.0, 4.0]])
    item = _item(qapp, value)
    body = item._badge_body(0)
    cell = min(body.width() / 2, body.height() / 2)
    large, small = 14.5 / cell, 13.0 / cell  # the scales where a cell is just over and just under 14 px
    assert item._number_font(0, large) is not None and item._number_font(0, small) is None
    # drawn: at the large scale the first cell holds its tint and its ink; below the limit, one flat tint
    rect, left, top = item.boundingRect(), item.boundingRect().left(), item.boundingRect().top()
    first = body.adjusted(0, 0, -body.width() / 2, -body.height() / 2)
    with_numbers = _colours_in(_render(item, large * 2), first, large * 2, left, top)
    assert {(0, 0, 0), (255, 255, 255)} & with_numbers and len(with_numbers) > 2
    image = _render(item, small)
    heatmap_cell = item._array_rect(0)  # where the heatmap went at this scale: square cells
    heatmap_cell.setSize(heatmap_cell.size() / 2)
    heatmap_cell.adjust(1, 1, -1, -1)
    assert len(_colours_in(image, heatmap_cell, small, left, top)) <= 2  # the tint (and an edge blend), no digits
    assert rect.isValid()


def test_seventeen_elements_are_a_heatmap_at_any_zoom(qapp):
    item = _item(qapp, np.arange(17.0).reshape(1, 17))
    assert item._number_font(0, 50.0) is None


def test_hovering_a_heatmap_reads_the_element(window, qtbot):
    """The mouse over h1's 5×4 value on the canvas: the tooltip names the element and its number."""
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.player.seek(len(window.player.run().trace) - 1)
    item = window.scene.nodes["h1"]
    qtbot.waitUntil(lambda: item._array_rect(0).isValid())
    rect = item._array_rect(0)
    rows, columns = item.look.value.shape
    where = QPointF(rect.left() + rect.width() * 2.5 / columns, rect.top() + rect.height() * 1.5 / rows)  # [1, 2]
    view = window.view
    view.centerOn(item)
    for nudge in (0, 1):  # a move onto the item, then a move over it: the hover events a mouse makes
        local = QPointF(view.mapFromScene(item.mapToScene(where)) + QPoint(nudge, 0))
        QApplication.sendEvent(
            view.viewport(),
            QMouseEvent(
                QEvent.Type.MouseMove,
                local,
                view.viewport().mapToGlobal(local),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
    qtbot.waitUntil(lambda: "[1, 2]" in item.toolTip(), timeout=2000)
    assert f"{item.look.value.array()[1, 2]:.6g}" in item.toolTip()  # read from the trace on demand


def test_index_axes_tick_at_integers():
    assert [label for _, label in integer_ticks(3)] == ["0", "1", "2"]
    assert all(position == int(position) for position, _ in integer_ticks(100))
    assert len(integer_ticks(100)) <= 8


def test_the_inspector_shows_a_small_arrays_numbers(qapp):
    view = ArrayView("W", "array_test")
    grid = np.array([[0.5, -1.25, 2.0], [3.0, 0.0, -4.5]])
    view.show_array(grid, diverging=True)
    assert [text.textItem.toPlainText() for text in view.numbers] == ["0.5", "−1.25", "2", "3", "0", "−4.5"]
    assert [(text.pos().x(), text.pos().y()) for text in view.numbers][:3] == [(0, 0), (1, 0), (2, 0)]
    assert view.plot.getAxis("bottom")._tickLevels[0] == [(0.0, "0"), (1.0, "1"), (2.0, "2")]
    view.show_array(np.arange(40.0).reshape(5, 8), diverging=False)
    assert view.numbers == []


def test_the_inspector_shows_a_scalar_as_its_number_not_a_one_cell_plot(qapp):
    view = ArrayView("loss", "array_test")
    view.show_array(np.array(-2.5183), diverging=False)
    assert view.scalar.isVisibleTo(view) and not view.canvas.isVisibleTo(view)
    assert view.scalar.text() == "−2.5183"
    view.show_array(np.array([[1.0, 2.0], [3.0, 4.0]]), diverging=False)  # an array again: the plot is back
    assert view.canvas.isVisibleTo(view) and not view.scalar.isVisibleTo(view)
    assert len(view.numbers) == 4
