"""The practice panel: one question at a time about the backward step about to be shown.

It only asks and shows; checking is the Qt-free ``StepQuiz`` (gradviz.model.practice). Formulas are
shown as plain Unicode text (names from files are never markup).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.model.practice import Feedback, StepQuiz, grid_shape

WRONG = QColor("#f4b6b0")  # a soft red a projector still shows, with the text on it readable
RIGHT = QColor("#bfe3c0")


def _plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PracticePanel(QWidget):
    """The question, the place to answer it, Check, what the check said, and the score so far."""

    answered = Signal(object)  # the shape text, the chosen option's index, or the grid's rows of text

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("practicePanel")
        self.setAccessibleName("Practice")
        self.heading = _plain_label("practiceHeading")
        self.question = _plain_label("practiceQuestion")
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question.setFont(font)
        self.shape = QLineEdit()
        self.shape.setObjectName("practiceShape")
        self.shape.setAccessibleName("Shape")
        self.shape.setPlaceholderText("rows×columns, e.g. 3×2")
        self.shape.returnPressed.connect(self._check)
        self.choice_box = self._choice_buttons()
        self.grid = QTableWidget()
        self.grid.setObjectName("practiceGrid")
        self.grid.setAccessibleName("Numbers of the contribution")
        self.grid.horizontalHeader().setDefaultSectionSize(96)  # room for −0.123456 as typed
        font = self.grid.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.grid.setFont(font)
        self.check = QPushButton("Check")
        self.check.setObjectName("practiceCheck")
        self.check.setAccessibleName("Check the answer")
        self.check.clicked.connect(self._check)
        self.feedback = _plain_label("practiceFeedback")
        self.score = _plain_label("practiceScore")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.question)
        layout.addWidget(self.shape)
        layout.addWidget(self.choice_box)
        layout.addWidget(self.grid)
        row = QHBoxLayout()
        row.addWidget(self.check)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.feedback)
        layout.addStretch(1)
        layout.addWidget(self.score)
        self.idle("Step on (→): before each edge of the reverse pass is shown, you will be asked about it.")

    def _choice_buttons(self) -> QWidget:
        """Four radio buttons, one per rule offered."""
        self.choices = QButtonGroup(self)
        column = QVBoxLayout()
        self.choice_buttons = []
        for number in range(4):
            button = QRadioButton()
            button.setObjectName(f"practiceChoice{number}")
            button.setAccessibleName(f"Rule {number + 1}")
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.2)
            button.setFont(font)
            self.choices.addButton(button, number)
            self.choice_buttons.append(button)
            column.addWidget(button)
        box = QWidget()
        box.setLayout(column)
        return box

    def idle(self, text: str) -> None:
        """No question open."""
        self.heading.setText("")
        self.question.setText(text)
        for widget in (self.shape, self.choice_box, self.grid, self.check):
            widget.hide()

    def ask(self, quiz: StepQuiz, heading: str) -> None:
        """Show the question of ``quiz``'s current stage."""
        self.heading.setText(heading)
        self.question.setText(quiz.question())
        self.shape.setVisible(quiz.stage == "shape")
        self.choice_box.setVisible(quiz.stage == "rule")
        self.grid.setVisible(quiz.stage == "numbers")
        self.check.show()
        if quiz.stage == "shape":
            self.shape.clear()
            self.shape.setFocus()
        elif quiz.stage == "rule":
            self.choices.setExclusive(False)
            for button, option in zip(self.choice_buttons, quiz.choices.options):
                button.setChecked(False)
                button.setText(option)
            self.choices.setExclusive(True)
        else:
            rows, columns = grid_shape(quiz.step.contribution.shape)
            self.grid.clear()
            self.grid.setRowCount(rows)
            self.grid.setColumnCount(columns)
            for row in range(rows):
                for column in range(columns):
                    self.grid.setItem(row, column, QTableWidgetItem(""))
            self.grid.setMaximumHeight(
                self.grid.horizontalHeader().height() + 8 + rows * self.grid.verticalHeader().defaultSectionSize()
            )

    def show_feedback(self, feedback: Feedback, truth: np.ndarray | None = None) -> None:
        """What the check said; for numbers, the wrong cells marked (and the truth typed in once revealed)."""
        self.feedback.setText(feedback.message)
        if feedback.wrong is None or not self.grid.isVisible():
            return
        values = None if truth is None else np.asarray(truth).reshape(feedback.wrong.shape)
        for (row, column), wrong in np.ndenumerate(feedback.wrong):
            item = self.grid.item(row, column)
            assert item is not None, "ask() put an item in every cell of the numbers grid, which is the one shown"
            item.setBackground(QBrush(WRONG if wrong else RIGHT))
            item.setToolTip("wrong" if wrong else "right")
            if feedback.revealed and values is not None:
                item.setText(f"{values[row, column]:.6g}")

    def typed_grid(self) -> list[list[str]]:
        return [
            [self._cell_text(row, column) for column in range(self.grid.columnCount())]
            for row in range(self.grid.rowCount())
        ]

    def _cell_text(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text() if item is not None else ""

    def _check(self) -> None:
        if self.shape.isVisible():
            self.answered.emit(self.shape.text())
        elif self.choice_box.isVisible():
            if self.choices.checkedId() >= 0:
                self.answered.emit(self.choices.checkedId())
        elif self.grid.isVisible():
            self.grid.setCurrentCell(-1, -1)  # commit a cell still being edited
            self.answered.emit(self.typed_grid())
