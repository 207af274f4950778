"""Practice in the window: Step ▸ Practice and the timeline's toggle.

Practice works on the steps the timeline tells (gradviz.model.story): an edge of the reverse pass is one
told step, its contribution flowing back and its addition into the parent's bar. When → (or Play, or the
scrubber, or End) moves forward onto an edge not yet answered, the player is held where the told step
before it ends, so the canvas, the timeline and the formula panel still show the step before; the
questions about that edge's contribution (its shape, its rule, its numbers: the trace's backward step)
open in the Practice dock. When they are answered (or their answers shown) the edge plays. A jump over
several edges (End, a drag of the scrubber) asks only about the edge it lands on; the ones jumped over
are skipped, and moving back never asks. The score of each graph is kept for the session and shown when
the pass ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QBoxLayout, QLayout, QToolButton, QWidget

from gradviz.engine.trace import BackwardStep, Trace
from gradviz.gui.panels.practice import PracticePanel
from gradviz.model.practice import Score, StepQuiz
from gradviz.model.story import story_of

if TYPE_CHECKING:
    from gradviz.gui.main_window import MainWindow


def _row_holding(layout: QLayout, widget: QWidget) -> QBoxLayout | None:
    """The (nested) box layout that holds ``widget`` directly, so a widget can be inserted beside it."""
    for number in range(layout.count()):
        item = layout.itemAt(number)
        assert item is not None, "a layout has an item at every number below its count()"
        if item.widget() is widget:
            return layout if isinstance(layout, QBoxLayout) else None
        nested = item.layout()
        if nested is not None:
            found = _row_holding(nested, widget)
            if found is not None:
                return found
    return None


class PracticeFollower:
    """The Practice dock of one window, and the questions it asks as the timeline moves."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.panel = PracticePanel()
        self.dock = window._dock(self.panel, "Practice", Qt.DockWidgetArea.RightDockWidgetArea, "practiceDock")
        window.tabifyDockWidget(window.inspector_dock, self.dock)
        self.dock.hide()
        window.palette_dock.raise_()
        self.enabled = False
        self.quiz: StepQuiz | None = None
        self.answered: set[int] = set()
        self.scores: dict[str, Score] = {}
        self._trace: Trace | None = None
        self._moving = False
        self._last = -1  # the step the player was at before its latest move: asking needs a forward move
        self.toggle = QToolButton()
        self.toggle.setObjectName("practiceToggle")
        self.toggle.setAccessibleName("Practice: predict each edge of the reverse pass")
        self.toggle.setText("Practice")
        self.toggle.setToolTip(
            "Practice: before each edge of the reverse pass is shown, say its contribution's shape, rule and numbers"
        )
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self.set_enabled)
        timeline = window.timeline.layout()
        row = _row_holding(timeline, window.timeline.buttons["end"]) if timeline is not None else None
        if row is not None:  # beside the step buttons
            row.insertWidget(row.indexOf(window.timeline.buttons["end"]) + 1, self.toggle)
        self.action: QAction | None = None  # Step ▸ Practice, set by the menus
        self.panel.answered.connect(self._answered)

    @property
    def score(self) -> Score:
        """This graph's score in this session (graphs told apart by file, or by title when untitled)."""
        key = str(self.window.path or self.window.document.title or "untitled")
        return self.scores.setdefault(key, Score())

    def set_enabled(self, enabled: bool) -> None:
        """Practice on or off; the toggle and Step ▸ Practice follow each other."""
        if enabled == self.enabled:
            return
        self.enabled = enabled
        for control in (self.toggle, self.action):
            if control is not None and control.isChecked() != enabled:
                control.setChecked(enabled)
        self.window.hint.setVisible(not enabled)  # a graph's hint often names the rule being asked for
        if enabled:
            # connected now, so after every view: holding the step back redraws the step before last of all
            self.window.player.moved.connect(self._step_shown)
            self._last = self.window.player.index
            self.window.run.set_mode("reverse")
            self.dock.show()
            self.dock.raise_()
            self.panel.idle("Step on (→): before each edge of the reverse pass is shown, you will be asked about it.")
        else:
            self.window.player.moved.disconnect(self._step_shown)
            self.quiz = None
            self.panel.idle(f"Practice is off. {self.score.summary(self._trace)}")

    def _trace_now(self) -> Trace | None:
        playback = self.window.player.playback if self.window.run.mode == "reverse" else None
        return playback.trace if playback is not None and isinstance(playback.trace, Trace) else None

    def _step_shown(self, index: int) -> None:
        came_from, self._last = self._last, index
        if not self.enabled or self._moving or not shiboken6.isValid(self.panel):
            return
        trace = self._trace_now()
        if trace is None:
            return
        if trace is not self._trace:  # another graph, or new numbers: every step is asked again
            self._trace, self.answered, self.quiz = trace, set(), None
        story = story_of(trace)
        position = story.position(index)
        told = story.told[position] if index >= 0 else None
        edge = told if told is not None and isinstance(trace.steps[told.shown], BackwardStep) else None
        if edge is not None and edge.shown not in self.answered and came_from < edge.steps[0]:
            self._ask(trace, position)
        elif index == len(trace) - 1:
            self._pass_done(trace)

    def _pass_done(self, trace: Trace) -> None:
        self.panel.idle(f"The pass is done. {self.score.summary(trace)}")
        self.panel.score.setText(self.score.summary(trace))

    def _ask(self, trace: Trace, position: int) -> None:
        """Hold the timeline where told step ``position - 1`` ends and ask about the edge told at
        ``position`` (its contribution is the trace's backward step)."""
        story = story_of(trace)
        index = story.told[position].shown
        self.window.player.pause()
        if self.quiz is None or self.quiz.index != index:
            self.quiz = StepQuiz(trace, index)
            self.panel.feedback.setText("")
        self._seek(story.index(position - 1))
        self.dock.show()
        self.dock.raise_()
        self.panel.ask(self.quiz, f"Step {position + 1} of {len(story)}: {story.sentence(position)}")

    def _seek(self, index: int) -> None:
        """Move the player without asking about where it lands (practice's own moves)."""
        self._moving = True
        try:
            self.window.player.seek(index)
        finally:
            self._moving = False

    def _answered(self, given: object) -> None:
        quiz = self.quiz
        if quiz is None or quiz.done:
            return
        feedback = quiz.answer(given)
        self.panel.show_feedback(feedback, quiz.step.contribution)
        if not quiz.done:
            if quiz.stage != "numbers" or feedback.correct or feedback.revealed:
                self.panel.ask(quiz, self.panel.heading.text())  # the next question; the last feedback stays
            return
        self.answered.add(quiz.index)
        self.score.record(quiz)
        self.panel.score.setText(self.score.summary(self._trace))
        self.quiz = None
        self._seek(quiz.index)  # the edge plays: the player lands where its told step ends, after its addition
        if self.window.player.index == len(quiz.trace) - 1:
            self._pass_done(quiz.trace)
