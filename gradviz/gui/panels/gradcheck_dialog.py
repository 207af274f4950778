"""The gradient check, in the window: finite differences against every bar, shown per source.

For each input and parameter: the largest relative error, a verdict, and a heatmap of (bar − numeric)
on the diverging map, so an error that sits in one corner of a matrix is seen where it is. A big graph
is checked in the background (see gradviz.gui.jobs), with a progress bar and Cancel; the dialog opens
when the check is done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from gradviz.engine import budget
from gradviz.engine.errors import GradvizError
from gradviz.engine.gradcheck import GradCheck, gradcheck
from gradviz.engine.ops._common import show
from gradviz.engine.tracer import Report
from gradviz.gui.colormaps import heatmap
from gradviz.gui.jobs import Job, Jobs, one_line
from gradviz.model.document import GraphDocument

HEATMAP_SIZE = 96


def check_gradients(
    parent: QWidget, document: GraphDocument, jobs: Jobs, tell: Callable[[str], None]
) -> GradCheckDialog | None:
    """Check ``document``'s gradients as a job of ``jobs`` and show the result in a dialog over ``parent``;
    ``tell`` gets the one-line verdict or error. The dialog if the check was quick enough to be done
    already, else None (it opens when the background check ends). A big check is not asked about first:
    its bar counts the numbers checked of all of them, and Cancel stops it."""
    try:
        program = document.program()
    except GradvizError as error:
        tell(f"Cannot check gradients: {error}")
        return None
    shown: list[GradCheckDialog] = []

    def work(report: Report | None) -> GradCheck:
        return gradcheck(program, report=report)

    def done(result: GradCheck) -> None:
        dialog = GradCheckDialog(result, parent)
        # freed when closed: a child of the window would otherwise live (heatmaps and all) until the window
        # closes, one more for every Ctrl+G
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        tell(f"Gradient check {'passed' if result.passed else 'FAILED'}: largest relative error {result.max_error:.1e}")
        shown.append(dialog)

    def failed(error: BaseException) -> None:
        tell(f"Cannot check gradients: {one_line(error, document)}")

    cost = budget.gradient_check(program)
    jobs.start(Job("Gradient check", "checking gradients: %v of %m numbers", work, cost, done, failed))
    return shown[0] if shown else None


class GradCheckDialog(QDialog):
    """The result of one gradient check."""

    def __init__(self, result: GradCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = result  # what it shows (QDialog.result() is the button it was closed with)
        self.setObjectName("gradCheckDialog")
        self.setAccessibleName("Gradient check")
        self.setWindowTitle("Gradient check: central finite differences in float64")
        verdict = "passed" if result.passed else "FAILED"
        summary = QLabel(
            f"<b>{verdict}</b>: every bar against (c(x + h) − c(x − h)) / 2h, element by element; "
            f"tolerance {result.tolerance:.0e} on the relative error. Each heatmap scales to its own "
            "largest difference (hover for its size): rounding noise of 1e-10 looks as vivid as a bug."
        )
        summary.setWordWrap(True)
        summary.setObjectName("gradCheckSummary")
        grid = QGridLayout()
        for column, title in enumerate(("source", "shape", "largest relative error", "", "bar − numeric")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for row, check in enumerate(result.sources.values(), start=1):
            source = QLabel(check.source)
            source.setTextFormat(Qt.TextFormat.PlainText)  # a node's id is user text, never markup
            grid.addWidget(source, row, 0)
            grid.addWidget(QLabel(show(check.bar.shape)), row, 1)
            grid.addWidget(QLabel(f"{check.max_error:.2e}"), row, 2)
            ok = check.max_error <= result.tolerance
            mark = QLabel("✓ ok" if ok else "✗ too large")
            mark.setStyleSheet(f"color: {'#2e7d32' if ok else '#d64541'}; font-weight: bold")
            grid.addWidget(mark, row, 3)
            image = QLabel()
            pixmap = QPixmap.fromImage(heatmap(check.difference, diverging=True))
            image.setPixmap(
                pixmap.scaled(
                    HEATMAP_SIZE,
                    HEATMAP_SIZE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.FastTransformation,
                )
            )  # sharp cells, no blur
            image.setToolTip(f"largest |bar − numeric| = {abs(check.difference).max():.2e}")
            grid.addWidget(image, row, 4)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("gradCheckButtons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(grid)
        layout.addWidget(buttons)
