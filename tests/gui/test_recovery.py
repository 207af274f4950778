"""Crash recovery (issue 10, item 3): one locked recovery file per running window, written soon after
each edit; only a crashed window's work is offered, with its timeline mode and step, unsaved, under
its own path; a running window's work is never offered to another or deleted by it.

A crash is a real one: a child process runs a window, edits, waits for the autosave and dies with
``os._exit`` (no close, no clean-up), leaving its recovery file and a lock whose owner is gone.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMessageBox

from gradviz.gui.files import AUTOSAVE_AFTER_EDIT_MS
from gradviz.gui.recovery import Recovery
from gradviz.io.graph_file import read, save
from gradviz.io.paths import EXAMPLES

ROOT = Path(__file__).parents[2]

WINDOW_THAT_CRASHES = """
import dataclasses, os, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gradviz.gui.commands import ReplaceNode
from gradviz.gui.main_window import MainWindow
from gradviz.gui.recovery import Recovery
folder, path, mode, step, when = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
window = MainWindow(QSettings(folder + "/child.ini", QSettings.Format.IniFormat), Recovery(Path(folder) / "state"))
window.show()
window.open_path(path)
x = window.document.nodes["x"]  # the last edit (the graph still runs): no periodic autosave for 30 s
window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(x, label="x0"), "label"))
app.processEvents()  # the edit's retrace
window.run.set_mode(mode)  # then the student moves along the timeline before the autosave comes
window.player.seek(step)
deadline = time.monotonic() + 20
while not window.recovery.graph_path.exists() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print(window.recovery.graph_path, flush=True)
if when == "later":
    sys.stdin.read()  # running until the test closes our stdin
os._exit(1)  # the crash
"""


def crashing_window(
    folder: Path, path: Path, mode: str = "reverse", step: int = -1, when: str = "now"
) -> tuple[subprocess.Popen, Path]:
    """A window in another process that edits ``path`` and crashes (at once, or when its stdin closes)."""
    child = subprocess.Popen(
        [sys.executable, "-c", WINDOW_THAT_CRASHES, str(folder), str(path), mode, str(step), when],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    written = Path(child.stdout.readline().strip())
    assert written.exists(), "the child's autosave never came"
    return child, written


@pytest.fixture
def lesson(tmp_path) -> Path:
    path = tmp_path / "lesson.json"
    save(read(EXAMPLES / "linear_layer.json"), path)
    return path


@pytest.fixture
def answers(monkeypatch):
    """Answer the recovery question with ``answers.reply``; ``answers.asked`` holds the questions."""

    class Answers:
        def __init__(self) -> None:
            self.reply, self.asked = QMessageBox.StandardButton.Yes, []

    replies = Answers()
    monkeypatch.setattr(
        QMessageBox, "question", lambda parent, title, text: replies.asked.append(text) or replies.reply
    )
    return replies


def test_a_crashed_windows_work_comes_back_unsaved_with_mode_step_and_path(make_window, tmp_path, lesson, answers):
    child, orphan = crashing_window(tmp_path, lesson, mode="forward", step=3)
    assert child.wait(timeout=30) == 1
    window = make_window()
    assert window.offer_recovery()
    assert answers.asked == [f"gradviz closed without saving {lesson}. Recover it?"]
    assert window.document.nodes["x"].label == "x0"
    assert window.mode == "forward" and window.player.index == 3  # the timeline as it was
    assert window.isWindowModified() and window.path == lesson  # unsaved, and Save goes to the lesson
    assert not orphan.exists() and window.recovery.graph_path.exists()  # this window holds the work now
    window.save()
    assert next(spec for spec in read(lesson).nodes if spec.id == "x").label == "x0"
    assert not window.recovery.graph_path.exists()  # saved: nothing left to recover


def test_a_running_windows_work_is_never_offered_to_another_nor_deleted(make_window, tmp_path, lesson, answers):
    child, theirs = crashing_window(tmp_path, lesson, when="later")  # another gradviz, running
    first = make_window()  # and one more in this process, with unsaved work of its own
    first.open_path(lesson)
    first.scene.add_op("exp", QPointF(0, 500))
    first.autosave()
    mine = first.recovery.graph_path
    assert mine.exists()

    second = make_window()
    assert not second.offer_recovery() and answers.asked == []  # both are alive: nothing to offer
    second.close()  # a clean close removes its own recovery file only
    assert theirs.exists() and mine.exists()

    child.stdin.close()  # now the other process crashes: its work is an orphan
    assert child.wait(timeout=30) == 1
    answers.reply = QMessageBox.StandardButton.No
    third = make_window()
    assert not third.offer_recovery()  # declined ...
    assert len(answers.asked) == 1
    assert not theirs.exists() and not theirs.with_suffix(".source").exists()  # ... the orphan goes
    assert mine.exists()  # and the running window's work stays
    assert not make_window().offer_recovery() and len(answers.asked) == 1  # nothing left to offer


def test_edits_reach_the_recovery_file_soon_after_the_last_one_in_one_write(window, qtbot, lesson, monkeypatch):
    window.open_path(lesson)
    writes: list[float] = []
    write = window.recovery.write
    monkeypatch.setattr(window.recovery, "write", lambda *args: (writes.append(time.monotonic()), write(*args)))
    for number in range(5):  # a burst of edits, closer together than the autosave delay
        qtbot.wait(200)
        window.scene.add_op("exp", QPointF(0, 500 + 100 * number))
        last_edit = time.monotonic()
    qtbot.waitUntil(lambda: len(writes) == 1, timeout=AUTOSAVE_AFTER_EDIT_MS + 2000)
    # after the last edit, not before (Qt's default coarse timers may fire up to 5% early)
    assert writes[0] - last_edit >= 0.95 * AUTOSAVE_AFTER_EDIT_MS / 1000 - 0.05
    qtbot.wait(300)
    assert len(writes) == 1
    assert sum(spec.op == "exp" for spec in read(window.recovery.graph_path).nodes) == 5


def test_undoing_back_to_the_saved_state_leaves_nothing_to_recover(window, lesson, tmp_path):
    window.open_path(lesson)
    window.scene.add_op("exp", QPointF(0, 500))
    window.autosave()
    assert window.recovery.graph_path.exists()
    window.undo_stack.undo()  # back to the file as saved
    assert not window.recovery.graph_path.exists()
    window.recovery.close()  # as if it crashed now: its lock gone, and no stale edits behind it
    assert Recovery(tmp_path / "state").claim_orphan() is None
