"""Following and writing a lesson in the window: the Lesson menu's commands and the lesson dock.

Next moves the timeline to the stop's step, selects its node and brings its panel forward; stepping by
any other means keeps the panel on the last stop at or before the step shown. Adding, editing and
removing a stop is one undo command that replaces the document's list of stops, so it is saved with the
file and undone exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDockWidget

from gradviz.engine.errors import GradvizError
from gradviz.engine.trace import Trace
from gradviz.gui import docks
from gradviz.gui.panels.lesson import LessonPanel, StopDialog
from gradviz.model.document import GraphDocument
from gradviz.model.lesson import (
    LessonError,
    Segment,
    Stop,
    insertion_point,
    resolve,
    stop_for_step,
    stops_json,
    stops_of,
)

DOCK_HEIGHT = 260  # pixels at 96 dpi: a stop of a few sentences, wrapped to the side column's width

if TYPE_CHECKING:
    from gradviz.gui.main_window import MainWindow


class SetStops(QUndoCommand):
    """Replace the lesson's stops (add, edit or remove one); ``shown`` redraws the panel (the document has
    no event for its view section)."""

    def __init__(
        self,
        document: GraphDocument,
        stops: tuple[Stop, ...],
        text: str,
        shown: Callable[[int | None], None],
        positions: tuple[int | None, int | None],
    ) -> None:
        """``positions``: the stop shown before and after the change."""
        super().__init__(text)
        self.document, self.shown = document, shown
        self.old, self.new = stops_of(document.view), stops
        self.old_position, self.new_position = positions

    def _set(self, stops: tuple[Stop, ...], position: int | None) -> None:
        if stops:
            self.document.view["stops"] = stops_json(stops)
        else:
            self.document.view.pop("stops", None)
        self.shown(position)

    def redo(self) -> None:
        self._set(self.new, self.new_position)

    def undo(self) -> None:
        self._set(self.old, self.old_position)


class LessonFollower:
    """The lesson dock of one window and what the Lesson menu does."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.panel = LessonPanel()
        # in the side column, under the inspector's tabs: the canvas keeps its width and all of its height
        self.dock = window._dock(self.panel, "Lesson", Qt.DockWidgetArea.RightDockWidgetArea, "lessonDock")
        # (splitDockWidget would only add a tab: the inspector is in a tab group; a second add stacks it)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock, Qt.Orientation.Vertical)
        self.dock.hide()  # shown by Lesson ▸ Follow, or when a file with stops opens
        self.position: int | None = None
        self._moving = False
        self.panel.next_requested.connect(self.next)
        self.panel.previous_requested.connect(self.previous)
        window.player.moved.connect(self._step_shown)

    @property
    def stops(self) -> tuple[Stop, ...]:
        return stops_of(self.window.document.view)

    # ----- following ----------------------------------------------------------------------------------

    def follow(self) -> None:
        """Show the lesson, in reverse mode (the steps lesson files count), at the stop for the current step."""
        self.window.run.set_mode("reverse")
        self._show_dock()
        self.position = stop_for_step(self.stops, self.window.player.index)
        self.refresh(self.position)

    def _show_dock(self) -> None:
        """The dock, a few lines high: a stop is a sentence or two, the canvas keeps the room."""
        if self.dock.isHidden():
            self.dock.show()
            self.window.resizeDocks(
                [self.dock], [int(DOCK_HEIGHT * docks.dpi_scale(self.window))], Qt.Orientation.Vertical
            )
        self.dock.raise_()

    def opened(self) -> None:
        """A file was opened: show its lesson if it has one (at the stop for the step and mode it was saved
        at, which stay as they were), else put the dock away."""
        self.position = None
        if self.stops:
            self._show_dock()
            reverse = self.window.run.mode == "reverse"
            self.refresh(stop_for_step(self.stops, self.window.player.index) if reverse else None)
        else:
            self.dock.hide()

    def next(self) -> None:
        self.go(0 if self.position is None else self.position + 1)

    def previous(self) -> None:
        if self.position:
            self.go(self.position - 1)

    def go(self, position: int) -> None:
        """Stop ``position``: the timeline at its step, its node selected, its panel in front."""
        stops = self.stops
        if not 0 <= position < len(stops):
            return
        stop, window = stops[position], self.window
        self.position = position
        self._moving = True
        try:
            window.run.set_mode("reverse")
            window.player.seek(stop.step)
        finally:
            self._moving = False
        if stop.node is not None and stop.node in window.scene.nodes:
            window.scene.clearSelection()
            window.scene.nodes[stop.node].setSelected(True)
        self._show_panel(stop.panel)
        self.refresh(position)

    def _show_panel(self, panel: str | None) -> None:
        window = self.window
        docks = {
            "inspector": window.inspector_dock,
            "formula": window.steps_dock,
            "convolution": window.conv_follow.dock,
            "training": window.findChild(QDockWidget, "trainingDock"),
        }
        dock = docks.get(panel or "")
        if dock is not None:
            dock.show()
            dock.raise_()

    def _step_shown(self, index: int) -> None:
        """The timeline moved (a key, the scrubber, Play) or the graph was edited and ran again: the panel
        shows the last stop at or before the step, with the numbers of the new trace."""
        if self._moving or self.dock.isHidden() or not shiboken6.isValid(self.panel):
            return
        if self.trace(run=False) is not None:  # an edit of a big graph does not make it run just for the panel
            self.refresh(stop_for_step(self.stops, index))

    # ----- showing --------------------------------------------------------------------------------------

    def trace(self, run: bool = True) -> Trace | None:
        """The reverse-mode trace the stops count steps in (running the graph if it has not run since the
        last edit, unless ``run`` is False); None while the graph cannot run."""
        if self.window.run.mode != "reverse":
            return None
        player = self.window.player
        playback = player.run() if run and not player.busy else player.playback
        return playback.trace if playback is not None and isinstance(playback.trace, Trace) else None

    def preview(self, stop: Stop, number: int = 0) -> list[Segment]:
        """``stop``'s text with its numbers; LessonError if it cannot be shown."""
        trace = self.trace()
        if trace is None:
            if self.window.run.mode != "reverse":
                raise LessonError("a lesson counts the steps of reverse mode: press Next to follow it there")
            raise LessonError("the graph cannot run, so its numbers cannot be shown")
        return resolve(stop, trace, number or (self.position or 0) + 1)

    def refresh(self, position: int | None) -> None:
        stops = self.stops
        if position is not None and position >= len(stops):
            position = len(stops) - 1 if stops else None
        self.position = position
        if position is None:
            self.panel.show_stop(None, len(stops), None)
            return
        try:
            segments, problem = self.preview(stops[position], position + 1), None
        except (LessonError, GradvizError) as error:
            segments, problem = None, str(error)
        self.panel.show_stop(position, len(stops), segments, problem)

    # ----- writing ------------------------------------------------------------------------------------------

    def _node_ids(self) -> list[str]:
        return list(self.window.document.nodes)

    def add_stop_here(self) -> StopDialog | None:
        """A dialog for a new stop at the current step, selecting the selected node; OK adds it (undoable)."""
        if self.trace() is None:
            self.window.run.set_mode("reverse")
            if self.trace() is None:
                self.window.show_message("The graph cannot run yet: a lesson stop needs a step to stand on")
                return None
        selected = self.window.scene.selected_ids()
        stop = Stop(self.window.player.index, "", selected[0] if len(selected) == 1 else None)
        dialog = StopDialog(self.window, stop, self._node_ids(), lambda s: self.preview(s))
        dialog.accepted.connect(lambda: self._added(dialog.stop()))
        dialog.open()
        return dialog

    def _added(self, stop: Stop) -> None:
        stops = list(self.stops)
        position = insertion_point(stops, stop.step)
        stops.insert(position, stop)
        self.window.undo_stack.push(
            SetStops(
                self.window.document,
                tuple(stops),
                f"add a stop at step {stop.step}",
                self._shown,
                (self.position, position),
            )
        )
        self._show_dock()

    def edit_stop(self) -> StopDialog | None:
        """A dialog on the current stop; OK replaces it (undoable)."""
        if self.position is None:
            self.window.show_message("No stop to edit: press Next in the lesson, or add a stop here")
            return None
        position = self.position
        dialog = StopDialog(self.window, self.stops[position], self._node_ids(), lambda s: self.preview(s))
        dialog.accepted.connect(lambda: self._edited(position, dialog.stop()))
        dialog.open()
        return dialog

    def _edited(self, position: int, stop: Stop) -> None:
        stops = list(self.stops)
        if stops[position] != stop:
            stops[position] = stop
            self.window.undo_stack.push(
                SetStops(
                    self.window.document, tuple(stops), f"edit stop {position + 1}", self._shown, (position, position)
                )
            )

    def remove_stop(self) -> None:
        if self.position is None:
            self.window.show_message("No stop to remove")
            return
        stops = list(self.stops)
        del stops[self.position]
        self.window.undo_stack.push(
            SetStops(
                self.window.document,
                tuple(stops),
                f"remove stop {self.position + 1}",
                self._shown,
                (self.position, min(self.position, len(stops) - 1) if stops else None),
            )
        )

    def _shown(self, position: int | None) -> None:
        if shiboken6.isValid(self.panel):
            self.refresh(position)
