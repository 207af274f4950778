"""The step view: the selected node's value, bar and this step's contribution, as heatmaps.

The views are made once and kept (shown or hidden as the step calls for them): stepping through a
pass replaces what they draw, never the widgets.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradviz.gui.notation import plain, rich
from gradviz.gui.panels.arrays import ArrayView
from gradviz.model.step_view import ArrayShown


class StepArrays(QWidget):
    """One node's arrays at the current step of the playback."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("inspectorArrays")
        self.setAccessibleName("The node's arrays at this step")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.views: dict[str, ArrayView] = {}

    def show_arrays(self, arrays: tuple[ArrayShown, ...]) -> None:
        """Show these arrays (the presenter's choice for the node at the step), hide the other views."""
        for shown in arrays:
            subject = rich(shown.subject) if shown.key == "bar" else plain(shown.subject)
            view = self._view(shown.key, f"<b>{subject}</b> {plain(shown.words)}")
            view.show_array(shown.array, shown.diverging)
            view.show()
        wanted = {shown.key for shown in arrays}
        for key, view in self.views.items():
            if key not in wanted:
                view.hide()

    def _view(self, key: str, title: str) -> ArrayView:
        if key not in self.views:
            self.views[key] = ArrayView(title, f"array_{key}")
            self._layout.addWidget(self.views[key])
        view = self.views[key]
        view.title.setText(title)
        return view
