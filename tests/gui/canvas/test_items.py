"""How a node looks at every zoom: cached boxes where its names stop being legible, drawn by Qt alone and
still showing its colours; its captions."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QTransform
from PySide6.QtWidgets import QApplication

from gradviz.gui.canvas.items import BOX_SCALE, ArrayLook, NodeItem, NodeLook, box_level, boxes_below
from gradviz.gui.canvas.node_text import LEGIBLE_PX, em_pixels
from gradviz.gui.commands import MoveNodes
from gradviz.gui.theme import LIGHT
from gradviz.io.paths import EXAMPLES
from tests.gui.on_screen import left_behind
from tests.gui.window_setup import nodes_in_view, scrolled_by_its_bars


def test_nodes_become_cached_boxes_exactly_where_their_names_stop_being_legible(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    names_go = LEGIBLE_PX / em_pixels(13, bold=True)
    for zoom, boxes in ((names_go * 1.05, False), (names_go * 0.95, True), (names_go * 1.05, False)):
        window.view.set_zoom(zoom)
        window.view.viewport().grab()  # a real paint: the view tells the scene its zoom as it paints
        assert {item._boxes for item in window.scene.nodes.values()} == {boxes}


def test_a_box_picture_is_halved_until_it_is_under_twice_the_size_it_is_drawn_at(window, qtbot):
    """Mip levels: Qt's smooth scaling of a zoomed-out node reads at most twice the pixels it draws; the
    picture is made again at every level the zoom crosses, and a node added meanwhile takes the level."""
    made_at = boxes_below() * BOX_SCALE  # the zoom a box picture is drawn for
    assert box_level(made_at) == 0 and box_level(made_at * 0.51) == 0
    assert box_level(made_at / 2) == 1 and box_level(made_at / 4.1) == 2
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    opened = len(window.scene.nodes)
    for zoom in (made_at * 0.9, made_at * 0.3, made_at * 0.12, made_at * 0.6):
        window.view.set_zoom(zoom)
        window.view.viewport().grab()  # a real paint: the view tells the scene its zoom as it paints
        if zoom == made_at * 0.3:
            window.scene.add_op("exp", QPointF(0, 0))  # added at level 1
            window.view.viewport().grab()
        for item in window.scene.nodes.values():
            drawn = item.boundingRect().width() * window.view.zoom()
            assert drawn - 1 <= item._box_item.pixmap().width() < 2 * drawn + 1
    assert len(window.scene.nodes) == opened + 1


def test_zoomed_out_nodes_are_drawn_by_qt_alone_and_still_take_clicks(window, qtbot, monkeypatch):
    """Box pictures are child pixmap items drawn by Qt, so a zoomed-out repaint calls no node's Python
    paint; the node itself still takes the click (the picture lies behind it, mouse-transparent)."""
    from PySide6.QtCore import Qt  # noqa: PLC0415

    from gradviz.gui.canvas.items import NodeItem  # noqa: PLC0415

    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    item = window.scene.nodes["W"]
    window.view.set_zoom(0.15)
    window.view.centerOn(item)
    window.view.viewport().grab()
    assert item.boxes
    painted: list[str] = []
    real_paint = NodeItem.paint
    monkeypatch.setattr(NodeItem, "paint", lambda self, *args: painted.append(self.node_id) or real_paint(self, *args))
    window.view.viewport().grab()
    assert painted == []
    centre = item.mapToScene(item.boundingRect().center())
    assert window.scene.node_at(centre) is item
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.mapFromScene(centre))
    assert window.scene.selectedItems() == [item]
    window.view.set_zoom(1.0)  # zoomed in again, the node draws itself as vectors
    window.view.centerOn(item)
    window.view.viewport().grab()
    assert not item.boxes and "W" in painted


def _h1_at_the_end(window, qtbot) -> NodeItem:
    """The mlp example shown at its last step, and its h1 node (a 5×4 value and bar)."""
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.player.seek(len(window.player.run().trace) - 1)
    return window.scene.nodes["h1"]


def test_zoomed_out_nodes_still_show_their_badge_colours(window, qtbot):
    """Below legible text a node is its box and its heatmaps: the colours a student follows."""
    item = _h1_at_the_end(window, qtbot)
    window.view.set_zoom(0.2)  # every node's text is under LEGIBLE_PX here
    window.view.centerOn(item)
    image = window.view.viewport().grab().toImage()
    centre = window.view.mapFromScene(item.mapToScene(item._array_rect(0).center()))
    expected = item._badges[0].image.pixelColor(item._badges[0].image.width() // 2, item._badges[0].image.height() // 2)
    shown = image.pixelColor(centre)
    assert abs(shown.red() - expected.red()) + abs(shown.green() - expected.green()) < 90


def test_the_bar_caption_has_its_line_over_the_name(qapp):
    """The second caption reads x̄: one line, as long as the name, in the caption's own row above the
    letters (the line once landed a row higher, under the ports)."""
    from PySide6.QtGui import QColor, QImage, QPainter, QTransform  # noqa: PLC0415

    from gradviz.gui.canvas.items import ArrayLook, NodeItem, NodeLook  # noqa: PLC0415
    from gradviz.gui.theme import LIGHT  # noqa: PLC0415

    item = NodeItem("w", LIGHT)
    item.set_look(
        NodeLook(
            "parameter",
            "source",
            "weights",
            (),
            "3×4",
            None,
            False,
            stepping=True,
            value=ArrayLook.of(np.ones((3, 4)), False),
            bar=ArrayLook.of(np.ones((3, 4)), True),
        )
    )
    scale = 3.0
    rect = item.boundingRect()
    image = QImage(int(rect.width() * scale) + 2, int(rect.height() * scale) + 2, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setTransform(QTransform.fromScale(scale, scale).translate(-rect.left(), -rect.top()))
    item.paint(painter, None)
    painter.end()
    body = item._badge_body(1)
    caption = item._texts.captions[1]
    left, right = int((body.left() - rect.left()) * scale), int((body.left() + caption.width - rect.left()) * scale)

    def inked(y: int) -> float:
        return sum(image.pixelColor(x, y).lightness() < 200 for x in range(left + 2, right - 2)) / (right - left - 4)

    rows = range(int((body.top() - 15 - rect.top()) * scale), int((body.top() - 1 - rect.top()) * scale))
    lines = [y for y in rows if inked(y) > 0.9]  # a row inked across the whole name: the bar
    assert lines, "no line over the name in the caption's row"
    letters = [y for y in rows if 0.05 < inked(y) < 0.9]
    assert max(lines) < min(letters)  # above the letters
    divider = int((item.ports_bottom() - rect.top()) * scale)  # the line between the ports and the badges
    above = [*range(divider - 45, divider - 3), *range(divider + 4, rows.start)]
    assert not [y for y in above if inked(y) > 0.9]  # and not a row higher


def _item(qapp, value: np.ndarray) -> NodeItem:
    item = NodeItem("v", LIGHT)
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
    item = _h1_at_the_end(window, qtbot)
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


def test_a_node_moved_after_the_view_scrolled_leaves_no_picture_behind(window, qtbot):
    """Nor do its wires: the background tiles they crossed are drawn again."""
    view = scrolled_by_its_bars(window, qtbot)
    node = nodes_in_view(window)[0].node_id
    x, y = window.document.positions[node]
    window.undo_stack.push(MoveNodes(window.document, {node: ((x, y), (x, y + 90.0))}))
    qtbot.wait(20)
    assert left_behind(view) == 0
    window.undo_stack.undo()
    qtbot.wait(20)
    assert left_behind(view) == 0


def test_a_node_deleted_or_shrunk_after_the_view_scrolled_leaves_no_picture_behind(window, qtbot):
    view = scrolled_by_its_bars(window, qtbot)
    in_view = nodes_in_view(window)
    window.player.seek(window.player.run().last)  # the nodes grow to show their arrays
    qtbot.wait(20)
    for _ in range(3):
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() - 40)
        qtbot.wait(20)
    window.player.seek(-1)  # before the first step: the nodes shrink back
    qtbot.wait(20)
    assert left_behind(view) == 0
    window.scene.clearSelection()
    in_view[0].setSelected(True)
    window.edits.delete_selected()
    qtbot.wait(20)
    assert left_behind(view) == 0


def test_nodes_that_look_alike_share_a_box_picture_and_it_is_the_one_each_would_paint(window, qtbot):
    """Zoomed out, nodes showing no array share one picture per look (box_pictures.py). Whatever a node
    shows (run or not, scalars, heatmaps, the current step, selected, a run error, dark), its picture is
    the one it paints for itself: the shared picture's key holds all that the picture shows."""
    window.show()
    qtbot.waitExposed(window)
    window.view.set_zoom(boxes_below() * BOX_SCALE * 0.9)  # boxes at mip level 0: the pictures as painted
    shared = []
    for example in ("chain_rule.json", "mlp_cross_entropy.json"):
        window.open_path(EXAMPLES / example)
        last = len(window.player.run().trace) - 1
        for index in (None, 0, 1, last // 2, last // 2 + 1, last):
            if index is not None:
                window.player.seek(index)
            for dark, selected in ((False, False), (True, True)):
                window.set_dark(dark)
                window.scene.clearSelection()
                if selected:  # every other node: selected nodes with unselected twins
                    for item in list(window.scene.nodes.values())[::2]:
                        item.setSelected(True)
                    window.scene.show_run_error(next(iter(window.scene.nodes)), "singular")
                window.view.viewport().grab()  # the view tells the scene its zoom as it paints
                for item in window.scene.nodes.values():
                    assert item.boxes and item._box_item.isVisible()
                    assert item._box_item.pixmap().toImage() == item._paint_picture().toImage(), (example, index)
                if index is None and not dark:  # as opened: no node shows an array yet
                    pictures = {item._box_item.pixmap().cacheKey() for item in window.scene.nodes.values()}
                    shared.append(len(pictures) < len(window.scene.nodes))
    assert shared == [True, True]
