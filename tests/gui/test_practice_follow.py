"""Practice in the window: a told edge is held back until its contribution's shape, rule and numbers are
answered.

The linear layer's trace: forward steps 0–4, the seed 5, then three edges, each a backward step and its
addition: ā (6, 7), W̄ (8, 9), x̄ (10, 11). The timeline tells each edge as one step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QPushButton, QRadioButton, QTableWidget, QToolButton

from gradviz.io.paths import EXAMPLES


def check(qtbot, window) -> None:
    qtbot.mouseClick(window.findChild(QPushButton, "practiceCheck"), Qt.MouseButton.LeftButton)


def test_a_backward_step_waits_for_its_answers_then_plays(window, qtbot):
    window.show()
    window.open_path(EXAMPLES / "linear_layer.json")
    toggle = window.findChild(QToolButton, "practiceToggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert window.findChild(QAction, "actionPractice").isChecked() and window.practice.dock.isVisible()
    for _ in range(7):  # → past the five forward steps and the seed, onto ā's edge
        window.player.step()
    assert window.player.index == 5  # held where the seed ends: ā's edge (steps 6 and 7) is not shown yet
    assert window.practice.quiz.index == 6  # the question is about its contribution, the backward step
    assert window.practice.panel.heading.text().startswith("Step 7 of 9: ")  # counted as the timeline counts
    panel = window.practice.panel
    assert panel.question.text() == "What shape is the contribution to ā?"

    shape = window.findChild(QLineEdit, "practiceShape")
    qtbot.keyClicks(shape, "1×3")
    check(qtbot, window)
    assert panel.feedback.text().startswith("Hint: the rule with its shapes is (3×1) =")
    shape.clear()
    qtbot.keyClicks(shape, "3x1")
    qtbot.keyClick(shape, Qt.Key.Key_Return)
    assert panel.question.text() == "Which rule gives the contribution to ā?"

    right = window.practice.quiz.choices.right
    choice = window.findChild(QRadioButton, f"practiceChoice{right}")
    qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(8, choice.height() // 2))  # on the circle
    assert choice.isChecked()
    check(qtbot, window)
    assert panel.feedback.text() == "Right." and window.practice.quiz.stage == "numbers"

    grid = window.findChild(QTableWidget, "practiceGrid")
    a_bar = 2 * (np.array([-0.5, 1.1, 0.3]) - np.array([0.5, 0.0, 1.0]))  # 2(W x − y), W x by hand
    assert (grid.rowCount(), grid.columnCount()) == (3, 1)
    for row, value in enumerate(a_bar):
        grid.item(row, 0).setText(str(float(value)))
    grid.item(2, 0).setText("1.4")  # the sign wrong
    check(qtbot, window)
    assert grid.item(2, 0).toolTip() == "wrong" and grid.item(0, 0).toolTip() == "right"
    assert window.player.index == 5
    grid.item(2, 0).setText("-1.4")
    check(qtbot, window)
    assert window.player.index == 7  # answered: the edge plays, its contribution added into ā
    assert panel.score.text() == "0 of 1 steps right first time, 1 after a hint."  # the shape needed the hint


def test_two_wrong_answers_show_the_answer_and_the_end_shows_the_score(window, qtbot):
    window.show()
    window.open_path(EXAMPLES / "linear_layer.json")
    window.findChild(QAction, "actionPractice").trigger()
    assert window.findChild(QToolButton, "practiceToggle").isChecked()
    trace = window.player.run().trace
    story = window.player.playback.story
    backward = [s.index for s in trace.steps if s.kind == "backward"]
    shape = window.findChild(QLineEdit, "practiceShape")
    asked = []
    while window.player.index < len(trace) - 1:
        before = window.player.index
        window.player.step()
        quiz = window.practice.quiz
        if quiz is None:
            assert window.player.index == story.after(before)
            continue
        asked.append(quiz.index)
        assert window.player.index == before  # held
        for _ in range(2):
            shape.setText("7×7")
            check(qtbot, window)
        assert window.practice.panel.feedback.text().endswith(
            f"has the shape of {quiz.step.parent.name}: " + "×".join(map(str, quiz.step.parent.shape))
        )
        window.practice.panel.answered.emit(quiz.choices.right)
        if quiz.stage == "numbers":
            window.practice.panel.answered.emit(
                [
                    [str(v) for v in row]
                    for row in np.atleast_2d(quiz.step.contribution).reshape(window.practice.panel.grid.rowCount(), -1)
                ]
            )
        assert window.player.index == quiz.index + 1  # the edge played: its addition follows its contribution
    assert asked == backward  # every edge asked, in order
    summary = window.practice.panel.score.text()
    assert summary.startswith(f"0 of {len(backward)} steps right first time")
    assert all(f"step {story.position(k) + 1} (" in summary for k in backward)  # as the timeline counts
    assert window.practice.panel.question.text().startswith("The pass is done.")
    window.practice.set_enabled(False)
    assert not window.findChild(QToolButton, "practiceToggle").isChecked()


def test_a_jump_asks_only_about_the_edge_it_lands_on_and_going_back_never_asks(window, qtbot):
    window.show()
    window.open_path(EXAMPLES / "linear_layer.json")
    window.findChild(QAction, "actionPractice").trigger()
    window.player.end()  # over ā's and W̄'s edges onto x̄'s, the last told step
    assert window.practice.quiz.index == 10 and window.player.index == 9  # held where W̄'s edge ends
    window.player.back()  # ← onto W̄'s edge, never answered: moving back is reviewing, not asked
    assert window.player.index == 7 and window.practice.quiz.index == 10
