"""Arrays in the inspector: a small array's numbers on integer ticks, a scalar as its number, a plot as tall
as its rows, a title that wraps rather than widening the dock."""

from __future__ import annotations

import numpy as np

from gradviz.gui import docks
from gradviz.gui.panels.arrays import ArrayView, integer_ticks


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


def test_index_axes_tick_at_integers():
    assert [label for _, label in integer_ticks(3)] == ["0", "1", "2"]
    assert all(position == int(position) for position, _ in integer_ticks(100))
    assert len(integer_ticks(100)) <= 8


def test_the_inspector_shows_a_small_arrays_numbers(qapp):
    view = ArrayView("W", "array_test")
    grid = np.array([[0.5, -1.25, 2.0], [3.0, 0.0, -4.5]])
    view.show_array(grid, diverging=True)
    assert [text.textItem.toPlainText() for text in view.numbers] == ["0.5", "−1.25", "2", "3", "0", "−4.5"]
    assert [(text.pos().x(), text.pos().y()) for text in view.numbers][:3] == [(0, 0), (1, 0), (2, 0)]
    assert view.plot.getAxis("bottom")._tickLevels[0] == [(0.0, "0"), (1.0, "1"), (2.0, "2")]
    view.show_array(np.arange(40.0).reshape(5, 8), diverging=False)
    assert view.numbers == []


def test_the_inspector_shows_a_scalar_as_its_number_not_a_one_cell_plot(qapp):
    view = ArrayView("loss", "array_test")
    view.show_array(np.array(-2.5183), diverging=False)
    assert view.scalar.isVisibleTo(view) and not view.canvas.isVisibleTo(view)
    assert view.scalar.text() == "−2.5183"
    view.show_array(np.array([[1.0, 2.0], [3.0, 4.0]]), diverging=False)  # an array again: the plot is back
    assert view.canvas.isVisibleTo(view) and not view.scalar.isVisibleTo(view)
    assert len(view.numbers) == 4
