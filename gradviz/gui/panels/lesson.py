"""The lesson panel: the current stop's text with its math typeset, and Previous / Next; and the dialog
that writes a stop.

A stop's text comes from a file, so it is never markup: the words go through ``notation.rich`` (escaped,
bars drawn as overlines) and each ``$...$`` is typeset by matplotlib's mathtext, as the formula panel does,
and shown as an image; math mathtext cannot typeset is shown as its source, escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gradviz.gui.notation import plain, rich
from gradviz.gui.panels.formula import typeset
from gradviz.model.lesson import PANELS, LessonError, Segment, Stop

MATH_POINTS = 13.0


def segments_html(document: QTextDocument, segments: Sequence[Segment], colour: str) -> str:
    """``segments`` as rich text for ``document``: words escaped, math as typeset images added to it."""
    parts = []
    for number, segment in enumerate(segments):
        if not segment.math:
            parts.append(rich(segment.text))
            continue
        png = typeset(segment.text, MATH_POINTS, colour)
        image = QImage.fromData(png) if png else QImage()
        if image.isNull():
            parts.append(f"<i>{plain(segment.text)}</i>")
            continue
        name = f"math-{number}-{abs(hash(segment.text))}.png"
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        # typeset at 2× (200 dpi): shown at half its pixels, sharp on high-density screens
        parts.append(
            f'<img src="{name}" width="{image.width() // 2}" height="{image.height() // 2}" '
            'style="vertical-align: middle">'
        )
    return "".join(parts)


class LessonPanel(QWidget):
    """Stop k of n, its text, and the buttons that move through the lesson."""

    previous_requested = Signal()
    next_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("lessonPanel")
        self.setAccessibleName("Lesson")
        self.heading = QLabel()
        self.heading.setObjectName("lessonHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QTextBrowser()
        self.text.setObjectName("lessonText")
        self.text.setAccessibleName("The lesson's text at this stop")
        self.text.setOpenLinks(False)
        self.text.setMinimumHeight(70)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.text.setFont(font)
        self.previous = QPushButton("◂ Previous")
        self.previous.setObjectName("lessonPrevious")
        self.previous.setAccessibleName("Previous stop")
        self.next = QPushButton("Next ▸")
        self.next.setObjectName("lessonNext")
        self.next.setAccessibleName("Next stop")
        self.previous.clicked.connect(self.previous_requested)
        self.next.clicked.connect(self.next_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.previous)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.text, 1)

    def show_stop(
        self, position: int | None, count: int, segments: Sequence[Segment] | None, problem: str | None = None
    ) -> None:
        """Stop ``position`` (from 0) of ``count``: its text, or the one-line ``problem`` that keeps it from showing."""
        self.previous.setEnabled(position is not None and position > 0)
        self.next.setEnabled(count > 0 and (position is None or position < count - 1))
        if count == 0:
            self.heading.setText("No stops yet")
            self.text.setHtml(
                plain("This graph has no lesson. Step to a moment worth explaining and choose Lesson ▸ Add Stop Here.")
            )
            return
        if position is None:
            self.heading.setText(f"{count} stops")
            self.text.setHtml(plain("Press Next to start the lesson."))
            return
        self.heading.setText(f"Stop {position + 1} of {count}")
        if problem is not None:
            self.text.setHtml(f"<span style='color:#d64541'>{plain(problem)}</span>")
            return
        colour = self.text.palette().color(self.text.foregroundRole()).name()
        self.text.document().clear()
        self.text.setHtml(segments_html(self.text.document(), segments or (), colour))


class StopDialog(QDialog):
    """Write or edit one stop: its text (checked live against the trace), the node to select, the panel."""

    def __init__(
        self, parent: QWidget, stop: Stop, node_ids: Sequence[str], preview: Callable[[Stop], Sequence[Segment]]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stopDialog")
        self.setAccessibleName("Lesson stop")
        self.setWindowTitle(f"Lesson stop at step {stop.step}")
        self.step, self._preview = stop.step, preview
        self.editor = QPlainTextEdit(stop.text)
        self.editor.setObjectName("stopText")
        self.editor.setAccessibleName("Text of the stop")
        self.editor.setPlaceholderText("Plain words, math in $...$, numbers as {{W.bar[0,1]}}")
        self.node = QComboBox()
        self.node.setObjectName("stopNode")
        self.node.setAccessibleName("Node to select")
        self.node.addItem("(none)", None)
        for node_id in node_ids:
            self.node.addItem(node_id, node_id)
        self.node.setCurrentIndex(max(0, self.node.findData(stop.node)))
        self.panel = QComboBox()
        self.panel.setObjectName("stopPanel")
        self.panel.setAccessibleName("Panel to show")
        self.panel.addItem("(none)", None)
        for name in PANELS:
            self.panel.addItem(name, name)
        self.panel.setCurrentIndex(max(0, self.panel.findData(stop.panel)))
        self.check = QLabel()
        self.check.setObjectName("stopCheck")
        self.check.setTextFormat(Qt.TextFormat.PlainText)
        self.check.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("stopButtons")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Text", self.editor)
        form.addRow("Select", self.node)
        form.addRow("Show", self.panel)
        form.addRow(self.check)
        form.addRow(self.buttons)
        self.editor.textChanged.connect(self._checked)
        self.resize(560, 300)
        self._checked()

    def stop(self) -> Stop:
        return Stop(self.step, self.editor.toPlainText().strip(), self.node.currentData(), self.panel.currentData())

    def _checked(self) -> None:
        """OK only for a text that shows: every placeholder resolves at this step."""
        stop = self.stop()
        ok = bool(stop.text)
        try:
            shown = "".join(s.text if not s.math else f"${s.text}$" for s in self._preview(stop)) if ok else ""
            self.check.setText(f"Shows: {shown}" if ok else "Write what the student should see here.")
        except LessonError as error:
            ok = False
            self.check.setText(str(error))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
