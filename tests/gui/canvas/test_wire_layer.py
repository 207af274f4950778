"""The wires' layer: plain wires are drawn by the scene into the view's cached background, so the picture
must follow every change of a wire (edits, moves, undo, a theme) and a step must mark its wires over it
without stroking the plain wires again."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPicture

from gradviz.gui.canvas.items import FORWARD_COLOUR, wire_pen
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.canvas.wire_layer import FLATNESS, MOST_SEGMENTS, WireLayer, _segments
from gradviz.gui.commands import MoveNodes, ReplaceNode
from gradviz.io.paths import EXAMPLES
from tests.gui.on_screen import on_screen
from tests.gui.window_setup import open_settled


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
    open_settled(window, qtbot, EXAMPLES / "linear_layer.json")  # the docks settle and the view refits
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


def _ink_on_screen(window, point: QPointF, colour: QColor, reach: int = 2) -> bool:
    """Whether the screen (as the repaints left it, not a new grab) shows ``colour`` near scene ``point``."""
    shown = on_screen(window.view)
    centre = window.view.mapFromScene(point)
    near = shown[centre.y() - reach : centre.y() + reach + 1, centre.x() - reach : centre.x() + reach + 1]
    wanted = np.array([colour.red(), colour.green(), colour.blue()])
    return bool((np.abs(near.astype(int) - wanted).sum(axis=2) < 40).any())


def test_a_step_marks_its_wires_over_the_plain_ones_kept_in_tiles(window, qtbot, monkeypatch):
    """Stepping forward into a: its two wires are drawn in the forward colour; the next step unmarks them.
    Once the tiles around them are made, neither step strokes the plain wires again."""
    scene = _opened(window, qtbot)
    trace = window.player.run().trace
    into_a = next(step.index for step in trace.steps if step.kind == "forward" and step.node.id == "a")
    window.player.seek(into_a - 1)  # stepping: the nodes take their stepping size
    window.view.set_zoom(0.7)  # the whole graph in view with room to spare: no step scrolls to follow its node
    window.view.centerOn(scene.itemsBoundingRect().center())
    assert window.view.mapToScene(window.view.viewport().rect()).boundingRect().contains(scene.itemsBoundingRect())
    for index in (into_a, into_a + 1, into_a - 1):  # the repaints these steps cause make their tiles
        window.player.seek(index)
        qtbot.wait(20)
    strokes: list[QRectF] = []
    real = GraphScene.draw_wires
    monkeypatch.setattr(
        GraphScene, "draw_wires", lambda self, painter, rect: strokes.append(rect) or real(self, painter, rect)
    )
    window.player.seek(into_a)
    qtbot.wait(20)
    for key in (("a", 0), ("a", 1)):
        assert _ink_on_screen(window, scene.edges[key].path().pointAtPercent(0.5), FORWARD_COLOUR)
    window.player.step()
    qtbot.wait(20)
    for key in (("a", 0), ("a", 1)):
        middle = scene.edges[key].path().pointAtPercent(0.5)
        assert not _ink_on_screen(window, middle, FORWARD_COLOUR)
        assert _ink_on_screen(window, middle, scene.theme.edge)
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


def _de_casteljau(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """A point of a Bézier curve by repeated interpolation: independent of the closed form the layer uses."""
    while len(points) > 1:
        points = [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in itertools.pairwise(points)]
    return points[0]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[st.floats(-5000, 5000)] * 4), min_size=1, max_size=6))
def test_the_pieces_of_a_wire_are_exactly_its_curve(ends):
    layer = WireLayer(ends)
    for wire, (x0, y0, x1, y1) in enumerate(ends):
        pull = max(40.0, abs(x1 - x0) / 2)
        curve = [(x0, y0), (x0 + pull, y0), (x1 - pull, y1), (x1, y1)]
        pieces = layer.pieces[layer.wire == wire]
        assert np.allclose(pieces[0, 0], (x0, y0)) and np.allclose(pieces[-1, 3], (x1, y1))
        assert np.allclose(pieces[1:, 0], pieces[:-1, 3])  # unbroken
        for index, piece in enumerate(pieces):
            for s in (0.25, 0.5, 0.75):  # a point inside the piece is the curve's at the matching parameter
                t = (index + s) / len(pieces)
                expected = _de_casteljau(curve, t)
                assert np.allclose(_de_casteljau([tuple(p) for p in piece], s), expected, atol=1e-6 * (1 + abs(pull)))


class _Counting(QPainter):
    """A painter that counts what the layer hands Qt: curve elements of paths, straight segments of lines."""

    def __init__(self, device) -> None:
        super().__init__(device)
        self.curves: list[int] = []
        self.segments: list[int] = []

    def drawPath(self, path):
        self.curves.append(path.elementCount())
        super().drawPath(path)

    def drawLines(self, lines, count):
        self.segments.append(count)
        super().drawLines(lines, count)


def test_a_paint_strokes_only_the_wires_its_rect_crosses(qapp):
    """Two long wires far apart; painting a rect on the first draws it there and never the other."""
    layer = WireLayer([(0.0, 0.0, 4000.0, 0.0), (0.0, 1000.0, 4000.0, 1000.0)])
    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = _Counting(image)
    painter.translate(-1800, 200)  # the rect (1800, -200, 400, 400) fills the image
    layer.draw(painter, QRectF(1800, -200, 400, 400), wire_pen(QColor("black")))
    painter.end()
    assert image.pixelColor(200, 200).lightness() < 128  # the first wire, through the middle of the rect
    assert image.pixelColor(200, 5).lightness() == 255  # nothing else
    # three pieces of one wire, a few segments each (one drawing call); both wires whole are 34 pieces
    assert painter.curves == [] and len(painter.segments) == 1 and painter.segments[0] < 12


WAVY = [(0.0, 0.0, 300.0, 120.0), (0.0, 150.0, 60.0, 10.0), (250.0, 40.0, 20.0, 160.0)]  # a wire back left too


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(*[st.floats(-3000, 3000)] * 4), min_size=1, max_size=4),
    st.floats(0.05, 8.0),
)
def test_the_straight_segments_of_a_wide_wire_stay_within_flatness_of_its_curve(ends, zoom):
    """Each piece is cut evenly in its parameter, and each segment, read as the line from its start to its
    end in that parameter, is within FLATNESS device pixels of the curve (by de Casteljau, not the layer's
    closed form) at every parameter it spans, unless the piece is cut into the most segments allowed."""
    layer = WireLayer(ends)
    each = [_segments(piece[None], zoom) for piece in layer.pieces]
    assert np.array_equal(_segments(layer.pieces, zoom), np.concatenate(each))  # pieces are cut alike together
    for piece, segments in zip(layer.pieces, each, strict=True):
        controls = [tuple(point) for point in piece]
        count = len(segments)
        assert np.allclose(segments[0, :2], piece[0]) and np.allclose(segments[-1, 2:], piece[3])
        assert np.allclose(segments[1:, :2], segments[:-1, 2:])  # unbroken
        for index, segment in enumerate(segments):
            start, end = segment[:2], segment[2:]
            for s in (0.1, 0.3, 0.5, 0.7, 0.9):
                curve = np.array(_de_casteljau(controls, (index + s) / count))
                chord = start + s * (end - start)
                assert np.linalg.norm(curve - chord) * zoom <= FLATNESS * (1 + 1e-9) + 1e-9 or count == MOST_SEGMENTS


def _wires_image(layer: WireLayer, zoom: float, pen, as_curves: bool) -> np.ndarray:
    """The layer's wires at ``zoom`` on white: drawn straight on a raster image, or (``as_curves``) recorded
    on a vector device (a QPicture, where the layer keeps its curves) and played back, for Qt to stroke them."""
    image = QImage(int(320 * zoom) + 40, int(180 * zoom) + 40, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    exposed = QRectF(-20 / zoom, -20 / zoom, image.width() / zoom, image.height() / zoom)
    painter = QPainter(image)
    painter.scale(zoom, zoom)
    painter.translate(20 / zoom, 20 / zoom)
    if as_curves:
        picture = QPicture()
        recorder = _Counting(picture)
        layer.draw(recorder, exposed, pen)
        recorder.end()
        assert recorder.curves and not recorder.segments  # a vector device keeps the curves
        painter.drawPicture(0, 0, picture)
    else:
        layer.draw(painter, exposed, pen)
    painter.end()
    shown = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return 255 - shown[:, : image.width(), 1].astype(int)  # ink: how much darker than white (green channel)


@pytest.mark.parametrize("zoom", [0.6, 1.0, 2.5, 6.0])
def test_a_wide_wire_drawn_straight_is_the_picture_of_its_curve(qapp, zoom):
    """Against Qt stroking the curves themselves: the same ink, the same pixels inked up to the shade of an
    edge pixel, and no seam where two segments meet (no pixel on a curve's centre line lighter than Qt's)."""
    layer = WireLayer(WAVY)
    pen = wire_pen(QColor("black"))
    straight, curved = _wires_image(layer, zoom, pen, False), _wires_image(layer, zoom, pen, True)
    # the same ink within 6 %: where two segments overlap (square caps), the shaded pixels at the wire's edges
    # are shaded twice (measured: 2 % more ink at 6×, 5 % at 0.5×)
    assert abs(straight.sum() - curved.sum()) <= 0.06 * curved.sum()
    inked = (straight > 32) | (curved > 32)
    rows, columns = np.indices(straight.shape)
    for x0, y0, x1, y1 in WAVY:  # away from the ends: square there, round in Qt's stroke (under a port on the canvas)
        for x, y in ((x0, y0), (x1, y1)):
            inked &= np.hypot(columns - (x * zoom + 20), rows - (y * zoom + 20)) > pen.widthF() * zoom
    # differences are in the shades of edge pixels: the segments stray up to FLATNESS from the curve, as Qt's
    # own flattening of it does, so an edge pixel's shade may differ by up to about half the range
    assert (np.abs(straight - curved)[inked] > 128).mean() < 0.01
    for x0, y0, x1, y1 in WAVY:
        pull = max(40.0, abs(x1 - x0) / 2)
        curve = [(x0, y0), (x0 + pull, y0), (x1 - pull, y1), (x1, y1)]
        for t in np.linspace(0.05, 0.95, 400):
            x, y = _de_casteljau(curve, float(t))
            row, column = int(y * zoom + 20), int(x * zoom + 20)
            assert straight[row, column] >= curved[row, column] - 24  # no seam: a joint's pixels are not lighter
