"""The canvas at scale: level of detail, caches that follow the values, steps that touch only their nodes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz.gui.canvas import badges
from gradviz.gui.canvas.node_text import LEGIBLE_PX, Label, em_pixels
from gradviz.gui.canvas.scene import nodes_of
from gradviz.gui.colormaps import cell_text
from gradviz.gui.commands import ReplaceNode
from gradviz.io.paths import EXAMPLES
from tests.gui.drawn_arrays import drawn

# ----- level of detail: text is drawn exactly where it is at least LEGIBLE_PX tall on screen ----------


def _texts_drawn(window, qtbot, monkeypatch, zoom: float) -> set[str]:
    """The lines of text the canvas draws at ``zoom``, read by spying on Label.draw during a real paint."""
    drawn: set[str] = set()
    real_draw = Label.draw

    def spy(self, painter, *args, **kwargs):
        drawn.add(self.static.text())
        return real_draw(self, painter, *args, **kwargs)

    window.view.set_zoom(zoom)
    window.view.centerOn(window.scene.nodes["W"])
    monkeypatch.setattr(Label, "draw", spy)
    window.view.viewport().grab()  # a real paint through the view at that zoom
    monkeypatch.setattr(Label, "draw", real_draw)
    return drawn


def test_node_names_are_drawn_down_to_the_stated_size_and_not_below(window, qtbot, monkeypatch):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    threshold = LEGIBLE_PX / em_pixels(13, bold=True)  # the zoom at which a node's name is LEGIBLE_PX tall
    assert "W" in _texts_drawn(window, qtbot, monkeypatch, threshold * 1.05)
    assert "W" not in _texts_drawn(window, qtbot, monkeypatch, threshold * 0.95)
    small = LEGIBLE_PX / em_pixels(9.5)  # port names and op names, the smallest node text
    assert "parameter" in _texts_drawn(window, qtbot, monkeypatch, small * 1.05)
    assert "parameter" not in _texts_drawn(window, qtbot, monkeypatch, small * 0.95)
    assert "parameter" in _texts_drawn(window, qtbot, monkeypatch, window.view.readable_zoom())  # as a graph opens


def test_nodes_become_cached_boxes_exactly_where_their_names_stop_being_legible(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    names_go = LEGIBLE_PX / em_pixels(13, bold=True)
    for zoom, boxes in ((names_go * 1.05, False), (names_go * 0.95, True), (names_go * 1.05, False)):
        window.view.set_zoom(zoom)
        window.view.viewport().grab()  # a real paint: the view tells the scene its zoom as it paints
        assert {item._boxes for item in window.scene.nodes.values()} == {boxes}


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


def test_exporting_a_zoomed_out_canvas_still_draws_every_text(window, qtbot, monkeypatch):
    """Box pictures are for the screen at small zooms: an export draws the nodes whole, as vectors."""
    from gradviz.gui.render import scene_image  # noqa: PLC0415

    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.view.set_zoom(0.15)
    window.view.viewport().grab()
    assert window.scene.nodes["W"]._boxes
    drawn: set[str] = set()
    real_draw = Label.draw

    def spy(self, painter, *args, **kwargs):
        drawn.add(self.static.text())
        return real_draw(self, painter, *args, **kwargs)

    monkeypatch.setattr(Label, "draw", spy)
    scene_image(window.scene, 1.0)
    assert {"W", "parameter", "matmul"} <= drawn


def test_zoomed_out_nodes_still_show_their_badge_colours(window, qtbot):
    """Below legible text a node is its box and its heatmaps: the colours a student follows."""
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.player.seek(len(window.player.run().trace) - 1)
    item = window.scene.nodes["h1"]
    window.view.set_zoom(0.2)  # every node's text is under LEGIBLE_PX here
    window.view.centerOn(item)
    image = window.view.viewport().grab().toImage()
    centre = window.view.mapFromScene(item.mapToScene(item._array_rect(0).center()))
    expected = item._badges[0].image.pixelColor(item._badges[0].image.width() // 2, item._badges[0].image.height() // 2)
    shown = image.pixelColor(centre)
    assert abs(shown.red() - expected.red()) + abs(shown.green() - expected.green()) < 90


# ----- caches follow the values ----------------------------------------------------------------------


def test_a_stepped_heatmap_shows_new_numbers_after_an_edit(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.player.seek(len(window.player.run().trace) - 1)
    item = window.scene.nodes["W"]
    spec = window.document.nodes["W"]
    new = np.asarray(spec.value, dtype=float) * 3 + 0.5
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(spec, value=new.tolist()), "W"))
    window.run.retrace()  # what the retrace timer does a moment after the edit
    assert np.array_equal(item.look.value.array(), new)
    assert item._badges[0].numbers[0] == tuple(cell_text(number) for number in new.ravel())


def test_a_read_only_arrays_badge_is_shared_and_a_writeable_ones_is_not(qapp):
    frozen = np.arange(6.0).reshape(2, 3)
    frozen.setflags(write=False)
    assert badges.badge_for(frozen, False) is badges.badge_for(frozen, False)
    assert badges.badge_for(frozen, True) is not badges.badge_for(frozen, False)  # another colour map
    loose = np.arange(6.0).reshape(2, 3)
    first = badges.badge_for(loose, False)
    loose[0, 0] = 100.0  # changed in place: the cache must not show the old numbers
    assert badges.badge_for(loose, False).numbers[0][0] == cell_text(100.0) != first.numbers[0][0]


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, st.integers(1, 16), elements=st.floats(-1e6, 1e6)))
def test_a_cached_badge_reads_what_its_array_holds(qapp, values):
    values.setflags(write=False)
    badge = badges.badge_for(values, False)
    assert badge.numbers[0] == tuple(cell_text(number) for number in values.ravel())
    assert (badge.image.width(), badge.image.height()) == (values.size, 1)


# ----- a step touches only its nodes -----------------------------------------------------------------


def test_one_step_rebuilds_only_the_nodes_it_is_about(window):
    """→ moves one told step, which may span an edge and its addition: what it rebuilds is the nodes of the
    step left and the step reached, and those the exact steps in between computed or added into."""
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    playback = window.player.run()
    trace, story, scene = playback.trace, playback.story, window.scene
    window.player.seek(0)
    while not playback.at_end:
        before = {node_id: item.looks_set for node_id, item in scene.nodes.items()}
        built, old = scene.looks_built, window.player.index
        window.player.step()
        new = window.player.index
        about = {
            *nodes_of(story.shown_step(old)),
            *nodes_of(story.shown_step(new)),
            *(node_id for step in trace.steps[old + 1 : new + 1] for node_id in nodes_of(step)),
        }
        assert scene.looks_built - built <= len(about) <= 4
        changed = {node_id for node_id, item in scene.nodes.items() if item.looks_set != before[node_id]}
        assert changed <= about


def test_a_jump_redraws_every_node(window):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.player.seek(3)
    built = window.scene.looks_built
    window.player.seek(len(window.player.run().trace) - 1)
    assert window.scene.looks_built - built == len(window.scene.nodes)


@pytest.mark.parametrize("mode", ["forward mode", "reverse mode"])
def test_stepping_one_by_one_shows_what_the_trace_says(window, mode):
    """Forward mode too, across its passes (each starts its tangents afresh): after every told step, back
    and forth, each node shows exactly the state's arrays, and the step marked is the one the timeline
    tells (at an addition, the edge it ends)."""
    window.open_path(EXAMPLES / "linear_layer.json")
    window.timeline.mode.setCurrentText(mode)
    playback = window.player.run()
    trace = playback.trace
    ends = [told.index for told in playback.story.told]  # a seek lands where its told step ends
    window.player.seek(0)
    for index in [*ends[1:], *reversed(ends[:-1])]:
        window.player.seek(index)
        assert window.player.index == index
        state, step = trace.state(index), playback.story.shown_step(index)
        colour = "forward" if step.kind in ("forward", "tangent") else "backward"
        for node_id, item in window.scene.nodes.items():
            assert drawn(item.look.value) is state.values.get(node_id)
            assert drawn(item.look.bar) is state.bars.get(node_id)
            assert item.look.highlight == (colour if node_id in nodes_of(step) else None)


def test_the_bar_caption_has_its_line_over_the_name(qapp):
    """The second caption reads x̄: one line, as long as the name, in the caption's own row above the
    letters (the line once landed a row higher, under the ports)."""
    from PySide6.QtGui import QColor, QImage, QPainter, QTransform  # noqa: PLC0415

    from gradviz.gui.canvas.items import ArrayLook, NodeItem, NodeLook  # noqa: PLC0415
    from gradviz.gui.theme import LIGHT  # noqa: PLC0415

    item = NodeItem("w", LIGHT, lambda _: None)
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
