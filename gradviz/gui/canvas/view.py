"""The view: zoom (wheel, keys, pinch), pan (middle drag, space + drag), fit, and the quick-add gesture."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QNativeGestureEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from gradviz.gui.canvas.scene import GraphScene

MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
FIT_LIMIT = 1.5
EMPTY_HINT = ("An empty graph.\n\nDrag an op from the palette, double-click here or press Tab to add one;\n"
              "drag from an output port to an input port to connect them.\nFile ▸ Examples has the lecture notes.")
GRID = 40


class GraphView(QGraphicsView):
    """The canvas widget. Emits ``quick_add_requested`` (Tab or a double-click on empty canvas)."""

    quick_add_requested = Signal(QPointF)
    play_toggle_requested = Signal()
    zoom_changed = Signal(float)

    def __init__(self, scene: GraphScene) -> None:
        super().__init__(scene)
        self.setObjectName("canvas")
        self.setAccessibleName("Graph canvas")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self._pan_from: QPointF | None = None
        self._space_down = False
        self._panned_with_space = False
        self._fitted = False  # refit on resize until the user zooms or pans by hand

    # ----- zoom ------------------------------------------------------------------------------------

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        self._fitted = False
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        self.scale(factor / self.zoom(), factor / self.zoom())
        self.zoom_changed.emit(factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.set_zoom(self.zoom() * (1.0015 ** event.angleDelta().y()))

    def event(self, event: object) -> bool:
        if isinstance(event, QNativeGestureEvent) and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.set_zoom(self.zoom() * (1 + event.value()))
            return True
        return super().event(event)

    def fit(self) -> None:
        """Everything in view, with a margin, enlarged up to 1.5× (small graphs read better from the back row)."""
        bounds = self.scene().itemsBoundingRect()
        if bounds.isEmpty():
            self.resetTransform()
            return
        self.fitInView(bounds.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > FIT_LIMIT:
            self.set_zoom(FIT_LIMIT)
            self.centerOn(bounds.center())
        self._fitted = True
        self.zoom_changed.emit(self.zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    # ----- pan and keys -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down, self._panned_with_space = True, False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom() * 1.2)
        elif key == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom() / 1.2)
        elif key == Qt.Key.Key_F and not event.modifiers():
            self.fit()
        elif key == Qt.Key.Key_Tab:
            self.quick_add_requested.emit(self.mapToScene(self.viewport().rect().center()))
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
        if event.button() == Qt.MouseButton.MiddleButton or (self._space_down and event.button() ==
                                                              Qt.MouseButton.LeftButton):
            self._pan_from = event.position()
            self._fitted = False
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
        if self.scene().node_at(point) is None:
            self.quick_add_requested.emit(point)
            return
        super().mouseDoubleClickEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.scene().nodes:
            return
        painter.save()
        painter.resetTransform()  # the hint sits in the middle of the window, whatever the zoom
        painter.setPen(self.scene().theme.muted_text)
        font = painter.font()
        font.setPointSizeF(13)
        painter.setFont(font)
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
        painter.restore()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        if self.zoom() < 0.4:
            return  # level of detail: a grid too fine to see costs time and adds noise
        painter.setPen(self.scene().theme.grid)
        left, top = int(rect.left()) - int(rect.left()) % GRID, int(rect.top()) - int(rect.top()) % GRID
        lines = [QPointF(x, rect.top()) for x in range(left, int(rect.right()) + 1, GRID)]
        for start in lines:
            painter.drawLine(start, QPointF(start.x(), rect.bottom()))
        for y in range(top, int(rect.bottom()) + 1, GRID):
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
