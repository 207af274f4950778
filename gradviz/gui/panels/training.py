"""Training: gradient descent on the parameters, its loss curve, and any iteration to step through.

The curve is drawn with pyqtgraph, imported on the first run of training. Choosing an iteration makes
the timeline step through that iteration's forward and backward pass, with the parameters it had.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QBoxLayout,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gradviz.engine.errors import GradvizError
from gradviz.engine.training import Iteration, train
from gradviz.gui.commands import ReplaceNode
from gradviz.model.document import GraphDocument, NodesMoved


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class TrainingPanel(QWidget):
    """Trains the document's parameters. ``parameters_chosen(dict | None)``: the parameters of the
    iteration to step through (None: the graph's own values); ``message(str)`` for the status bar."""

    parameters_chosen = Signal(object)
    message = Signal(str)

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.document, self.undo_stack = document, undo_stack
        self.setObjectName("trainingPanel")
        self.setAccessibleName("Training")
        self.rate = _named(
            QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=10.0, singleStep=0.01, value=0.05),
            "learningRate",
            "Learning rate",
        )
        self.count = _named(QSpinBox(minimum=1, maximum=1000, value=20), "trainingIterations", "Iterations")
        self.train_button = _named(QPushButton("Train"), "trainButton", "Train")
        self.chooser = _named(
            QSpinBox(minimum=-1, maximum=-1, specialValueText="the graph's values"),
            "iterationChooser",
            "Iteration to step through",
        )
        self.apply_button = _named(
            QPushButton("Apply to graph"), "applyIteration", "Apply this iteration's parameters to the graph"
        )
        self.summary = _named(
            QLabel("Train to see the loss fall, then pick an iteration to step through."),
            "trainingSummary",
            "Training summary",
        )
        self.summary.setWordWrap(True)
        self.records: tuple[Iteration, ...] = ()
        self._plot = None
        self._marker = None
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a field under its label in a narrow dock
        form.addRow("learning rate η", self.rate)
        form.addRow("iterations", self.count)
        form.addRow(self.train_button)
        form.addRow("step through", self.chooser)
        form.addRow(self.apply_button)
        self._curve_box = QVBoxLayout()
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._column = QVBoxLayout()
        self._column.addLayout(form)
        self._column.addWidget(self.summary)
        self._column.addStretch()
        self._layout.addLayout(self._column, 1)
        self._layout.addLayout(self._curve_box, 3)
        self.train_button.clicked.connect(self.train)
        self.chooser.valueChanged.connect(self._chosen)
        self.apply_button.clicked.connect(self.apply)
        document.subscribe(lambda change: not isinstance(change, NodesMoved) and self.records and self.clear())
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The curve beside the form in a wide dock, below it in a tall one (the default, a tab on the right):
        side by side in a 340 px column the curve was 60 px wide."""
        super().resizeEvent(event)
        wide = event.size().width() >= 2 * event.size().height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
            self._layout.setStretchFactor(self._column, 1 if wide else 0)
            self._column.setStretch(self._column.count() - 1, 1 if wide else 0)  # the form's spare room

    def train(self) -> None:
        """Gradient descent from the graph's parameters, at the chosen rate, for the chosen iterations."""
        try:
            records = train(self.document.program(), self.rate.value(), self.count.value())
        except GradvizError as error:
            self.message.emit(f"Cannot train: {error}")
            return
        if not records[0].parameters:
            self.message.emit("Nothing to train: the graph has no parameter nodes")
            return
        self.show_records(records)

    def apply(self) -> None:
        """Write the chosen iteration's parameters into the graph, as one undoable edit."""
        index = self.chooser.value()
        if index < 0:
            return
        self.undo_stack.beginMacro(f"apply training iteration {index}")
        for node_id, value in self.records[index].parameters.items():
            spec = self.document.nodes[node_id]
            self.undo_stack.push(ReplaceNode(self.document, dataclasses.replace(spec, value=value), "train"))
        self.undo_stack.endMacro()

    def clear(self) -> None:
        """Forget the records (the graph changed: they describe another graph)."""
        had_choice = self.chooser.value() >= 0
        self.records = ()
        with QSignalBlocker(self.chooser):
            self.chooser.setRange(-1, -1)
        self.chooser.setEnabled(False)
        self.apply_button.setEnabled(False)
        if self._plot is not None:
            self._plot.clear()
        if had_choice:
            self.parameters_chosen.emit(None)

    def show_records(self, records: tuple[Iteration, ...]) -> None:
        self.records = records
        if self._plot is None:
            import pyqtgraph as pg  # noqa: PLC0415 - first training only

            self._plot = _named(pg.PlotWidget(background=None), "lossCurve", "Loss curve")  # the panel's colours
            self._plot.setLabel("bottom", "iteration")
            self._plot.setLabel("left", "cost c")
            self._plot.setMinimumHeight(200)
            self._curve_box.addWidget(self._plot)
        self._plot.clear()
        losses = [record.loss for record in records]
        self._plot.plot(range(len(losses)), losses, pen={"color": "#b8860b", "width": 2}, symbol="o", symbolSize=5)
        self._marker = self._plot.plot([], [], pen=None, symbol="o", symbolSize=12, symbolBrush="#c2185b")
        self.summary.setText(f"cost {losses[0]:.4g} → {losses[-1]:.4g} in {len(losses) - 1} iterations")
        self.chooser.setEnabled(True)
        self.chooser.setRange(-1, len(records) - 1)
        self.chooser.setValue(-1)

    def _chosen(self, index: int) -> None:
        if self._marker is not None:
            point = ([index], [self.records[index].loss]) if index >= 0 else ([], [])
            self._marker.setData(*point)
        self.apply_button.setEnabled(index >= 0)
        self.parameters_chosen.emit(self.records[index].parameters if index >= 0 else None)
        if index >= 0:
            self.message.emit(f"Stepping through iteration {index}: cost {self.records[index].loss:.4g}")
