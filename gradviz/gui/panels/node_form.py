"""The node form: the selected node's name, attributes and (for sources) value, edited in place.

The attribute form is generated from the op's declared attributes, so a new op needs no form code.
Every edit becomes one undo command; the form then follows the document, never itself.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, TypeVar

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
from gradviz.engine.program import NodeSpec
from gradviz.engine.registry import get_op
from gradviz.gui.commands import ReplaceNode, SetOutput
from gradviz.gui.notation import plain, rich
from gradviz.model.document import (
    Change,
    DocumentReset,
    GraphDocument,
    NodeChanged,
    NodePart,
    NodesMoved,
    NodesRemoved,
    same_value,
)

TABLE_LIMIT = 12  # larger arrays are edited by shape and fill, not cell by cell


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
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


def _grid(value: np.ndarray) -> np.ndarray | None:
    """The value as the rows and columns of its table; None when it is edited by shape and fill only."""
    if value.ndim > 2 or max(value.shape, default=1) > TABLE_LIMIT:
        return None
    return value.reshape(value.shape[0], -1) if value.ndim else value.reshape(1, 1)


def _take_down(widget: QWidget) -> None:
    """Remove a widget of the form now: a widget being taken down edits nothing (its field with the focus
    would report its text as finished as it goes, for a node that may be gone), and it is hidden and
    unparented by hand (Qt would still show a child it was about to show, as a window)."""
    for child in [widget, *widget.findChildren(QWidget)]:
        child.blockSignals(True)
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


class NodeForm(QWidget):
    """The form of one node (or a few words when none is selected); ``message`` carries a one-line
    complaint to the status bar, ``changed`` says another node (or another name) is shown.

    The form is built when another node is shown and then follows the document field by field: an edit
    elsewhere leaves it alone (but for the node's shape or error and the cost button, which any edit may
    change), an edit of its node rewrites only the fields that edit changed. So the widget being typed
    in keeps the focus and its cursor."""

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
        self._fields: _Fields | None = None
        document.subscribe(self._on_change)
        self.show_node(None)

    def _on_change(self, change: Change) -> None:
        match change:
            case NodesMoved():
                return
            case DocumentReset():
                self.show_node(None)  # another graph: whatever was shown is gone, even if an id repeats
                return
            case NodesRemoved(node_ids=gone) if self.node_id in gone:
                self.show_node(None)
                return
            case NodeChanged(node_id=node_id, parts=parts) if node_id == self.node_id:
                if "op" in parts:
                    self.show_node(node_id)  # another op: other fields altogether
                    return
                self._update(parts)
        self._show_status()

    # ----- building the form -------------------------------------------------------------------------

    def show_node(self, node_id: str | None) -> None:
        """Show ``node_id``; nothing for None or for an id the document no longer holds (the scene may
        report a selection from items that are being removed while another graph loads)."""
        self.node_id = node_id if node_id in self.document.nodes else None
        if self._content is not None:
            self._layout.removeWidget(self._content)
            _take_down(self._content)
        self._fields = None
        self._content = QWidget()
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._content)
        if self.node_id is None:
            column.addWidget(
                _prose(
                    "Select a node to see and edit it.\n\nAdd ops from the palette (drag, double-click) "
                    "or press Tab on the canvas. Drag from an output port to an input port to connect."
                )
            )
        else:
            self._fields = self._build(self.node_id, column)
        self.changed.emit()

    def _build(self, node_id: str, column: QVBoxLayout) -> _Fields:
        spec = self.document.nodes[node_id]
        op = get_op(spec.op)
        formula = _prose("", "inspectorFormula", markup=True)
        status = _prose("", "inspectorStatus")
        for prose in (formula, _prose(op.doc), status):
            column.addWidget(prose)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addLayout(form)

        label = _named(QLineEdit(spec.label or ""), "labelEdit", "Node label")
        label.setPlaceholderText(spec.id)
        label.editingFinished.connect(lambda: self._replace(label=label.text().strip() or None))
        form.addRow("Label", label)
        cost = _named(QPushButton(), "costButton", "Use this node as the cost")
        cost.clicked.connect(lambda: self.undo_stack.push(SetOutput(self.document, node_id)))
        form.addRow(cost)
        attrs = {attr.name: (attr, self._attr_widget(attr)) for attr in op.attrs}
        for name, (_, widget) in attrs.items():
            form.addRow(name, widget)
        fields = self._fields = _Fields(form, formula, status, label, cost, attrs)
        if op.is_source:
            self._value_editor(fields)
        self._show_formula()
        self._show_status()
        self._show_attrs()
        return fields

    def _attr_widget(self, attr: Attr) -> QWidget:
        """A field for ``attr`` (its value is put in by _show_attrs): each edit becomes one command."""
        name, accessible = f"attr_{attr.name}", f"Attribute {attr.name}"
        widget: QWidget
        if attr.kind == "number":
            number = widget = _named(QDoubleSpinBox(), name, accessible)
            number.setRange(-1e6, 1e6)
            number.setDecimals(4)
            number.editingFinished.connect(lambda: self._set_attr(attr, number.value()))
        elif attr.kind in ("int", "int_axis"):
            count = widget = _named(QSpinBox(), name, accessible)
            count.setRange(int(attr.minimum) if attr.minimum is not None else -64, 1_000_000)
            count.editingFinished.connect(lambda: self._set_attr(attr, count.value()))
        elif attr.kind == "bool":
            check = widget = _named(QCheckBox(), name, accessible)
            check.toggled.connect(lambda checked: self._set_attr(attr, checked))
        elif attr.kind == "choice":
            combo = widget = _named(QComboBox(), name, accessible)
            combo.addItems(list(attr.choices))
            combo.currentTextChanged.connect(lambda text: self._set_attr(attr, text))
        else:  # axes, shapes, pairs: typed as JSON, e.g. [0, 1] or null
            line = widget = _named(QLineEdit(), name, accessible)
            line.editingFinished.connect(lambda: self._set_attr_text(attr, line.text()))
        widget.setToolTip(attr.doc)
        return widget

    def _value_editor(self, fields: _Fields) -> None:
        form = fields.form
        shape = _named(QLineEdit(), "shapeEdit", "Value shape")
        shape.editingFinished.connect(lambda: self._reshape(shape.text()))
        form.addRow("Shape", shape)
        fields.shape = shape
        fields.grid = self._grid_widget(self._value())
        form.addRow(fields.grid)
        # Buttons as wide as their text and the seed on its own row: four push buttons (80 px each at the
        # least) beside the seed made the panel 540 px wide, clipped in a 340 px dock
        fills = QWidget()
        fills.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(fills)
        row.setContentsMargins(0, 0, 0, 0)
        seed = _named(QSpinBox(), "seedSpin", "Random seed")
        seed.setRange(0, 2**31 - 1)
        for text, fill in (("0", np.zeros), ("1", np.ones), ("I", None), ("random", "random")):
            button = _named(QToolButton(), f"fill_{text}", f"Fill with {text}")
            button.setText(text)
            button.setToolTip("the identity" if text == "I" else f"Fill with {text}")
            button.clicked.connect(lambda _=False, f=fill: self._fill(f, seed.value()))
            row.addWidget(button)
        row.addStretch()
        form.addRow("Fill", fills)
        form.addRow("Seed", seed)
        self._show_shape()

    def _grid_widget(self, value: np.ndarray) -> QWidget:
        """The table of a small value's numbers, each cell edited in place; a big value's size in words."""
        grid = _grid(value)
        if grid is None:
            return QLabel(f"{value.size} numbers: set them by shape and fill.")
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
            min(320, table.horizontalHeader().height() + 4 + sum(table.rowHeight(row) for row in range(grid.shape[0])))
        )
        table.cellChanged.connect(lambda row, column: self._cell_edited(table, row, column))
        return table

    # ----- following edits ---------------------------------------------------------------------------

    def _update(self, parts: frozenset[NodePart]) -> None:
        """The shown node was edited: rewrite the fields the edit changed, and only those."""
        if "label" in parts:
            self._show_formula()
            self.changed.emit()  # the arrays' titles name the node
        if "attrs" in parts:
            self._show_attrs()
        if "value" in parts:
            self._show_value()

    def _show_formula(self) -> None:
        if self._fields is None or self.node_id is None:
            return
        spec = self.document.nodes[self.node_id]
        formula = get_op(spec.op).formula
        name = spec.label or spec.id
        self._fields.formula.setText(f"<b>{plain(spec.op)}</b> &nbsp; {rich(render_unicode(formula, {'out': name}))}")
        _put_text(self._fields.label, spec.label or "")

    def _show_status(self) -> None:
        """The node's shape or why it has none, and whether it is the cost: any edit may change these."""
        if self._fields is None or self.node_id is None:
            return
        status = self.document.status(self.node_id)
        self._fields.status.setText(f"shape {show(status.shape)}" if status.shape is not None else f"⚠ {status.error}")
        is_cost = self.node_id == self.document.output
        self._fields.cost.setText("This is the cost c" if is_cost else "Use as the cost c")
        self._fields.cost.setEnabled(not is_cost)

    def _show_attrs(self) -> None:
        if self._fields is None or self.node_id is None:
            return
        spec = self.document.nodes[self.node_id]
        current = get_op(spec.op).resolve_attrs(dict(spec.attrs))
        for name, (_, widget) in self._fields.attrs.items():
            value = current[name]
            with QSignalBlocker(widget):
                if isinstance(widget, QDoubleSpinBox | QSpinBox):
                    if widget.value() != value:
                        widget.setValue(value)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(value)
                elif isinstance(widget, QComboBox):
                    widget.setCurrentText(value)
                elif isinstance(widget, QLineEdit):
                    _put_text(widget, json.dumps(list(value) if isinstance(value, tuple) else value))

    def _show_value(self) -> None:
        """A new value: its shape, and its numbers in the same table when it has the same shape (only
        the cells that differ), else in a new table in its place."""
        fields = self._fields
        if fields is None or fields.grid is None:
            return
        value = self._value()
        self._show_shape()
        grid, table = _grid(value), fields.grid
        if (
            isinstance(table, QTableWidget)
            and grid is not None
            and (table.rowCount(), table.columnCount()) == grid.shape
        ):
            with QSignalBlocker(table):
                for (row, column), number in np.ndenumerate(grid):
                    item = table.item(row, column)
                    if item is not None and item.text() != f"{number:.6g}":
                        item.setText(f"{number:.6g}")
            table.resizeColumnsToContents()
            return
        fields.grid = self._grid_widget(value)
        fields.form.replaceWidget(table, fields.grid)
        _take_down(table)

    def _show_shape(self) -> None:
        if self._fields is not None and self._fields.shape is not None:
            _put_text(self._fields.shape, show(self._value().shape))

    def _value(self) -> np.ndarray:
        assert self.node_id is not None  # only a source's form has a value editor
        return np.asarray(self.document.nodes[self.node_id].value, dtype=float)

    # ----- edits -------------------------------------------------------------------------------------

    def _spec(self) -> NodeSpec:
        assert self.node_id is not None  # edits come from the fields of a node's form
        return self.document.nodes[self.node_id]

    def _replace(self, text: str | None = None, **changes: Any) -> None:
        spec = self._spec()
        new = dataclasses.replace(spec, **changes)
        changed = (new.label, dict(new.attrs)) != (spec.label, dict(spec.attrs))
        if changed or not same_value(new.value, spec.value):
            self.undo_stack.push(ReplaceNode(self.document, new, text or f"edit {spec.id}"))

    def _set_attr(self, attr: Attr, value: Any) -> None:
        spec = self._spec()
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

    def _cell_edited(self, table: QTableWidget, row: int, column: int) -> None:
        """A typed number becomes one edit; anything else (abc, 1e999, inf, nan) is refused with the reason
        and the cell shows its number again: a graph holds finite numbers only, so it can always be saved."""
        # a copy in both cases: reshaping a scalar gives a view, and writing into it would change the node's
        # own array, and with it the undo command's record of the old value
        value = self._value()
        grid = (value.reshape(value.shape[0], -1) if value.ndim else value.reshape(1, 1)).copy()
        cell = table.item(row, column)
        typed = cell.text().strip() if cell is not None else ""
        try:
            number = float(typed)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            why = "is not a number" if number is None else "is not a finite number (values must be finite)"
            kept = f"{grid[row, column]:.6g}"
            self.message.emit(f"{self.node_id}[{row}, {column}]: '{typed}' {why}; the cell keeps {kept}")
            if cell is not None:
                with QSignalBlocker(table):
                    cell.setText(kept)
            return
        grid[row, column] = number
        self._replace(f"edit {self.node_id}[{row}, {column}]", value=grid.reshape(value.shape))

    def _reshape(self, text: str) -> None:
        try:
            shape = parse_shape(text)
        except ValueError as error:
            self.message.emit(f"Shape: {error}" if str(error) else "Shape: write sizes like 3×1 or 2, 2")
            return
        old = self._value()
        if shape != old.shape:
            flat = np.resize(old.ravel(), int(np.prod(shape))) if old.size else np.zeros(int(np.prod(shape)))
            self._replace(f"reshape {self.node_id} to {show(shape)}", value=flat.reshape(shape))

    def _fill(self, fill: Any, seed: int) -> None:
        shape = self._value().shape
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


@dataclass
class _Fields:
    """The widgets of one node's form that edits rewrite in place."""

    form: QFormLayout
    formula: QLabel
    status: QLabel
    label: QLineEdit
    cost: QPushButton
    attrs: dict[str, tuple[Attr, QWidget]]
    shape: QLineEdit | None = None  # a source's value: its shape, and its table (or its size in words)
    grid: QWidget | None = None


def _prose(words: str, name: str = "", markup: bool = False) -> QLabel:
    """Wrapped prose above the form."""
    label = QLabel(words)
    label.setTextFormat(Qt.TextFormat.RichText if markup else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setObjectName(name)
    return label


def _put_text(edit: QLineEdit, text: str) -> None:
    """Show ``text`` in ``edit`` unless it shows it already: the text typed stays, and the cursor with it."""
    if edit.text() != text:
        with QSignalBlocker(edit):
            edit.setText(text)
