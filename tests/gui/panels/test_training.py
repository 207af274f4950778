"""The training panel fits its dock: narrow enough for a side dock, its loss curve below or beside the form."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout

from gradviz.gui import docks
from gradviz.gui.panels.training import TrainingPanel
from gradviz.model.document import GraphDocument


def test_the_training_panel_fits_the_narrowest_side_dock(qapp):
    panel = TrainingPanel(GraphDocument(), None)
    assert panel.minimumSizeHint().width() <= docks.side_width(1024, 1.0) - 20


def test_the_loss_curve_goes_below_the_form_in_a_tall_dock_and_beside_it_in_a_wide_one(qtbot):
    panel = TrainingPanel(GraphDocument(), None)
    qtbot.addWidget(panel)
    panel.show()
    panel.resize(340, 800)
    qtbot.waitUntil(lambda: panel._layout.direction() == QBoxLayout.Direction.TopToBottom)
    panel.resize(1600, 250)
    qtbot.waitUntil(lambda: panel._layout.direction() == QBoxLayout.Direction.LeftToRight)
