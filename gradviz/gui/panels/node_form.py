"""The node form: the selected node's name, attributes and (for sources) value, edited in place.

The attribute form is generated from the op's declared attributes, so a new op needs no form code.
Every edit becomes one undo command; the form then follows the document, never itself.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import GradvizError
from gradviz.engine.formula import render_unicode
from gradviz.engine.ops._common import show
from gradviz.engine.registry import find_op
from gradviz.gui.commands import ReplaceNode, SetOutput
from gradviz.gui.notation import plain, rich
from gradviz.model.document import Change, DocumentReset, GraphDocument, NodeMoved, same_value

TABLE_LIMIT = 12  # larger arrays are edited by shape and fill, not cell by cell


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def parse_shape(text: str) -> tuple[int, ...]:
    """'3×1', '3x1', '3, 1' or '[3, 1]' → (3, 1); 'scalar' or '' → ()."""
    cleaned = text.strip().lower().replace("×", ",").replace("x", ",").strip("[]() ")
    if cleaned in ("", "scalar"):
        return ()
    sizes = tuple(int(part) for part in cleaned.split(",") if part.strip())
    if any(size < 1 for size in sizes) or int(np.prod(sizes)) > 1_000_000:
        raise ValueError("sizes must be positive, at most a million numbers")
    return sizes


class NodeForm(QWidget):
    """The form of one node (or a few words when none is selected); ``message`` carries a one-line
    complaint to the status bar, ``changed`` says another node (or another name) is shown."""

    message = Signal(str)
    changed = Signal()

    def __init__(self, document: GraphDocument, undo_stack: Any) -> None:
        super().__init__()
        self.setObjectName("nodeForm")
        self.setAccessibleName("Node form")
        self.document, self.undo_stack = document, undo_stack
        self.node_id: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._content: QWidget | None = None
        document.subscribe(self._on_change)
        self.show_node(None)

    def _on_change(self, change: Change) -> None:
        if isinstance(change, NodeMoved):
            return
        if isinstance(change, DocumentReset) or self.node_id not in self.document.nodes:
            self.node_id = None  # another graph: whatever was selected is gone, even if an id repeats
        self.show_node(self.node_id)

    # ----- building the form -------------------------------------------------------------------------

    def show_node(self, node_id: str | None) -> None:
        """Show ``node_id``; nothing for None or for an id the document no longer holds (the scene may
        report a selection from items that are being removed while another graph loads)."""
        self.node_id = node_id if node_id in self.document.nodes else None
        node_id = self.node_id
        if self._content is not None:
            # a form being taken down edits nothing: its field with the focus would report its text as
            # finished as it goes, for a node that may be gone (another graph opened) or not shown any more
            for child in self._content.findChildren(QWidget):
                child.blockSignals(True)
            self._layout.removeWidget(self._content)
            self._content.hide()  # hidden by hand: Qt would still show a child it was about to show, as a window
            self._content.setParent(None)  # off screen now, not at the next event loop
            self._content.deleteLater()
        self._content = QWidget()
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._layout.addWidget(self._content)
        self.changed.emit()

        def text(words: str, name: str = "", markup: bool = False) -> QLabel:  # wrapped prose above the form
            label = QLabel(words)
            label.setTextFormat(Qt.TextFormat.RichText if markup else Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setObjectName(name)
            column.addWidget(label)
            return label

        if node_id is None:
            text(
                "Select a node to see and edit it.\n\nAdd ops from the palette (drag, double-click) "
                "or press Tab on the canvas. Drag from an output port to an input port to connect."
            )
            return
        spec = self.document.nodes[node_id]
        op = find_op(spec.op)
        status = self.document.status(node_id)
        text(
            f"<b>{plain(spec.op)}</b> &nbsp; {rich(render_unicode(op.formula, {'out': spec.label or spec.id}))}",
            "inspectorFormula",
            markup=True,
        )
        text(op.doc)
        text(f"shape {show(status.shape)}" if status.shape is not None else f"⚠ {status.error}", "inspectorStatus")
        column.addLayout(form)

        label = _named(QLineEdit(spec.label or ""), "labelEdit", "Node label")
        label.setPlaceholderText(spec.id)
        label.editingFinished.connect(lambda: self._replace(label=label.text().strip() or None))
        form.addRow("Label", label)
        is_cost = node_id == self.document.output
        cost = _named(
            QPushButton("This is the cost c" if is_cost else "Use as the cost c"),
            "costButton",
            "Use this node as the cost",
        )
        cost.setEnabled(not is_cost)
        cost.clicked.connect(lambda: self.undo_stack.push(SetOutput(self.document, node_id)))
        form.addRow(cost)
        for attr in op.attrs:
            form.addRow(attr.name, self._attr_widget(attr, op.resolve_attrs(dict(spec.attrs))[attr.name]))
        if op.is_source:
            self._value_editor(form, np.asarray(spec.value, dtype=float))

    def _attr_widget(self, attr: Attr, current: Any) -> QWidget:
        name, accessible = f"attr_{attr.name}", f"Attribute {attr.name}"
        if attr.kind == "number":
            widget = _named(QDoubleSpinBox(), name, accessible)
            widget.setRange(-1e6, 1e6)
            widget.setDecimals(4)
            widget.setValue(current)
            widget.editingFinished.connect(lambda: self._set_attr(attr, widget.value()))
        elif attr.kind in ("int", "int_axis"):
            widget = _named(QSpinBox(), name, accessible)
            widget.setRange(int(attr.minimum) if attr.minimum is not None else -64, 1_000_000)
            widget.setValue(current)
            widget.editingFinished.connect(lambda: self._set_attr(attr, widget.value()))
        elif attr.kind == "bool":
            widget = _named(QCheckBox(), name, accessible)
            widget.setChecked(current)
            widget.toggled.connect(lambda checked: self._set_attr(attr, checked))
        elif attr.kind == "choice":
            widget = _named(QComboBox(), name, accessible)
            widget.addItems(list(attr.choices))
            widget.setCurrentText(current)
            widget.currentTextChanged.connect(lambda text: self._set_attr(attr, text))
        else:  # axes, shapes, pairs: typed as JSON, e.g. [0, 1] or null
            widget = _named(
                QLineEdit(json.dumps(list(current) if isinstance(current, tuple) else current)), name, accessible
            )
            widget.editingFinished.connect(lambda: self._set_attr_text(attr, widget.text()))
        widget.setToolTip(attr.doc)
        return widget

    def _value_editor(self, form: QFormLayout, value: np.ndarray) -> None:
        shape = _named(QLineEdit(show(value.shape)), "shapeEdit", "Value shape")
        shape.editingFinished.connect(lambda: self._reshape(shape.text()))
        form.addRow("Shape", shape)
        if value.ndim <= 2 and max(value.shape, default=1) <= TABLE_LIMIT:
            grid = value.reshape(value.shape[0] if value.ndim else 1, -1) if value.ndim else value.reshape(1, 1)
            table = _named(QTableWidget(*grid.shape), "valueTable", "Value table")
            _named(table.horizontalHeader(), "valueTableColumns", "Value columns")
            _named(table.verticalHeader(), "valueTableRows", "Value rows")
            # rows one line of text tall (the style's default is 30 px): a 5×3 value no longer pushes its
            # heatmaps below the fold on a 720 px screen
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
            for (row, column), number in np.ndenumerate(grid):
                table.setItem(row, column, QTableWidgetItem(f"{number:.6g}"))
            table.resizeColumnsToContents()
            table.setFixedHeight(
                min(
                    320,
                    table.horizontalHeader().height() + 4 + sum(table.rowHeight(row) for row in range(grid.shape[0])),
                )
            )
            table.cellChanged.connect(lambda row, column: self._cell_edited(table, row, column, value))
            form.addRow(table)
        else:
            form.addRow(QLabel(f"{value.size} numbers: set them by shape and fill."))
        # Buttons as wide as their text and the seed on its own row: four push buttons (80 px each at the
        # least) beside the seed made the panel 540 px wide, clipped in a 340 px dock
        fills = QWidget()
        fills.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(fills)
        row.setContentsMargins(0, 0, 0, 0)
        seed = _named(QSpinBox(), "seedSpin", "Random seed")
        seed.setRange(0, 2**31 - 1)
        for text, fill in (("0", np.zeros), ("1", np.ones), ("I", None), ("random", "random")):
            button = _named(QToolButton(text=text), f"fill_{text}", f"Fill with {text}")
            button.setToolTip("the identity" if text == "I" else f"Fill with {text}")
            button.clicked.connect(lambda _=False, f=fill: self._fill(f, value.shape, seed.value()))
            row.addWidget(button)
        row.addStretch()
        form.addRow("Fill", fills)
        form.addRow("Seed", seed)

    # ----- edits -------------------------------------------------------------------------------------

    def _replace(self, text: str | None = None, **changes: Any) -> None:
        spec = self.document.nodes[self.node_id]
        new = dataclasses.replace(spec, **changes)
        changed = (new.label, dict(new.attrs)) != (spec.label, dict(spec.attrs))
        if changed or not same_value(new.value, spec.value):
            self.undo_stack.push(ReplaceNode(self.document, new, text or f"edit {spec.id}"))

    def _set_attr(self, attr: Attr, value: Any) -> None:
        spec = self.document.nodes[self.node_id]
        try:
            value = attr.coerce(value, spec.op)
        except GradvizError as error:
            self.message.emit(str(error))
            return
        attrs = dict(spec.attrs)
        if attrs.get(attr.name, attr.default) != value:
            attrs[attr.name] = list(value) if isinstance(value, tuple) else value
            self._replace(f"set {spec.id}.{attr.name}", attrs=attrs)

    def _set_attr_text(self, attr: Attr, text: str) -> None:
        try:
            self._set_attr(attr, json.loads(text))
        except json.JSONDecodeError:
            self.message.emit(f"{attr.name}: write a number, a list such as [0, 1], or null")

    def _cell_edited(self, table: QTableWidget, row: int, column: int, value: np.ndarray) -> None:
        """A typed number becomes one edit; anything else (abc, 1e999, inf, nan) is refused with the reason
        and the cell shows its number again: a graph holds finite numbers only, so it can always be saved."""
        # a copy in both cases: reshaping a scalar gives a view, and writing into it would change the node's
        # own array, and with it the undo command's record of the old value
        grid = (value.reshape(value.shape[0], -1) if value.ndim else value.reshape(1, 1)).copy()
        typed = table.item(row, column).text().strip()
        try:
            number = float(typed)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            why = "is not a number" if number is None else "is not a finite number (values must be finite)"
            kept = f"{grid[row, column]:.6g}"
            self.message.emit(f"{self.node_id}[{row}, {column}]: '{typed}' {why}; the cell keeps {kept}")
            with QSignalBlocker(table):
                table.item(row, column).setText(kept)
            return
        grid[row, column] = number
        self._replace(f"edit {self.node_id}[{row}, {column}]", value=grid.reshape(value.shape))

    def _reshape(self, text: str) -> None:
        try:
            shape = parse_shape(text)
        except ValueError as error:
            self.message.emit(f"Shape: {error}" if str(error) else "Shape: write sizes like 3×1 or 2, 2")
            return
        old = np.asarray(self.document.nodes[self.node_id].value, dtype=float)
        if shape != old.shape:
            flat = np.resize(old.ravel(), int(np.prod(shape))) if old.size else np.zeros(int(np.prod(shape)))
            self._replace(f"reshape {self.node_id} to {show(shape)}", value=flat.reshape(shape))

    def _fill(self, fill: Any, shape: tuple[int, ...], seed: int) -> None:
        if fill is None:
            if len(shape) != 2 or shape[0] != shape[1]:
                self.message.emit("The identity needs a square shape, such as 3×3")
                return
            value = np.eye(shape[0])
        elif fill == "random":
            value = np.round(np.random.default_rng(seed).normal(size=shape), 3)
        else:
            value = fill(shape)
        self._replace(f"fill {self.node_id}", value=value)
