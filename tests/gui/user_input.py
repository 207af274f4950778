"""Input as a user gives it, for tests driving the real window: QTest mouse and key events on the canvas's
viewport and on widgets, with the few gestures QTest cannot send as they come from a mouse or keyboard
(a double-click, non-ASCII text, a drop from another widget) built from the events a desktop delivers."""

from __future__ import annotations

import random

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QTabBar, QWidget

from gradviz.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def double_click(widget: QWidget, where: QPoint) -> None:
    """Press, release, double-click, release: what a mouse sends. (QTest.mouseDClick alone, in this Qt,
    sends the double-click event only and leaves the button down, so the next move would drag.)"""
    QTest.mouseClick(widget, LEFT, NONE, where)
    QTest.mouseDClick(widget, LEFT, NONE, where)
    QTest.mouseRelease(widget, LEFT, NONE, where)


def type_text(widget: QWidget, text: str) -> None:
    """Key presses for ``text``; QTest.keyClicks handles ASCII only (it aborts on ×), so other
    characters are sent as the key events an input method delivers: no key code, just the text."""
    for character in text:
        if character.isascii():
            QTest.keyClicks(widget, character)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, NONE, character))


class UserInput:
    """Where things are on the window, and the mouse and key gestures on them."""

    def __init__(self, window: MainWindow, rng: random.Random) -> None:
        self.window, self.rng = window, rng

    def pump(self, rounds: int = 3) -> None:
        for _ in range(rounds):
            QApplication.processEvents()

    @property
    def viewport(self) -> QWidget:
        return self.window.view.viewport()

    def on_screen(self, point: QPointF) -> QPoint | None:
        """``point`` (scene) in viewport pixels, if it is in view (a margin from the edge)."""
        pixel = self.window.view.mapFromScene(point)
        return pixel if self.viewport.rect().adjusted(4, 4, -4, -4).contains(pixel) else None

    def random_pixel(self) -> QPoint:
        rect = self.viewport.rect()
        return QPoint(self.rng.randint(5, max(5, rect.width() - 5)), self.rng.randint(5, max(5, rect.height() - 5)))

    def node_ids(self) -> list[str]:
        return list(self.window.scene.nodes)

    def title_point(self, node_id: str) -> QPointF:
        item = self.window.scene.nodes[node_id]
        return item.mapToScene(QPointF(60.0, 40.0))  # the name row: no port there

    def drag(self, start: QPoint, end: QPoint, modifiers: Qt.KeyboardModifier = NONE) -> None:
        QTest.mousePress(self.viewport, LEFT, modifiers, start)
        for fraction in (0.1, 0.5, 1.0):
            QTest.mouseMove(self.viewport, start + (end - start) * fraction)
        QTest.mouseRelease(self.viewport, LEFT, modifiers, end)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE, widget: QWidget | None = None) -> None:
        QTest.keyClick(widget or self.viewport, key, modifiers)

    def raise_tab(self, title: str) -> None:
        """Click the dock tab called ``title`` (Ops, Inspector, Training), as a user brings it forward."""
        for bar in self.window.findChildren(QTabBar):
            for index in range(bar.count()):
                if bar.tabText(index) == title and bar.isVisible():
                    QTest.mouseClick(bar, LEFT, NONE, bar.tabRect(index).center())
                    return

    def shown(self, widget: QWidget) -> bool:
        """Scroll ``widget`` into its panel's view; False if it cannot be seen (its dock is hidden)."""
        area = widget.parent()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parent()
        if area is not None:
            area.ensureWidgetVisible(widget)
        return widget.isVisible()

    def type_into(self, field: QWidget, text: str) -> None:
        QTest.mouseClick(field, LEFT, NONE, field.rect().center())
        QTest.keyClick(field, Qt.Key.Key_A, CTRL)
        type_text(field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)

    def drop(self, mime: QMimeData, target: QPoint) -> None:
        """What the window system delivers to the canvas when a drag enters, moves over it and drops."""
        copy = Qt.DropAction.CopyAction
        for event in (
            QDragEnterEvent(target, copy, mime, LEFT, NONE),
            QDragMoveEvent(target, copy, mime, LEFT, NONE),
            QDropEvent(QPointF(target), copy, mime, LEFT, NONE),
        ):
            QApplication.sendEvent(self.viewport, event)

    def ensure_in_view(self, points: list[QPointF]) -> list[QPoint] | None:
        pixels = [self.on_screen(point) for point in points]
        if None in pixels:
            self.key(Qt.Key.Key_F)  # the user fits the graph to see both ends
            self.pump()
            pixels = [self.on_screen(point) for point in points]
        return None if None in pixels else pixels
