"""The gradient check's dialog: a verdict, and per source its shape, largest error, a mark and a heatmap of
bar − numeric; Ctrl+G on a graph that cannot run says why in one line and opens nothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from gradviz.engine.gradcheck import GradCheck, SourceCheck
from gradviz.gui.panels.gradcheck_dialog import HEATMAP_SIZE, GradCheckDialog
from gradviz.io.paths import EXAMPLES


def _texts(dialog: GradCheckDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel)]


def test_a_failing_source_is_marked_where_its_error_is(qtbot):
    good = SourceCheck("W", np.ones((2, 3)), np.ones((2, 3)), 0.0)
    numeric = np.zeros((4, 4))
    bad = SourceCheck("<b>x</b>", np.zeros((4, 4)), numeric, 0.5)
    bad.bar[3, 0] = 1.0  # one corner of the bar is wrong
    dialog = GradCheckDialog(GradCheck({"W": good, "<b>x</b>": bad}, tolerance=1e-5))
    qtbot.addWidget(dialog)
    summary = dialog.findChild(QLabel, "gradCheckSummary").text()
    assert summary.startswith("<b>FAILED</b>") and "tolerance 1e-05" in summary
    texts = _texts(dialog)
    assert texts.count("✓ ok") == 1 and texts.count("✗ too large") == 1
    assert "2×3" in texts and "4×4" in texts and "5.00e-01" in texts and "0.00e+00" in texts
    name = next(label for label in dialog.findChildren(QLabel) if label.text() == "<b>x</b>")
    assert name.textFormat() == Qt.TextFormat.PlainText  # a node's id shown as typed
    heatmap = next(label for label in dialog.findChildren(QLabel) if "1.00e+00" in label.toolTip())
    pixmap = heatmap.pixmap()
    assert pixmap.width() == pixmap.height() == HEATMAP_SIZE
    image = pixmap.toImage()
    # bar − numeric is +1 at [3, 0] only: that corner red, the rest white (zero on the diverging map)
    corner = image.pixelColor(HEATMAP_SIZE // 8, HEATMAP_SIZE - HEATMAP_SIZE // 8)
    elsewhere = image.pixelColor(HEATMAP_SIZE - 5, 5)
    assert corner.red() > corner.blue() + 60 and min(elsewhere.getRgb()[:3]) >= 240


def test_the_check_of_a_graph_that_runs_passes_and_one_that_cannot_run_says_why(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    dialog = window.check_gradients()
    assert dialog is not None and dialog.findChild(QLabel, "gradCheckSummary").text().startswith("<b>passed</b>")
    assert _texts(dialog).count("✓ ok") == len(dialog.check.sources) >= 2
    dialog.close()
    window.scene.nodes["W"].setSelected(True)
    window.edits.delete_selected()  # matmul's first port is open now: the graph cannot run
    before = len([w for w in window.findChildren(QWidget, "gradCheckDialog") if w.isVisible()])
    assert window.check_gradients() is None
    assert window.statusBar().currentMessage().startswith("Cannot check gradients:")
    assert "\n" not in window.statusBar().currentMessage()
    assert len([w for w in window.findChildren(QWidget, "gradCheckDialog") if w.isVisible()]) == before
