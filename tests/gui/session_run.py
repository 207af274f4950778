"""A scripted session in the real window, as a student would have it, checking the window after every action.

Opens each example, clicks every node on the canvas, plays to the end, steps back to step 0, switches
every timeline mode and toggles dark mode; after each action: the window's frame fits the screen, the
canvas's scale is positive and finite, after Fit the graph's bounding box is inside the canvas, and no
exception or Qt warning happened. It also measures the canvas's share of the window and the node text's
height on screen at the zoom each example opens at.

Run in its own process (the screen size is fixed when Qt starts):
    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python -m tests.gui.session_run [--shots DIR]
Prints one JSON object: {"problems": [...], "canvas_share": ..., "text_px": {...}, "actions": n}.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from gradviz.gui.canvas.view import SMALLEST_NODE_POINTS
from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_application import application
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import DEFAULT_EXAMPLE, EXAMPLES

# the offscreen and xcb plugins' notes on what they cannot do are not the window's warnings
IGNORED = re.compile(r"This plugin does not support|propagateSizeHints|QXcbConnection|XKeyboard|xkbcommon")


class Session:
    """Drives one window and records every problem seen, with the action that caused it."""

    def __init__(self, shots: Path | None) -> None:
        self.app = application(sys.argv[:1])
        self.problems: list[str] = []
        self.action = "start"
        self.actions = 0
        self.shots = shots
        qInstallMessageHandler(self._qt_message)
        sys.excepthook = lambda kind, value, tb: self.problems.append(
            f"{self.action}: exception {''.join(traceback.format_exception(kind, value, tb))}"
        )
        QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
        folder = Path(tempfile.mkdtemp())
        self.window = MainWindow(
            QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat), Recovery(folder / "state"), dark=False
        )
        self.window.show()
        # Shortcuts (F, End, ...) answer only in the active window; on a bare X server with no window manager
        # nothing activates a window on its own, so the session asks as a window manager would.
        self.window.activateWindow()
        if not QTest.qWaitForWindowActive(self.window, 3000):
            self.problems.append("start: the window never became active, so its shortcuts cannot answer")
        self.pump(40)

    def _qt_message(self, kind: QtMsgType, context: object, text: str) -> None:
        if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) and not IGNORED.search(text):
            self.problems.append(f"{self.action}: Qt warning: {text}")

    def pump(self, rounds: int = 8) -> None:
        for _ in range(rounds):
            self.app.processEvents()

    # ----- checks ------------------------------------------------------------------------------------

    def check(self, action: str, shot: bool = False) -> None:
        """The window after ``action``: on screen, a canvas with a usable scale."""
        self.action, self.actions = action, self.actions + 1
        self.pump()
        window, view = self.window, self.window.view
        available = window.screen().availableGeometry()
        if not available.contains(window.frameGeometry()):
            self.problems.append(
                f"{action}: the window {window.frameGeometry().getRect()} is not inside the "
                f"screen {available.getRect()}"
            )
        strays = [
            widget
            for widget in self.app.topLevelWidgets()
            if widget.isVisible() and widget is not window and widget.windowType() == Qt.WindowType.Window
        ]
        if strays:
            self.problems.append(
                f"{action}: a stray window is shown (and takes the keys): "
                f"{[type(w).__name__ + ':' + w.objectName() for w in strays]} "
                f"{[getattr(c, 'text', lambda: '')()[:60] for c in strays[0].findChildren(QWidget)]}"
            )
            for widget in strays:
                widget.hide()
        zoom = view.transform().m11()
        if not (math.isfinite(zoom) and zoom > 0):
            self.problems.append(f"{action}: the canvas's scale is {zoom}")
        if shot and self.shots is not None:
            name = re.sub(r"[^a-z0-9]+", "-", action.lower()).strip("-")
            window.grab().save(str(self.shots / f"{self.actions:03d}-{name}.png"))

    def check_fit(self, action: str) -> None:
        """Press F: the whole graph is inside the canvas."""
        QTest.keyClick(self.window.view.viewport(), Qt.Key.Key_F)
        self.check(f"{action}, F")
        view = self.window.view
        bounds = self.window.scene.itemsBoundingRect()
        if bounds.isEmpty():
            return
        shown = view.mapFromScene(bounds).boundingRect()
        if not view.viewport().rect().adjusted(-1, -1, 1, 1).contains(shown):
            self.problems.append(
                f"{action}: after Fit the graph {shown.getRect()} is outside the canvas "
                f"{view.viewport().rect().getRect()}"
            )

    def key(self, key: Qt.Key, action: str, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(self.window.view.viewport(), key, modifiers)
        self.check(action)

    # ----- the session ----------------------------------------------------------------------------------

    def canvas_share(self) -> float:
        window = self.window
        return window.view.width() * window.view.height() / (window.width() * window.height())

    def text_px(self) -> float:
        """The smallest node text's height on screen, in pixels, at the zoom the graph is shown at."""
        view = self.window.view
        return view.transform().m11() * SMALLEST_NODE_POINTS * view.viewport().logicalDpiY() / 72.0

    def open_example(self, path: Path) -> None:
        self.window.findChild(QAction, f"example_{path.stem}").trigger()
        while self.window.files.loading:  # it opens in the background
            self.app.processEvents()
        self.pump(20)
        self.check(f"open {path.stem}", shot=True)

    def click_every_node(self, name: str) -> None:
        scene, view = self.window.scene, self.window.view
        for node_id, item in list(scene.nodes.items()):
            title = item.mapToScene(item.boundingRect().center().x(), 30.0)  # the name row: no port there
            QTest.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, view.mapFromScene(title)
            )
            self.check(f"{name}: click {node_id}")
            if self.window.isWindowModified():
                self.problems.append(
                    f"{name}: a click on {node_id} changed the document ({self.window.undo_stack.undoText()!r})"
                )
                self.window.undo_stack.setClean()

    def play_and_step_back(self, name: str) -> None:
        player = self.window.player
        self.key(Qt.Key.Key_End, f"{name}: End")
        self.check(f"{name}: at the end", shot=True)
        while player.index > 0:
            self.key(Qt.Key.Key_Left, f"{name}: ← to step {player.index - 1}")
        self.check_fit(f"{name}: back at step 0")

    def switch_modes(self, name: str) -> None:
        mode = self.window.timeline.mode
        for index in [*range(1, mode.count()), 0]:
            mode.setCurrentIndex(index)
            self.check(f"{name}: mode {mode.currentText()}")
            self.key(Qt.Key.Key_Right, f"{name}: {mode.currentText()}, →")
            self.key(Qt.Key.Key_End, f"{name}: {mode.currentText()}, End")
            if index == 2:
                self.check(f"{name}: reverse vs forward", shot=True)
            self.check_fit(f"{name}: mode {mode.currentText()}")

    def toggle_dark(self, name: str) -> None:
        for _ in range(2):
            self.key(
                Qt.Key.Key_D,
                f"{name}: dark mode",
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            if self.window.scene.theme.dark:
                self.check(f"{name}: dark", shot=True)
        self.check_fit(f"{name}: dark mode twice")

    def run(self, examples: list[Path]) -> dict:
        self.window.open_path(DEFAULT_EXAMPLE)
        self.pump(20)
        self.check("default example", shot=True)
        share, text = self.canvas_share(), {}
        for path in examples:
            self.open_example(path)
            text[path.stem] = round(self.text_px(), 2)
            self.check_fit(f"{path.stem} opened")
            self.click_every_node(path.stem)
            self.play_and_step_back(path.stem)
            self.switch_modes(path.stem)
        self.toggle_dark(examples[-1].stem)
        self.window.undo_stack.setClean()
        return {"problems": self.problems, "canvas_share": round(share, 3), "text_px": text, "actions": self.actions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="save a screenshot of the window at the main moments here")
    parser.add_argument("--examples", nargs="*", help="example names (default: all)")
    arguments = parser.parse_args()
    if arguments.shots:
        arguments.shots.mkdir(parents=True, exist_ok=True)
    examples = sorted(EXAMPLES.glob("*.json"))
    if arguments.examples:
        examples = [path for path in examples if path.stem in arguments.examples]
    session = Session(arguments.shots)
    try:
        result = session.run(examples)
    except Exception:  # reported as a problem, with the action it happened in
        result = {"problems": [*session.problems, f"{session.action}: {traceback.format_exc()}"]}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
