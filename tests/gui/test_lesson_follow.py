"""Following and writing a lesson in the window: Next/Previous, the Lesson menu, undo, saving."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser

from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES

STOPS = [
    {"step": 2, "text": "a = W x is {{a.value}}", "node": "a"},
    {
        "step": 9,
        "text": "$\\bar{W} = \\bar{a} x^T$, so $\\bar{W}_{01}$ = {{W.bar[0,1]}}",
        "node": "W",
        "panel": "inspector",
    },
    {"step": 11, "text": "x̄ = Wᵀ ā = {{x.bar}}", "node": "x", "panel": "formula"},
]


@pytest.fixture
def lesson_file(tmp_path):
    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    document["view"] = {"stops": STOPS}
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(document))
    return path


def shown_text(window) -> str:
    return window.findChild(QTextBrowser, "lessonText").toPlainText()


def click(qtbot, window, name: str) -> None:
    from PySide6.QtWidgets import QPushButton  # noqa: PLC0415

    qtbot.mouseClick(window.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_opening_a_lesson_follows_it_and_next_moves_selects_and_opens(window, qtbot, lesson_file):
    window.show()
    assert window.open_path(lesson_file)
    assert window.lesson.dock.isVisible()
    assert "Press Next" in shown_text(window)
    click(qtbot, window, "lessonNext")
    assert window.player.index == 2 and window.scene.selected_ids() == ["a"]
    assert shown_text(window) == "a = W x is (−0.5, 1.1, 0.3)ᵀ"  # W x with W, x of the file: by hand
    click(qtbot, window, "lessonNext")
    assert window.player.index == 9 and window.scene.selected_ids() == ["W"]
    assert not window.inspector_dock.visibleRegion().isEmpty()
    # W̄ = ā xᵀ, ā = 2(a − y) = (−2, 2.2, −1.4)ᵀ, x = (1, 2)ᵀ: W̄₀₁ = −2 · 2 = −4
    assert shown_text(window).endswith("= −4")
    click(qtbot, window, "lessonNext")
    assert window.player.index == 11 and window.scene.selected_ids() == ["x"]
    assert not window.findChild(type(window.lesson.panel.next), "lessonNext").isEnabled()
    click(qtbot, window, "lessonPrevious")
    assert window.player.index == 9 and window.lesson.position == 1


def test_stepping_by_hand_keeps_the_panel_on_the_stop_before(window, qtbot, lesson_file):
    window.show()
    window.open_path(lesson_file)
    window.player.seek(7)  # ā's edge: after stop 1 (step 2), before stop 2 (step 9)
    assert window.lesson.position == 0 and window.lesson.panel.heading.text() == "Stop 1 of 3"
    window.player.step()  # → tells W̄'s edge, steps 8 and 9: stop 2's step
    assert window.player.index == 9
    assert window.lesson.position == 1 and window.lesson.panel.heading.text() == "Stop 2 of 3"
    window.player.seek(0)
    assert window.lesson.position is None


def test_a_stop_inside_a_told_step_lands_where_it_ends_and_quotes_what_the_canvas_shows(window, qtbot, tmp_path):
    # step 8 is W̄'s contribution (ā xᵀ) and step 9 its addition into W̄: the timeline tells them as one step,
    # so the stop lands on 9, where the canvas shows W̄, and W̄₀₁ = ā₀ x₁ = −2 · 2 = −4 is there to quote
    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    document["view"] = {"stops": [{"step": 8, "text": "its top-right element is {{W.bar[0,1]}}", "node": "W"}]}
    path = tmp_path / "inside.json"
    path.write_text(json.dumps(document))
    window.show()
    window.open_path(path)
    click(qtbot, window, "lessonNext")
    assert window.player.index == 9
    assert shown_text(window) == "its top-right element is −4"
    assert window.scene.nodes["W"].look.bar.array()[0, 1] == -4  # the number the canvas draws in W's bar


def test_a_broken_placeholder_shows_one_line_in_the_panel(window, qtbot, tmp_path):
    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    document["view"] = {"stops": [{"step": 3, "text": "too early: {{W.bar[0,0]}}"}]}
    path = tmp_path / "early.json"
    path.write_text(json.dumps(document))
    window.show()
    window.open_path(path)
    window.lesson.next()
    assert shown_text(window) == "stop 1 (step 3): node 'W': its bar has not been reached yet at step 3"


def test_add_edit_remove_a_stop_undo_and_save(window, qtbot, tmp_path):
    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    document["view"] = {}
    (tmp_path / "bare.json").write_text(json.dumps(document))
    window.show()
    window.open_path(tmp_path / "bare.json")
    assert not window.lesson.dock.isVisible()  # no stops: no lesson
    window.player.seek(9)
    window.scene.nodes["W"].setSelected(True)
    dialog = window.lesson.add_stop_here()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no text yet
    dialog.editor.setPlainText("W̄[0,1] = {{W.bar[0,7]}}")
    assert not ok.isEnabled() and "outside its shape 3×2" in dialog.check.text()
    dialog.editor.setPlainText("W̄[0,1] = {{W.bar[0,1]}}")
    assert ok.isEnabled() and dialog.check.text() == "Shows: W̄[0,1] = −4"
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.document.view["stops"] == [{"step": 9, "text": "W̄[0,1] = {{W.bar[0,1]}}", "node": "W"}]
    assert window.lesson.dock.isVisible() and shown_text(window) == "W[0,1] = −4"  # the bar: an overline
    assert "overline" in window.findChild(QTextBrowser, "lessonText").toHtml()

    window.player.seek(2)
    dialog = window.lesson.add_stop_here()
    dialog.editor.setPlainText("first")
    dialog.accept()
    assert [stop["step"] for stop in window.document.view["stops"]] == [2, 9]  # kept in the order of the pass

    window.lesson.go(1)
    dialog = window.lesson.edit_stop()
    dialog.panel.setCurrentIndex(dialog.panel.findData("inspector"))
    dialog.accept()
    assert window.document.view["stops"][1]["panel"] == "inspector"
    window.lesson.remove_stop()
    assert [stop["step"] for stop in window.document.view["stops"]] == [2]

    undo = window.findChild(QAction, "actionUndo")
    undo.trigger()
    assert window.document.view["stops"][1]["panel"] == "inspector"
    undo.trigger()
    assert "panel" not in window.document.view["stops"][1]
    undo.trigger()
    undo.trigger()
    assert "stops" not in window.document.view
    window.findChild(QAction, "actionRedo").trigger()
    window.save_to(tmp_path / "written.json")
    assert [
        stop.to_json()
        for stop in __import__("gradviz.model.lesson", fromlist=["stops_of"]).stops_of(
            read(tmp_path / "written.json").view
        )
    ] == [{"step": 9, "text": "W̄[0,1] = {{W.bar[0,1]}}", "node": "W"}]


def test_the_lesson_menu_is_there_with_named_actions(window):
    for name in ("actionFollowLesson", "actionAddStop", "actionEditStop", "actionRemoveStop"):
        assert window.findChild(QAction, name) is not None
    window.findChild(QAction, "actionFollowLesson").trigger()
    assert window.lesson.dock.isVisible() or not window.isVisible()
