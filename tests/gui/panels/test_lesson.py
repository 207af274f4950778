"""The lesson panel and the stop dialog, clicked and typed as a teacher does: Previous/Next enabled where
they lead somewhere, a stop's words shown as text and its math typeset, OK only for a text that shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from gradviz.gui.panels.lesson import LessonPanel, StopDialog, segments_html
from gradviz.model.lesson import LessonError, Segment, Stop


def _panel(qtbot) -> LessonPanel:
    panel = LessonPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_the_buttons_lead_only_where_there_is_a_stop(qtbot):
    panel = _panel(qtbot)
    panel.show_stop(None, 0, None)
    assert panel.heading.text() == "No stops yet" and not panel.next.isEnabled() and not panel.previous.isEnabled()
    panel.show_stop(None, 3, None)
    assert panel.heading.text() == "3 stops" and panel.next.isEnabled() and not panel.previous.isEnabled()
    panel.show_stop(0, 3, (Segment("first"),))
    assert panel.heading.text() == "Stop 1 of 3" and panel.next.isEnabled() and not panel.previous.isEnabled()
    panel.show_stop(2, 3, (Segment("last"),))
    assert panel.previous.isEnabled() and not panel.next.isEnabled()
    with qtbot.waitSignal(panel.previous_requested):
        qtbot.mouseClick(panel.previous, Qt.MouseButton.LeftButton)
    panel.show_stop(1, 3, (Segment("middle"),))
    with qtbot.waitSignal(panel.next_requested):
        qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)


def test_a_stops_words_are_text_its_math_an_image_and_a_problem_one_red_line(qtbot):
    panel = _panel(qtbot)
    panel.show_stop(0, 1, (Segment("<b>not bold</b> then "), Segment(r"\bar{x} = W^T \bar{a}", math=True)))
    assert panel.text.toPlainText().startswith("<b>not bold</b> then ")
    assert "<img" in panel.text.toHtml() and "math-1-" in panel.text.toHtml()
    panel.show_stop(0, 1, None, "stop 1: no node 'q'")
    assert panel.text.toPlainText() == "stop 1: no node 'q'" and "#d64541" in panel.text.toHtml()


def test_math_that_cannot_be_typeset_shows_as_its_source_in_italics(qapp):
    html = segments_html(QTextDocument(), (Segment(r"\frac{", math=True),), "#000000")
    assert html == r"<i>\frac{</i>"


def _dialog(qtbot, parent: QWidget, preview) -> StopDialog:
    qtbot.addWidget(parent)
    dialog = StopDialog(parent, Stop(4, "", None, None), ["W", "x"], preview)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_ok_is_only_for_a_text_that_shows_and_the_stop_keeps_what_was_chosen(qtbot):
    def preview(stop: Stop) -> list[Segment]:
        if "{{" in stop.text:
            raise LessonError("stop 1: no node 'q'")
        return [Segment(stop.text)]

    parent = QWidget()  # the window it opens over (kept: the dialog goes with it)
    dialog = _dialog(qtbot, parent, preview)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.windowTitle() == "Lesson stop at step 4"
    qtbot.keyClicks(dialog.editor, "Look at {{q.bar}}")
    assert not ok.isEnabled() and dialog.check.text() == "stop 1: no node 'q'"
    dialog.editor.selectAll()
    qtbot.keyClicks(dialog.editor, "Look at the bar of W")
    assert ok.isEnabled() and dialog.check.text() == "Shows: Look at the bar of W"
    dialog.node.setCurrentIndex(dialog.node.findData("W"))
    dialog.panel.setCurrentIndex(dialog.panel.findData("formula"))
    assert dialog.stop() == Stop(4, "Look at the bar of W", "W", "formula")
