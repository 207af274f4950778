"""The wires' layer: plain wires are drawn by the scene into the view's cached background, so the picture
must follow every change of a wire (edits, moves, undo, a theme) and a step must mark its wires over it
without stroking the plain wires again."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor

from gradviz.gui.canvas.items import FORWARD_COLOUR
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.commands import MoveNodes, ReplaceNode
from gradviz.io.paths import EXAMPLES


def _ink_near(window, point: QPointF, colour: QColor, reach: int = 2) -> bool:
    """Whether the canvas shows ``colour`` (within a small tolerance) within ``reach`` pixels of scene ``point``."""
    image = window.view.viewport().grab().toImage()
    centre = window.view.mapFromScene(point)
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            shown = image.pixelColor(centre.x() + dx, centre.y() + dy)
            if (
                abs(shown.red() - colour.red())
                + abs(shown.green() - colour.green())
                + abs(shown.blue() - colour.blue())
                < 40
            ):
                return True
    return False


def _opened(window, qtbot):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    qtbot.wait(50)  # the docks settle and the view refits
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.nodes["a"].sceneBoundingRect().bottomLeft())  # a, x and their wires
    return window.scene


def test_the_picture_follows_a_wire_removed_restored_and_moved(window, qtbot):
    scene = _opened(window, qtbot)
    edge = scene.theme.edge
    middle = scene.edges[("a", 1)].path().pointAtPercent(0.5)  # x → a, between the two columns
    assert _ink_near(window, middle, edge)
    window.undo_stack.push(ReplaceNode(window.document, window.document.with_input("a", 1, None), "cut"))
    assert ("a", 1) not in scene.edges
    assert not _ink_near(window, middle, edge)
    window.undo_stack.undo()
    assert _ink_near(window, middle, edge)
    x, y = window.document.positions["x"]
    window.undo_stack.push(MoveNodes(window.document, {"x": ((x, y), (x, y + 120.0))}))
    moved = scene.edges[("a", 1)].path().pointAtPercent(0.5)
    assert (moved - middle).manhattanLength() > 30
    assert _ink_near(window, moved, edge)
    assert not _ink_near(window, middle, edge)


def test_a_wire_dragged_from_a_port_is_drawn_while_it_hangs(window, qtbot):
    scene = _opened(window, qtbot)
    item = scene.nodes["W"]
    start = item.mapToScene(item.output_port())
    qtbot.mousePress(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.mapFromScene(start))
    end = start + QPointF(0, 150)  # straight down, over empty canvas
    qtbot.mouseMove(window.view.viewport(), window.view.mapFromScene(end))
    assert scene._wire is not None and scene._wire.isVisible()
    assert _ink_near(window, scene._wire.path().pointAtPercent(0.5), scene.theme.selection)
    qtbot.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.mapFromScene(end))
    assert scene._wire is None


def test_a_step_marks_its_wires_over_the_cached_plain_ones(window, qtbot, monkeypatch):
    """Stepping forward into a: its two wires are drawn in the forward colour; the next step unmarks them;
    neither step strokes the plain wires again (the view's background cache has them)."""
    scene = _opened(window, qtbot)
    trace = window.player.run().trace
    into_a = next(step.index for step in trace.steps if step.kind == "forward" and step.node.id == "a")
    window.player.seek(into_a - 1)
    window.view.centerOn(scene.nodes["a"].sceneBoundingRect().bottomLeft())
    window.view.viewport().grab()
    strokes: list[QRectF] = []
    real = GraphScene.draw_wires
    monkeypatch.setattr(
        GraphScene, "draw_wires", lambda self, painter, rect: strokes.append(rect) or real(self, painter, rect)
    )
    window.player.seek(into_a)
    for key in (("a", 0), ("a", 1)):
        assert _ink_near(window, scene.edges[key].path().pointAtPercent(0.5), FORWARD_COLOUR)
    window.player.step()
    for key in (("a", 0), ("a", 1)):
        middle = scene.edges[key].path().pointAtPercent(0.5)
        assert not _ink_near(window, middle, FORWARD_COLOUR)
        assert _ink_near(window, middle, scene.theme.edge)
    assert strokes == []


def test_dark_mode_redraws_the_wires_and_the_grid_in_its_colours(window, qtbot):
    scene = _opened(window, qtbot)
    middle = scene.edges[("a", 1)].path().pointAtPercent(0.5)
    light = scene.theme
    window.set_dark(True)
    dark = scene.theme
    assert dark.edge != light.edge and dark.background != light.background
    assert _ink_near(window, middle, dark.edge)
    corner = window.view.viewport().grab().toImage().pixelColor(3, 3)  # empty canvas in the corner
    assert abs(corner.lightness() - dark.background.lightness()) < 30
