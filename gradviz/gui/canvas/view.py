"""The view: zoom (wheel, keys, pinch), pan (middle drag, space + drag), fit, and the quick-add gesture.

Fit is absolute (it sets the transform, never scales the current one), so a degenerate moment (a
viewport squeezed to nothing, a bounding box that is not finite) can never leave the canvas at zoom 0.
A fitted view hides its scroll bars: the graph is wholly in view, and a scroll bar appearing would
shrink the viewport, refit, hide the bar, grow the viewport, refit... forever at some widths.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView

from gradviz.gui.canvas.background_tiles import BackgroundTiles
from gradviz.gui.canvas.scene import GraphScene

MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
FIT_LIMIT = 1.5
FIT_MARGIN = 40.0
MIN_TEXT_PX = 10.0  # the smallest node text, on screen, at the zoom a graph opens at
SMALLEST_NODE_POINTS = 9.5  # items.py draws op names and port names at 9.5 pt, the smallest node text
EMPTY_HINT = (
    "An empty graph.\n\nDrag an op from the palette, double-click here or press Tab to add one;\n"
    "drag from an output port to an input port to connect them.\nFile ▸ Examples has the lecture notes."
)
GRID = 40

VIEW_GESTURES = [
    ("Space (tap)", "play or pause the steps"),
    ("Space + drag, or middle drag", "pan"),
    ("wheel, pinch", "zoom"),
    ("double-click the canvas", "quick add"),
    ("drag output port → input port", "connect (dropping on a used port replaces its wire)"),
    ("drag from a connected input port", "pick up that wire; drop it on empty canvas to disconnect"),
]


class GraphView(QGraphicsView):
    """The canvas widget. Emits ``quick_add_requested`` (Tab or a double-click on empty canvas)."""

    quick_add_requested = Signal(QPointF)
    play_toggle_requested = Signal()
    zoom_changed = Signal(float)

    def __init__(self, scene: GraphScene | None) -> None:
        super().__init__()
        self.setObjectName("canvas")
        self.setAccessibleName("Graph canvas")
        # smooth pixmaps: zoomed out, nodes are cached pictures shrunk by Qt (NodeItem.show_boxes)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # no CacheBackground: the background (grid and plain wires, GraphScene.draw_wires) is kept in tiles
        # around the viewport (background_tiles.py), which a step's small repaints blit; Qt's cache of the
        # viewport alone only added a copy of it to scroll and blit at every step a view follows (playing 500
        # nodes at the legible zoom at 60 steps/s: 40 % of a core with it, 34 % without)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._panned_with_space = False
        self._fitted = False  # refit on resize until the user zooms or pans by hand
        self._fitted_size = QSize()  # the viewport size of the last fit: refit only when it changes
        self._fitting = False  # hiding the scroll bars resizes the viewport at once: not a reason to refit
        self._tiles = BackgroundTiles(self._draw_background)  # the background beyond the viewport, see there
        if scene is not None:
            self.setScene(scene)

    def setScene(self, scene: QGraphicsScene | None) -> None:
        """Show ``scene``, a GraphScene (the view draws its grid, wires and hint from it), or nothing."""
        if scene is not None and not isinstance(scene, GraphScene):
            raise TypeError(f"a GraphView shows a GraphScene, not a {type(scene).__name__}")
        old = self.graph_scene()
        if old is not None:
            old.emptied.disconnect(self._hint_comes_or_goes)
            old.background_changed.disconnect(self._tiles.forget)
        super().setScene(scene)
        self._tiles.forget(QRectF())
        if scene is not None:
            # not Qt's changed(): connected, it turns off the views' direct updates from the items
            # (QGraphicsScenePrivate::_q_emitUpdated) and calls Python with every repaint's rects
            scene.emptied.connect(self._hint_comes_or_goes)
            scene.background_changed.connect(self._tiles.forget)

    def graph_scene(self) -> GraphScene | None:
        """The scene shown, or None (Qt's scene() is typed as never None, and as a plain QGraphicsScene)."""
        scene = self.scene()
        if scene is None:
            return None
        assert isinstance(scene, GraphScene), "setScene accepts only a GraphScene"
        return scene

    # ----- zoom ------------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        self._set_fitted(False)
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        if not math.isfinite(self.zoom()) or self.zoom() <= 0:
            self.resetTransform()
        self.scale(factor / self.zoom(), factor / self.zoom())
        self._detail_follows()
        self.zoom_changed.emit(factor)

    def readable_zoom(self) -> float:
        """The least zoom at which the smallest node text is MIN_TEXT_PX tall on this screen (its DPI)."""
        pixels = SMALLEST_NODE_POINTS * self.viewport().logicalDpiY() / 72.0
        return MIN_TEXT_PX / pixels

    def _set_fitted(self, fitted: bool) -> None:
        """A fitted view shows the whole graph and needs no scroll bars (see the module docstring); it
        shows exactly the rectangle fit chose. Unfitted, the view scrolls over the scene's whole rect."""
        if self._fitted and not fitted:
            centre = self.mapToScene(self.viewport().rect().center())
            self.setSceneRect(QRectF())
            self.centerOn(centre)
        self._fitted = fitted
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fitted else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.set_zoom(self.zoom() * (1.0015 ** event.angleDelta().y()))

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QNativeGestureEvent) and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.set_zoom(self.zoom() * (1 + event.value()))
            return True
        return super().event(event)

    def fit(self, readable: bool = False) -> None:
        """Everything in view, with a margin, enlarged up to 1.5× (small graphs read better from the back row).

        ``readable`` (how a graph opens): never below the zoom at which node text is legible; a graph too
        big for that is shown at that zoom, centred on the cost, and F fits it whole.
        """
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit(readable)
        finally:
            self._fitting = False

    def _fit(self, readable: bool) -> None:
        scene = self.graph_scene()
        if scene is None:
            return  # the comparing side's view between comparisons
        bounds = scene.itemsBoundingRect()
        if bounds.isEmpty() or not all(map(math.isfinite, (bounds.x(), bounds.y(), bounds.width(), bounds.height()))):
            self.resetTransform()
            self._set_fitted(False)
            return
        self._set_fitted(True)  # scroll bars off first: the viewport fitted into is the one that stays
        viewport = self.viewport().size()
        self._fitted_size = viewport
        if viewport.width() < 8 or viewport.height() < 8:
            return  # squeezed to nothing for a moment: fit again when it has a size (resizeEvent)
        framed = bounds.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        zoom = min(viewport.width() / framed.width(), viewport.height() / framed.height(), FIT_LIMIT)
        centre = bounds.center()
        if readable and zoom < self.readable_zoom():
            zoom = self.readable_zoom()
            self._set_fitted(False)  # the graph does not fit: scroll bars, and no refitting on resize
            cost = scene.nodes.get(scene.document.output or "")
            centre = cost.sceneBoundingRect().center() if cost is not None else centre
        if self._fitted:  # the scene may have grown elsewhere (QGraphicsScene never shrinks its rect): the
            # view shows exactly the viewport's worth around the graph, so the graph is centred whatever the rest
            visible = QRectF(0, 0, viewport.width() / zoom, viewport.height() / zoom)
            visible.moveCenter(centre)
            self.setSceneRect(visible)
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self.centerOn(centre)
        self._detail_follows()
        self.zoom_changed.emit(zoom)

    def keep_fitted(self) -> None:
        """A fitted view whose graph grew (nodes show their arrays once stepping starts) fits it again, so
        the node at the bottom is not cut off; a view the student zoomed or panned is left alone."""
        scene = self.graph_scene()
        if not self._fitted or scene is None:
            return
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if not visible.contains(scene.itemsBoundingRect()):
            self.fit()

    def follow(self, item: QGraphicsItem | None) -> None:
        """Scroll just enough to bring ``item`` (the current step's node) into view: a graph too big to fit
        at a legible size opens centred on the cost, and stepping would otherwise happen off screen."""
        if item is not None and not self._fitted:
            self.ensureVisible(item, 40, 40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted and self.viewport().size() != self._fitted_size:
            self.fit()

    # ----- pan and keys -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down, self._panned_with_space = True, False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key in VIEW_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            VIEW_KEYS[key][2](self)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        return False  # Tab belongs to quick add on the canvas

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().unsetCursor()
            if not self._panned_with_space:  # a tap, not a pan: play or pause
                self.play_toggle_requested.emit()
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space_down and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = event.position()
            self._set_fitted(False)
            self._panned_with_space = self._space_down
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = self.mapToScene(event.position().toPoint())
        scene = self.graph_scene()
        if scene is not None and scene.node_at(point) is None:
            self.quick_add_requested.emit(point)
            return
        super().mouseDoubleClickEvent(event)

    def _hint_comes_or_goes(self, _empty: bool) -> None:
        """The empty-graph hint is drawn over the whole viewport: repaint it all when it comes or goes
        (the smart update would only repaint around the new node and leave the rest of the hint)."""
        self.viewport().update()

    def _detail_follows(self) -> None:
        """The nodes take the detail of the new zoom now, before the repaint the zoom asks for: changed as
        the view paints, the items it changed (boxes shown, their pictures) asked for a second paint."""
        scene = self.graph_scene()
        if scene is not None:
            scene.paint_at(self.zoom())

    def paintEvent(self, event: QPaintEvent) -> None:
        self._detail_follows()  # whatever else changed the transform, the detail follows it (else nothing to do)
        super().paintEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        scene = self.graph_scene()
        if scene is None or scene.nodes:
            return
        painter.save()
        painter.resetTransform()  # the hint sits in the middle of the window, whatever the zoom
        painter.setPen(scene.theme.muted_text)
        font = painter.font()
        font.setPointSizeF(13)
        painter.setFont(font)
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
        painter.restore()

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The scene's background, the grid, then the wires over it (the scene alone draws no grid), from
        tiles kept around the viewport (canvas/background_tiles.py)."""
        if self.graph_scene() is None:
            super().drawBackground(painter, rect)
            return
        self._tiles.paint(painter, QRectF(rect), self.viewport().size())  # Qt passes a QRectF; the stubs allow a QRect

    def _draw_background(self, painter: QPainter, exposed: QRectF) -> None:
        """Fill, grid and wires in ``exposed``. A tile's painter comes without the view's hints: they are set
        here, so a tile draws what a direct paint does."""
        scene = self.graph_scene()
        if scene is None:
            return
        painter.setRenderHints(self.renderHints())
        painter.fillRect(exposed, scene.backgroundBrush())
        self._draw_grid(painter, exposed, scene.theme.grid)
        scene.draw_wires(painter, exposed)

    def _draw_grid(self, painter: QPainter, rect: QRectF, colour: QColor) -> None:
        if self.zoom() < 0.4:
            return  # level of detail: a grid too fine to see costs time and adds noise
        painter.setPen(colour)
        left, top = int(rect.left()) - int(rect.left()) % GRID, int(rect.top()) - int(rect.top()) % GRID
        lines = [QPointF(x, rect.top()) for x in range(left, int(rect.right()) + 1, GRID)]
        for start in lines:
            painter.drawLine(start, QPointF(start.x(), rect.bottom()))
        for y in range(top, int(rect.bottom()) + 1, GRID):
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))


# The keys the canvas itself answers to (besides the window's actions): one table, read by keyPressEvent
# and by Help ▸ Shortcuts, so the help cannot drift from what the keys do.
# Keyed by Qt.Key, an int enum: QKeyEvent.key() gives a plain int, and looks the entry up as one.
ViewKey = tuple[str, str, Callable[[GraphView], None]]
VIEW_KEYS: dict[int, ViewKey] = {
    Qt.Key.Key_Plus: ("+", "zoom in", lambda view: view.set_zoom(view.zoom() * 1.2)),
    Qt.Key.Key_Equal: ("=", "zoom in", lambda view: view.set_zoom(view.zoom() * 1.2)),
    Qt.Key.Key_Minus: ("−", "zoom out", lambda view: view.set_zoom(view.zoom() / 1.2)),
    Qt.Key.Key_Tab: (
        "Tab",
        "quick add: type an op's name, Enter",
        lambda view: view.quick_add_requested.emit(view.mapToScene(view.viewport().rect().center())),
    ),
}
