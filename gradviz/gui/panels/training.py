"""Training: gradient descent on the parameters, its loss curve, and any iteration to step through.

The curve is drawn with pyqtgraph, imported on the first run of training. Choosing an iteration makes
the timeline step through that iteration's forward and backward pass, with the parameters it had.
Training a big graph runs in the background (see gradviz.gui.jobs), with a progress bar and Cancel.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, TypeVar

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

from gradviz.engine import budget
from gradviz.engine.errors import GradvizError
from gradviz.engine.tracer import Report
from gradviz.engine.training import Iteration, train
from gradviz.gui.commands import ReplaceNode
from gradviz.gui.jobs import Job, Jobs, one_line
from gradviz.model.document import Change, GraphDocument, NodesMoved

W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class TrainingPanel(QWidget):
    """Trains the document's parameters. ``parameters_chosen(dict | None)``: the parameters of the
    iteration to step through (None: the graph's own values); ``message(str)`` for the status bar."""

    parameters_chosen = Signal(object)
    message = Signal(str)

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, jobs: Jobs | None = None) -> None:
        super().__init__()
        self.document, self.undo_stack = document, undo_stack
        self.jobs = jobs if jobs is not None else Jobs(document, self)  # the window's, shared with its other jobs
        self.setObjectName("trainingPanel")
        self.setAccessibleName("Training")
        self.rate = _named(
            QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=10.0, singleStep=0.01, value=0.05),
            "learningRate",
            "Learning rate",
        )
        self.count = _named(QSpinBox(minimum=1, maximum=1000, value=20), "trainingIterations", "Iterations")
        self.train_button = _named(QPushButton("Train"), "trainButton", "Train")
        self.chooser = _named(QSpinBox(minimum=-1, maximum=-1), "iterationChooser", "Iteration to step through")
        self.chooser.setSpecialValueText("the graph's values")
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
        self._plot: Any = None  # a pyqtgraph PlotWidget (untyped), made on the first training
        self._marker: Any = None
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
        document.subscribe(self._graph_changed)
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
        """Gradient descent from the graph's parameters, at the chosen rate, for the chosen iterations: at
        once if that is quick, else in the background (the records appear when it is done)."""
        try:
            program = self.document.program()
        except GradvizError as error:
            self.message.emit(f"Cannot train: {error}")
            return
        if not any(node.op.name == "parameter" for node in program.sources):
            self.message.emit("Nothing to train: the graph has no parameter nodes")
            return
        rate, count = self.rate.value(), self.count.value()

        def work(report: Report | None) -> tuple[Iteration, ...]:
            return train(program, rate, count, report)

        cost = budget.training(program, count)
        self.jobs.start(Job("Training", "training: %v of %m runs", work, cost, self._trained, self._failed))

    def _trained(self, records: tuple[Iteration, ...]) -> None:
        self.show_records(records)
        diverged = next((record.index for record in records if not math.isfinite(record.loss)), None)
        if diverged is not None:
            self.message.emit(
                f"Training diverged: the cost is {records[diverged].loss} from iteration {diverged} on; "
                "try a smaller learning rate"
            )

    def _failed(self, error: BaseException) -> None:
        self.message.emit(f"Cannot train: {one_line(error, self.document)}")

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

    def _graph_changed(self, change: Change) -> None:
        if not isinstance(change, NodesMoved) and self.records:
            self.clear()

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
