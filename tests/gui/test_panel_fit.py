"""Panels fit their docks: no clipped inspector, no plot taller than its rows, no curve squeezed to a sliver.

Found by looking at the README's screenshots (docs/screenshots.py) at 1280x720 and 1920x1080.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gradviz.gui import docks
from gradviz.gui.panels.arrays import ArrayView
from gradviz.gui.panels.inspector import Inspector
from gradviz.gui.panels.training import TrainingPanel
from gradviz.io.graph_file import read
from gradviz.io.paths import DEFAULT_EXAMPLE
from gradviz.model.document import GraphDocument


class Tiles(QWidget):
    """Like the kernel-flip heatmaps: would like to be tall, can do with 100 px."""

    def sizeHint(self) -> QSize:
        return QSize(400, 900)


def _panel_with_wrapped_text() -> QWidget:
    """A wrapped sentence (which makes Qt size the panel by its height for width) above the tiles."""
    panel = QWidget()
    column = QVBoxLayout(panel)
    words = QLabel("the sum of the nine products of the window of the padded image with the kernel " * 2)
    words.setWordWrap(True)
    column.addWidget(words)
    tiles = Tiles()
    tiles.setMinimumHeight(100)
    tiles.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    column.addWidget(tiles, 1)
    return panel


def test_a_panel_whose_minimum_fits_gets_the_whole_dock_and_no_scroll_bar(qtbot):
    panel = _panel_with_wrapped_text()
    area = docks.scrolled(panel)
    qtbot.addWidget(area)
    area.resize(800, 300)
    area.show()
    qtbot.waitUntil(lambda: not area.verticalScrollBar().isVisible())
    assert panel.size() == area.viewport().size() == area.size()


def test_a_panel_whose_minimum_does_not_fit_scrolls(qtbot):
    panel = _panel_with_wrapped_text()
    area = docks.scrolled(panel)
    qtbot.addWidget(area)
    area.resize(800, 60)
    area.show()
    qtbot.waitUntil(lambda: area.verticalScrollBar().isVisible())
    assert panel.height() >= panel.layout().totalMinimumHeightForWidth(panel.width()) > area.viewport().height()


def test_a_source_nodes_inspector_fits_the_narrowest_side_dock(qapp):
    document = GraphDocument(read(DEFAULT_EXAMPLE))
    inspector = Inspector(document, None)
    inspector.show_node("W")
    narrowest = docks.side_width(1024, 1.0) - 20  # a scroll bar and the dock's frame
    assert inspector.minimumSizeHint().width() <= narrowest


def test_an_array_views_long_title_wraps_rather_than_widening_the_inspector(qapp):
    view = ArrayView("<b>this step's contribution</b> from a_long_node_name", "array_test")
    view.show_array(np.ones((2, 2)), diverging=True)
    assert view.minimumSizeHint().width() <= docks.side_width(1024, 1.0) - 40


def test_a_small_arrays_plot_is_as_tall_as_its_rows_and_its_numbers_show_only_where_they_fit(qtbot):
    view = ArrayView("W", "array_test")
    qtbot.addWidget(view)
    view.show_array(np.array([[0.1, -0.3], [0.7, 0.2], [-0.5, 0.4]]), diverging=False)
    three_rows = view.canvas.maximumHeight()
    view.show_array(np.arange(20.0).reshape(10, 2), diverging=False)
    assert view.canvas.maximumHeight() > three_rows  # more rows, more room, up to a limit
    view.show_array(np.array([[0.1, -0.3], [0.7, 0.2], [-0.5, 0.4]]), diverging=False)
    view.resize(360, three_rows + 40)
    view.show()
    qtbot.waitUntil(lambda: all(text.isVisible() for text in view.numbers))
    view.resize(90, three_rows + 40)  # cells a few pixels wide: "−0.3" cannot fit
    qtbot.waitUntil(lambda: not any(text.isVisible() for text in view.numbers))


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
