"""The palette: every op from the registry, grouped by category, searchable, dragged onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from gradviz.engine.formula import render_unicode
from gradviz.engine.registry import CATEGORIES, all_ops
from gradviz.gui.canvas.scene import OP_MIME


class OpTree(QTreeWidget):
    """The tree of ops; dragging an op carries its name to the canvas."""

    def startDrag(self, actions: Qt.DropAction) -> None:
        item = self.currentItem()
        name = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if not name:
            return
        mime = QMimeData()
        mime.setData(OP_MIME, name.encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Search box over a category tree. ``op_chosen`` fires on double-click or Enter."""

    op_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("palette")
        self.setAccessibleName("Op palette")
        self.search = QLineEdit(placeholderText="Search ops…  (e.g. matmul, conv)")
        self.search.setObjectName("paletteSearch")
        self.search.setAccessibleName("Search ops")
        self.search.setClearButtonEnabled(True)
        self.tree = OpTree()
        self.tree.setObjectName("paletteTree")
        self.tree.setAccessibleName("Ops by category")
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._items: list[QTreeWidgetItem] = []  # the ops' items, in the registry's order
        self._groups: dict[str, tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = {}  # category: its item, its ops'
        self._fill()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._choose_first_visible)
        self.tree.itemActivated.connect(self._activated)

    def _fill(self) -> None:
        self._groups = {category: (QTreeWidgetItem([category.capitalize()]), []) for category in CATEGORIES}
        for group, _ in self._groups.values():
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
        for op in all_ops():
            item = QTreeWidgetItem([op.name])
            item.setData(0, Qt.ItemDataRole.UserRole, op.name)
            item.setToolTip(0, f"{render_unicode(op.formula)}\n{op.doc}")
            group, members = self._groups[op.category]
            group.addChild(item)
            members.append(item)
            self._items.append(item)
        self.tree.expandAll()

    def filter(self, text: str) -> None:
        """Show the ops whose name, category or description contain ``text``."""
        needle = text.strip().lower()
        for group, members in self._groups.values():
            for item in members:
                haystack = f"{item.text(0)} {group.text(0)} {item.toolTip(0)}".lower()
                item.setHidden(bool(needle) and needle not in haystack)
            group.setHidden(all(item.isHidden() for item in members))

    def visible_ops(self) -> list[str]:
        return [item.text(0) for item in self._items if not item.isHidden()]

    def _choose_first_visible(self) -> None:
        visible = self.visible_ops()
        if visible:
            self.op_chosen.emit(visible[0])

    def _activated(self, item: QTreeWidgetItem) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name:
            self.op_chosen.emit(name)
