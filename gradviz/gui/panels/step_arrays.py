"""The step view: the selected node's value, bar and this step's contribution, as heatmaps.

The views are made once and kept (shown or hidden as the step calls for them): stepping through a
pass replaces what they draw, never the widgets.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from gradviz.engine.formula import render_unicode
from gradviz.engine.trace import State, Step
from gradviz.gui.notation import plain, rich
from gradviz.gui.panels.arrays import ArrayView


class StepArrays(QWidget):
    """One node's arrays at the current step of the playback."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("inspectorArrays")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.views: dict[str, ArrayView] = {}
        self._node_id: str | None = None
        self._name = ""
        self._state: State | None = None
        self._step: Step | None = None

    def show_for(self, node_id: str | None, name: str, state: State | None, step: Step | None) -> None:
        """Node ``node_id`` (called ``name``) at ``step`` of the playback (None: none selected, not stepping)."""
        self._node_id, self._name, self._state, self._step = node_id, name, state, step
        self._show_arrays()

    def _view(self, key: str, title: str) -> ArrayView:
        if key not in self.views:
            self.views[key] = ArrayView(title, f"array_{key}")
            self._layout.addWidget(self.views[key])
        view = self.views[key]
        view.title.setText(title)
        return view

    def _show_arrays(self) -> None:
        wanted: list[tuple[str, str, object, bool]] = []
        if self._state is not None and self._node_id is not None:
            name = self._name
            value = self._state.values.get(self._node_id)
            bar = self._state.bars.get(self._node_id)
            tangent = self._step is not None and self._step.kind == "tangent"
            if value is not None:
                wanted.append(("value", f"<b>{plain(name)}</b> at this step", value, False))
            if bar is not None:
                caption = render_unicode("{x:dot}" if tangent else "{x:bar}", {"x": name})
                wanted.append(
                    ("bar", f"<b>{rich(caption)}</b> {'tangent' if tangent else 'bar, accumulated so far'}", bar, True)
                )
            step = self._step
            if step is not None and step.kind == "backward" and step.parent.id == self._node_id:
                wanted.append(
                    (
                        "contribution",
                        f"<b>this step's contribution</b> from {plain(step.node.name)}",
                        step.contribution,
                        True,
                    )
                )
        for key, title, array, diverging in wanted:
            view = self._view(key, title)
            view.show_array(array, diverging)
            view.show()
        for key, view in self.views.items():
            if key not in {entry[0] for entry in wanted}:
                view.hide()
