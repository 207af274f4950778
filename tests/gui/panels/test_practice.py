"""The practice panel asks one question at a time and sends what was typed or chosen, as typed; checking is
the model's (tests/model/test_practice.py). The question here: linear_layer's first edge back, L → a, whose
contribution to ā has a's shape, 3×1 (W is 3×2, x is 2×1)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from gradviz.engine.trace import BackwardStep
from gradviz.engine.tracer import run
from gradviz.gui.panels.practice import PracticePanel
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES
from gradviz.model.practice import Feedback, StepQuiz


def _quiz() -> StepQuiz:
    _, program = load(EXAMPLES / "linear_layer.json")
    trace = run(program)
    first_back = next(step.index for step in trace.steps if isinstance(step, BackwardStep))
    return StepQuiz(trace, first_back)


def _panel(qtbot) -> PracticePanel:
    panel = PracticePanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    return panel


def test_idle_shows_only_the_words(qtbot):
    panel = _panel(qtbot)
    panel.idle("Step on.")
    assert panel.question.text() == "Step on."
    assert not any(w.isVisible() for w in (panel.shape, panel.choice_box, panel.grid, panel.check))


def test_the_shape_typed_is_sent_on_enter(qtbot):
    panel, quiz = _panel(qtbot), _quiz()
    panel.ask(quiz, "Edge 1 of 3")
    assert panel.heading.text() == "Edge 1 of 3" and panel.question.text() == quiz.question()
    assert panel.shape.isVisible() and not panel.choice_box.isVisible() and not panel.grid.isVisible()
    with qtbot.waitSignal(panel.answered) as sent:
        qtbot.keyClicks(panel.shape, "3x1")
        qtbot.keyClick(panel.shape, Qt.Key.Key_Return)
    assert sent.args == ["3x1"]


def test_the_rule_chosen_is_sent_on_check_and_nothing_before_a_choice(qtbot):
    panel, quiz = _panel(qtbot), _quiz()
    quiz.stage = "rule"
    panel.ask(quiz, "Edge 1 of 3")
    assert [b.text() for b in panel.choice_buttons] == list(quiz.choices.options)
    sent: list[object] = []
    panel.answered.connect(sent.append)
    qtbot.mouseClick(panel.check, Qt.MouseButton.LeftButton)
    assert sent == []  # no rule chosen yet
    third = panel.choice_buttons[2]
    qtbot.mouseClick(third, Qt.MouseButton.LeftButton, pos=QPoint(8, third.height() // 2))  # on its circle
    assert third.isChecked()
    qtbot.mouseClick(panel.check, Qt.MouseButton.LeftButton)
    assert sent == [2]


def test_the_numbers_typed_are_sent_and_the_wrong_cells_marked_then_revealed(qtbot):
    panel, quiz = _panel(qtbot), _quiz()
    quiz.stage = "numbers"
    panel.ask(quiz, "Edge 1 of 3")
    assert (panel.grid.rowCount(), panel.grid.columnCount()) == (3, 1)  # ā is 3×1
    for row, text in enumerate(("0.5", "-1", "2")):
        panel.grid.setCurrentCell(row, 0)
        panel.grid.editItem(panel.grid.item(row, 0))
        qtbot.keyClicks(QApplication.focusWidget(), text)
    with qtbot.waitSignal(panel.answered) as sent:
        qtbot.mouseClick(panel.check, Qt.MouseButton.LeftButton)
    assert sent.args == [[["0.5"], ["-1"], ["2"]]]
    wrong = np.array([[False], [True], [False]])
    panel.show_feedback(Feedback(False, "One number is off.", revealed=True, wrong=wrong), np.array([0.5, 7.0, 2.0]))
    assert panel.feedback.text() == "One number is off."
    assert [panel.grid.item(row, 0).toolTip() for row in range(3)] == ["right", "wrong", "right"]
    assert [panel.grid.item(row, 0).text() for row in range(3)] == ["0.5", "7", "2"]
