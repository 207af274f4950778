"""Quick add: Tab or a double-click on the canvas opens a search box; Enter places the op there."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QVBoxLayout, QWidget

from gradviz.engine.registry import all_ops


class QuickAdd(QFrame):
    """A small popup listing ops that match what is typed; ``chosen(op, scene position)``."""

    chosen = Signal(str, QPointF)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("quickAdd")
        self.setAccessibleName("Quick add an op")
        self.search = QLineEdit(placeholderText="Add an op…")
        self.search.setObjectName("quickAddSearch")
        self.search.setAccessibleName("Quick add search")
        self.results = QListWidget()
        self.results.setObjectName("quickAddList")
        self.results.setAccessibleName("Matching ops")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self.resize(260, 300)
        self._names = [op.name for op in all_ops()]
        self._where = QPointF()
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._accept)
        self.results.itemActivated.connect(lambda item: self._pick(item.text()))

    def open_at(self, scene_point: QPointF, screen_point: QPoint) -> None:
        self._where = scene_point
        self.search.clear()
        self._filter("")
        self.move(screen_point)
        self.show()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        matches = [name for name in self._names if needle in name] if needle else self._names
        matches.sort(key=lambda name: (not name.startswith(needle), name))  # prefix matches first
        self.results.clear()
        self.results.addItems(matches)
        if matches:
            self.results.setCurrentRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
            return
        super().keyPressEvent(event)

    def _accept(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._pick(item.text())

    def _pick(self, name: str) -> None:
        self.hide()
        self.chosen.emit(name, self._where)
