"""The step view keeps one view per kind of array and only changes what they show: stepping replaces the
pictures, never the widgets; the bar's title draws its line, a value's name is shown as typed."""

from __future__ import annotations

import numpy as np

from gradviz.gui.panels.step_arrays import StepArrays
from gradviz.model.step_view import ArrayShown


def test_stepping_reuses_the_views_and_hides_the_arrays_not_shown(qtbot):
    panel = StepArrays()
    qtbot.addWidget(panel)
    panel.show()
    value = ArrayShown("value", "W", "value", np.ones((2, 2)), False)
    bar = ArrayShown("bar", "W\u0304", "bar", np.full((2, 2), -1.0), True)
    panel.show_arrays((value, bar))
    views = dict(panel.views)
    assert set(views) == {"value", "bar"} and all(view.isVisible() for view in views.values())
    panel.show_arrays((ArrayShown("value", "W", "value", np.zeros((3, 1)), False),))
    assert panel.views["value"] is views["value"] and panel.views["bar"] is views["bar"]  # the same widgets
    assert panel.views["value"].isVisible() and not panel.views["bar"].isVisible()
    panel.show_arrays((value, bar))
    assert panel.views["bar"].isVisible() and len(panel.findChildren(type(views["bar"]))) == 2


def test_titles_draw_the_bar_as_a_line_and_names_as_text(qtbot):
    panel = StepArrays()
    qtbot.addWidget(panel)
    panel.show_arrays(
        (
            ArrayShown("value", "<b>x", "value", np.ones(3), False),
            ArrayShown("bar", "x\u0304", "bar at this step", np.ones(3), True),
        )
    )
    assert panel.views["value"].title.text() == "<b>&lt;b&gt;x</b> value"
    assert panel.views["bar"].title.text() == (
        '<b><span style="text-decoration: overline">x</span></b> bar at this step'
    )
    assert panel.views["value"].objectName() == "array_value" and panel.objectName() == "inspectorArrays"
