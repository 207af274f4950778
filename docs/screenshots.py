"""Retake every picture in docs/ from the real window, driven the way a student would drive it.

The README's pictures were once taken by hand, so they drifted from the window they show. Here each
picture is a small named recipe: open an example, click a node, press → until a given step, switch the
timeline's mode, train, and so on, through the window's menus, keys and panels; then grab the window.
Anyone can retake them all after changing the window, and a recipe that can no longer reach its state
(a node renamed, a step gone) stops the run with one line naming it.

One run is one screen size and one theme, because Qt fixes the screen when it starts:

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24" python docs/screenshots.py \\
        --size 1920x1080 --theme light [--out DIR] [--every] [--only NAME ...]

``--all`` runs every size and theme the docs need, each in its own Xvfb (xvfb-run must be installed):

    python docs/screenshots.py --all [--out DIR] [--every]

What is written, into ``--out`` (default: docs/):
- at 1920x1080 light, each README picture under its README name (``step-backward.png``) and the GIF;
- at every size and theme, ``window-WxH-THEME.png``: the default example mid backward pass;
- with ``--every``, the README pictures at the other sizes and themes too, as ``NAME-WxH-THEME.png``
  (to look at before changing the window; not kept in git).

The window fills the screen, as a lecturer's maximised window would. Every Qt warning is printed,
prefixed with the recipe it happened in.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's gradviz, not an installed one

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402 - a gradviz dependency (render --gif)
from PySide6.QtCore import QPoint, QSettings, Qt, QtMsgType, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QAction, QImage  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QToolButton,
    QWidget,
)

from gradviz.gui.canvas.tokens import DURATION_MS  # noqa: E402
from gradviz.gui.main_window import MainWindow  # noqa: E402
from gradviz.gui.panels.conv_phases import PHASES  # noqa: E402
from gradviz.gui.recovery import Recovery  # noqa: E402
from gradviz.io.paths import DEFAULT_EXAMPLE, EXAMPLES  # noqa: E402

DOCS = ROOT / "docs"
SIZES = ("1280x720", "1920x1080")
THEMES = ("light", "dark")
REFERENCE = ("1920x1080", "light")  # the README's pictures are taken at this size and theme
GIF = "linear-layer-pass.gif"
# the xcb and offscreen plugins' notes on what a bare X server lacks are not the window's warnings
PLATFORM_NOTES = re.compile(r"This plugin does not support|propagateSizeHints|QXcbConnection|XKeyboard|xkbcommon")


class RecipeError(RuntimeError):
    """A recipe could not bring the window to the state its picture shows."""


# ----- driving the window as a student would ---------------------------------------------------------


class Student:
    """One fresh window (its own settings and recovery folder) and the gestures a recipe is made of."""

    def __init__(self, folder: Path, dark: bool, size: tuple[int, int]) -> None:
        self.app = QApplication.instance()
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings, Recovery(folder / "state"), dark=dark)
        screen = self.window.screen().availableGeometry()
        if screen.width() < size[0] or screen.height() < size[1]:
            raise RecipeError(
                f"the screen is {screen.width()}x{screen.height()}, smaller than {size[0]}x{size[1]}: "
                f"start Xvfb with -screen 0 {size[0]}x{size[1]}x24"
            )
        self.window.setGeometry(screen.x(), screen.y(), *size)  # maximised, as a lecturer would have it
        self.window.show()
        # shortcuts answer only in the active window; a bare X server has no window manager to activate it
        self.window.activateWindow()
        if not QTest.qWaitForWindowActive(self.window, 5000):
            raise RecipeError("the window never became active, so its shortcuts cannot answer")
        self.wait(200)

    def wait(self, ms: int = 100) -> None:
        QTest.qWait(ms)

    def close(self) -> None:
        self.window.undo_stack.setClean()  # a recipe may leave an edit; nobody is there to answer "Save?"
        self.window.close()
        self.window.deleteLater()
        self.wait(50)

    # ----- files and nodes --------------------------------------------------------------------------

    def open_example(self, stem: str) -> None:
        """File ▸ Examples ▸ ``stem``."""
        action = self.window.findChild(QAction, f"example_{stem}")
        if action is None:
            have = sorted(path.stem for path in EXAMPLES.glob("*.json"))
            raise RecipeError(f"no example {stem!r} in File ▸ Examples (have {have})")
        action.trigger()
        while self.window.files.loading:  # the graph opens in the background ...
            self.wait(10)
        self.wait(300)  # ... then is fitted on the next turn of the event loop

    def node_point(self, node_id: str) -> QPoint:
        item = self.window.scene.nodes.get(node_id)
        if item is None:
            raise RecipeError(f"no node {node_id!r} on the canvas (have {sorted(self.window.scene.nodes)})")
        title = item.mapToScene(item.boundingRect().center().x(), 30.0)  # the name row: no port there
        return self.window.view.mapFromScene(title)

    def click_node(self, node_id: str) -> None:
        """A click on the node's name row: selects it, and the inspector shows it."""
        QTest.mouseClick(
            self.window.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            self.node_point(node_id),
        )
        self.wait(150)
        if self.window.scene.selected_ids() != [node_id]:
            raise RecipeError(f"a click on {node_id!r} selected {self.window.scene.selected_ids()}")

    def click_canvas_background(self) -> None:
        """A click on an empty part of the canvas: nothing selected."""
        viewport = self.window.view.viewport()
        QTest.mouseClick(
            viewport,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            viewport.rect().topLeft() + viewport.rect().center() / 8,
        )
        self.wait(100)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """A key pressed on the canvas (where the window's shortcuts are heard)."""
        QTest.keyClick(self.window.view.viewport(), key, modifiers)
        self.wait(20)

    # ----- the timeline ------------------------------------------------------------------------------

    def set_mode(self, text: str) -> None:
        """Pick ``text`` in the timeline's mode box (reverse mode, forward mode, reverse vs forward)."""
        box = self.window.timeline.mode
        index = box.findText(text)
        if index < 0:
            raise RecipeError(f"no timeline mode {text!r} (have {[box.itemText(i) for i in range(box.count())]})")
        box.setCurrentIndex(index)
        self.wait(300)

    def step_until(self, wanted: Callable[[object, int], bool], what: str) -> None:
        """Press → until the step reached is ``wanted(trace, index)``; fail at the end of the pass."""
        player = self.window.player
        while True:
            before = player.index
            self.key(Qt.Key.Key_Right)
            playback = player.playback
            if playback is None or player.index == before:
                raise RecipeError(f"pressed → to the end of the pass and never reached {what}")
            if wanted(playback.trace, player.index):
                break
        self.settle()

    def settle(self) -> None:
        """Wait until the tokens gliding along the step's wire have arrived and gone."""
        self.wait(DURATION_MS + 250)

    def sentence(self) -> str:
        return self.window.timeline.words.text()

    # ----- buttons and answers -----------------------------------------------------------------------

    def click_button(self, name: str, kind: type = QPushButton) -> None:
        button = self.window.findChild(kind, name)
        if button is None or not button.isVisible():
            raise RecipeError(f"no visible button {name!r}")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.wait(150)

    def type_into(self, name: str, text: str) -> None:
        field = self.window.findChild(QLineEdit, name)
        if field is None or not field.isVisible():
            raise RecipeError(f"no visible field {name!r}")
        field.clear()
        QTest.keyClicks(field, text)
        self.wait(50)

    def choose_rule(self) -> None:
        """Practice's rule question: the right rule clicked (on its circle), then Check."""
        quiz = self.window.practice.quiz
        button = self.window.findChild(QRadioButton, f"practiceChoice{quiz.choices.right}")
        QTest.mouseClick(
            button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, button.height() // 2)
        )
        self.click_button("practiceCheck")
        if quiz.stage == "rule":
            raise RecipeError("the right rule was not taken")

    def type_grid(self, numbers: object) -> None:
        """Practice's number grid filled in, a row of the grid per row of ``numbers`` (a vector: one row)."""
        grid = self.window.findChild(QTableWidget, "practiceGrid")
        values = np.asarray(numbers, dtype=float).reshape(grid.rowCount(), grid.columnCount())
        for (row, column), value in np.ndenumerate(values):
            grid.item(row, column).setText(f"{value:g}")
        self.wait(50)


def backward_into(child: str, port: int) -> Callable[[object, int], bool]:
    """The backward step through ``child``'s port ``port`` (its bar flowing into that input), or the step
    adding it into the input's bar: whichever the timeline stops at first, should it show them as one."""

    def through_port(step: object) -> bool:
        return step.kind == "backward" and step.node.id == child and step.port == port

    def wanted(trace: object, index: int) -> bool:
        step = trace.steps[index]
        return through_port(step) or (step.kind == "accumulate" and through_port(trace.steps[step.backward_index]))

    return wanted


def tangent_at(node_id: str, pass_index: int) -> Callable[[object, int], bool]:
    """Forward mode: ``node_id``'s tangent in pass ``pass_index`` (0-based)."""

    def wanted(trace: object, index: int) -> bool:
        step = trace.steps[index]
        return step.kind == "tangent" and step.node.id == node_id and step.pass_index == pass_index

    return wanted


def forward_of(node_id: str) -> Callable[[object, int], bool]:
    def wanted(trace: object, index: int) -> bool:
        step = trace.steps[index]
        return step.kind == "forward" and step.node.id == node_id

    return wanted


# ----- the recipes: one per picture ----------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe:
    name: str  # the picture's file name without .png
    take: Callable[[Student], QWidget | None]  # drives the window; returns what to grab (None: the window)
    readme: bool = True  # a README picture (taken at REFERENCE); False: taken at every size and theme
    dark: bool | None = None  # a picture of one theme whatever the run's (window-dark)


RECIPES: dict[str, Recipe] = {}
Take = Callable[[Student], QWidget | None]


def recipe(name: str, readme: bool = True, dark: bool | None = None) -> Callable[[Take], Take]:
    """Register the decorated function as the recipe of picture ``name``."""

    def register(take: Take) -> Take:
        RECIPES[name] = Recipe(name, take, readme, dark)
        return take

    return register


@recipe("default-example")
def default_example(student: Student) -> None:
    """The window as it opens: the linear layer, before the first step."""
    student.open_example(DEFAULT_EXAMPLE.stem)


@recipe("empty-canvas")
def empty_canvas(student: Student) -> None:
    """File ▸ New: an empty canvas and its hint."""
    student.open_example(DEFAULT_EXAMPLE.stem)
    student.key(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    student.wait(300)
    if student.window.document.nodes:
        raise RecipeError("Ctrl+N left nodes on the canvas")


@recipe("inspector")
def inspector(student: Student) -> None:
    """W selected at the end of the pass: its value to edit, its value and its bar."""
    student.open_example("linear_layer")
    student.key(Qt.Key.Key_End)
    student.click_node("W")
    student.settle()


@recipe("inspector-arrays")
def inspector_arrays(student: Student) -> None:
    """The MLP's W1 selected while its bar is being summed: value, bar so far, and this step's share."""
    student.open_example("mlp_cross_entropy")
    student.click_node("W1")
    student.step_until(backward_into("a1", 0), "the bar of a1 flowing into W1")


@recipe("node-in-error")
def node_in_error(student: Student) -> None:
    """x made 3×1 in the inspector: matmul cannot multiply, turns red and says why."""
    student.open_example("linear_layer")
    student.click_node("x")
    shape = student.window.inspector.findChild(QWidget, "shapeEdit")
    if shape is None:
        raise RecipeError("the inspector shows no shapeEdit for x")
    shape.setFocus()
    shape.selectAll()
    QTest.keyClicks(shape, "3x1")
    QTest.keyClick(shape, Qt.Key.Key_Return)
    student.wait(300)
    if student.window.document.status("a").error is None:
        raise RecipeError("x made 3x1, yet matmul a reports no error")
    student.click_node("a")


@recipe("tiny-cnn")
def tiny_cnn(student: Student) -> None:
    """The tiny CNN as it opens."""
    student.open_example("tiny_cnn")


@recipe("window-dark", dark=True)
def window_dark(student: Student) -> None:
    """The linear layer mid backward pass, after View ▸ Dark Mode."""
    student.open_example("linear_layer")
    student.step_until(backward_into("a", 0), "W̄ += ā xᵀ")


@recipe("step-backward")
def step_backward(student: Student) -> None:
    """The linear layer at W̄ += ā xᵀ."""
    student.open_example("linear_layer")
    student.step_until(backward_into("a", 0), "W̄ += ā xᵀ")


@recipe("step-forward-mlp")
def step_forward_mlp(student: Student) -> None:
    """The MLP in its forward pass, at the relu."""
    student.open_example("mlp_cross_entropy")
    student.step_until(forward_of("h1"), "the relu's forward step")


@recipe("step-correlation")
def step_correlation(student: Student) -> None:
    """The impulse at the correlation's image bar: the backward pass of correlation is a convolution."""
    student.open_example("correlation_impulse")
    student.step_until(backward_into("I_o", 0), "the bar of I_o flowing into the image")
    finish_slide(student)


@recipe("training")
def training(student: Student) -> None:
    """The MLP trained 40 iterations at η = 0.5; iteration 25 stepped through to its end."""
    student.open_example("mlp_cross_entropy")
    window = student.window
    for dock in window.findChildren(QWidget, "trainingDock"):
        dock.raise_()  # the Training tab, clicked
    panel = window.training
    panel.rate.setValue(0.5)
    panel.count.setValue(40)
    QTest.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    student.wait(300)
    if not panel.records:
        raise RecipeError("Train made no records")
    panel.chooser.setValue(25)
    student.wait(200)
    student.key(Qt.Key.Key_End)
    student.settle()


@recipe("forward-mode")
def forward_mode(student: Student) -> None:
    """The chain of notes 20.1 in forward mode, pass 2 of 3, at the square."""
    student.open_example("chain_rule")
    student.set_mode("forward mode")
    student.step_until(tangent_at("y", 1), "y's tangent in pass 2")


@recipe("reverse-vs-forward")
def reverse_vs_forward(student: Student) -> None:
    """The MLP, reverse vs forward: reverse done, forward on pass 7 of 50."""
    student.open_example("mlp_cross_entropy")
    student.set_mode("reverse vs forward")
    student.step_until(tangent_at("logits", 6), "logits' tangent in pass 7")


@recipe("kernel-flip-forward")
def kernel_flip_forward(student: Student) -> None:
    """The impulse stepped to its correlation: the forward phase: the impulse draws k turned 180°."""
    student.open_example("correlation_impulse")
    student.step_until(forward_of("I_o"), "the correlation's forward step")
    finish_slide(student)


@recipe("kernel-flip-image-bar")
def kernel_flip_image_bar(student: Student) -> None:
    """The same node, its image bar: the turned kernel over the output's bar draws k upright."""
    student.open_example("correlation_impulse")
    student.click_node("I_o")
    conv_phase(student, "image")


@recipe("kernel-flip-tiny-cnn")
def kernel_flip_tiny_cnn(student: Student) -> None:
    """The tiny CNN stepped to conv2d's input bar, the window where the bar is largest."""
    student.open_example("tiny_cnn")
    student.step_until(backward_into("conv", 0), "the bar of conv flowing into x")
    finish_slide(student)


@recipe("lesson-stop")
def lesson_stop(student: Student) -> None:
    """The linear layer's lesson at its 4th stop: W̄'s top-right element, computed from the trace."""
    student.open_example("linear_layer")
    for _ in range(4):
        student.click_button("lessonNext")
    heading = student.window.lesson.panel.heading.text()
    if heading != "Stop 4 of 6":
        raise RecipeError(f"Next four times shows {heading!r}, not stop 4 of 6")
    student.settle()


@recipe("practice-rule")
def practice_rule(student: Student) -> None:
    """Practice on the linear layer, held before W̄'s edge: the shape answered, the rule asked."""
    practice_until_w_bar(student)
    student.type_into("practiceShape", "3x2")
    student.click_button("practiceCheck")
    if student.window.practice.quiz.stage != "rule":
        raise RecipeError("3×2 was not taken as W̄'s shape")


@recipe("practice-numbers")
def practice_numbers(student: Student) -> None:
    """Then the right rule, and W̄'s numbers typed with one wrong: the cell marked, the hint given."""
    practice_until_w_bar(student)
    student.type_into("practiceShape", "3x2")
    student.click_button("practiceCheck")
    student.choose_rule()
    numbers = np.outer([-2.0, 2.2, -1.4], [1.0, 2.0])  # ā xᵀ, ā = 2(W x − y) by hand from the file
    numbers[1, 1] = 4.0  # 4.4 with its decimals forgotten
    student.type_grid(numbers)
    student.click_button("practiceCheck")
    if not student.window.practice.panel.feedback.text().startswith("Hint:"):
        raise RecipeError("a wrong number gave no hint")


@recipe("window", readme=False)
def window(student: Student) -> None:
    """The default example mid backward pass, at this size and theme."""
    student.open_example(DEFAULT_EXAMPLE.stem)
    student.step_until(backward_into("a", 0), "W̄ += ā xᵀ")


def practice_until_w_bar(student: Student) -> None:
    """The linear layer with Practice on (its toggle, clicked), ā's edge answered right, then → until the
    window holds before W̄'s edge and asks about it."""
    student.open_example("linear_layer")
    student.click_button("practiceToggle", QToolButton)
    practice = student.window.practice
    if not practice.enabled:
        raise RecipeError("the Practice toggle did not turn practice on")
    while practice.quiz is None or practice.quiz.step.parent.id != "W":
        if practice.quiz is not None:  # ā's edge: answered right, so it plays
            quiz = practice.quiz
            student.type_into("practiceShape", "x".join(map(str, quiz.step.parent.shape)))
            student.click_button("practiceCheck")
            student.choose_rule()
            student.type_grid(quiz.step.contribution)
            student.click_button("practiceCheck")
            if not quiz.done:
                raise RecipeError(f"the right answers about {quiz.step.parent.name}'s edge were not taken")
            continue
        before = student.window.player.index
        student.key(Qt.Key.Key_Right)
        if student.window.player.index == before and practice.quiz is None:
            raise RecipeError("pressed → to the end of the pass and was never asked about W̄")
    student.settle()


def conv_phase(student: Student, phase: str) -> None:
    """Pick ``phase`` in the Convolution panel's phase box, let it finish sliding."""
    panel = student.window.convolution
    if not panel.isVisible():
        raise RecipeError("the Convolution panel did not open")
    box = panel.phase_box
    box.setCurrentIndex(list(PHASES).index(phase))
    if panel.phase != phase:
        raise RecipeError(f"the Convolution panel would not show phase {phase!r}")
    finish_slide(student)


def finish_slide(student: Student) -> None:
    """The Convolution panel stopped with its window over the result's largest pixel (the products then
    show what the picture is about: at the last pixel they are all zero), the kernel turned if it turns."""
    panel = student.window.convolution
    if not panel.isVisible():
        raise RecipeError("the Convolution panel did not open")
    panel.pause()
    panel.finish_flip()
    panel.seek(panel.scrubber.maximum())  # the whole result, to find its largest pixel in
    result = panel.tiles["result"].array
    panel.seek(int(np.argmax(np.abs(result))))
    student.wait(100)


# ----- running ------------------------------------------------------------------------------------------------


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"size {text!r}: write it as WIDTHxHEIGHT, e.g. 1280x720")
    return int(match[1]), int(match[2])


def file_name(name: str, size: str, theme: str) -> str:
    if name == "window":
        return f"window-{size}-{theme}.png"
    return f"{name}.png" if (size, theme) == REFERENCE else f"{name}-{size}-{theme}.png"


def chosen(size: str, theme: str, every: bool, only: list[str] | None) -> list[Recipe]:
    recipes = [r for r in RECIPES.values() if not r.readme or every or (size, theme) == REFERENCE]
    if only:
        unknown = set(only) - set(RECIPES) - {GIF.removesuffix(".gif")}
        if unknown:
            raise SystemExit(f"screenshots: no recipe {sorted(unknown)} (have {sorted(RECIPES)})")
        recipes = [r for r in recipes if r.name in only]
    return recipes


def save(image: QImage, path: Path) -> None:
    """The PNG, recompressed by Pillow (lossless) when that is smaller.

    Not quantised: 256 colours merged a heatmap's faint cells into the white of zero (measured: channel
    errors up to 15–70 on the pictures over 150 KB), and those cells are what the pictures are for."""
    image.save(str(path))
    smaller = path.with_suffix(".tmp.png")
    with Image.open(path) as opened:
        opened.save(smaller, optimize=True)
    if smaller.stat().st_size < path.stat().st_size:
        smaller.replace(path)
    else:
        smaller.unlink()


def take_all(size: str, theme: str, out: Path, every: bool, only: list[str] | None) -> int:
    """Every chosen recipe at this size and theme, one fresh window each; 1 at the first that fails."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")  # the same look whatever desktop the run happens on
    current = ["start"]
    warnings: list[str] = []

    def on_message(kind: QtMsgType, _context: object, text: str) -> None:
        if kind not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) and not PLATFORM_NOTES.search(text):
            warnings.append(text)
            print(f"screenshots: Qt warning in {current[0]} ({size} {theme}): {text}", file=sys.stderr)

    qInstallMessageHandler(on_message)
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)  # never asked, but
    out.mkdir(parents=True, exist_ok=True)
    dimensions = parse_size(size)
    for entry in chosen(size, theme, every, only):
        current[0] = entry.name
        dark = theme == "dark" if entry.dark is None else entry.dark
        with tempfile.TemporaryDirectory(prefix="gradviz-shot-") as folder:
            try:
                student = Student(Path(folder), theme == "dark", dimensions)
                try:
                    if dark != (theme == "dark"):
                        student.key(
                            Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
                        )  # View ▸ Dark Mode
                        student.wait(200)
                        if student.window.scene.theme.dark != dark:
                            raise RecipeError("Ctrl+Shift+D did not switch the theme")
                    widget = entry.take(student) or student.window
                    # the status bar's passing messages ("zoom 150%" for 1.5 s) come and go with the run's
                    # timing: without them, two runs give the same picture
                    student.window.statusBar().clearMessage()
                    student.wait(100)
                    path = out / file_name(entry.name, size, theme)
                    save(widget.grab().toImage(), path)
                    print(
                        f"screenshots: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
                        f"({path.stat().st_size // 1024} KB)"
                    )
                finally:
                    student.close()
            except RecipeError as error:
                print(f"screenshots: recipe {entry.name} ({size} {theme}) failed: {error}", file=sys.stderr)
                return 1
    if (size, theme) == REFERENCE and (not only or GIF.removesuffix(".gif") in only):
        current[0] = GIF
        if make_gif(out / GIF) != 0:
            return 1
    if warnings:
        print(f"screenshots: {len(warnings)} Qt warning(s) at {size} {theme}", file=sys.stderr)
    return 0


def make_gif(path: Path) -> int:
    """The whole pass of the linear layer from the command line, as the README says it is made."""
    command = [sys.executable, str(ROOT / "main.py"), "render", str(DEFAULT_EXAMPLE), "--gif", str(path)]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not path.exists():
        print(
            f"screenshots: recipe {GIF} failed: {' '.join(command[1:])} exited {done.returncode}: "
            f"{done.stderr.strip().splitlines()[-1:] or ''}",
            file=sys.stderr,
        )
        return 1
    print(
        f"screenshots: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
        f"({path.stat().st_size // 1024} KB)"
    )
    return 0


def run_every_combination(out: Path, every: bool, only: list[str] | None) -> int:
    """Each size and theme in its own Xvfb, whose screen is that size."""
    if shutil.which("xvfb-run") is None:
        print("screenshots: --all needs xvfb-run (apt install xvfb)", file=sys.stderr)
        return 1
    for size in SIZES:
        for theme in THEMES:
            command = [
                "xvfb-run",
                "-a",
                "-s",
                f"-screen 0 {size}x24",
                sys.executable,
                __file__,
                "--size",
                size,
                "--theme",
                theme,
                "--out",
                str(out),
            ]
            command += ["--every"] if every else []
            command += ["--only", *only] if only else []
            status = subprocess.run(command, check=False, env={**os.environ, "QT_QPA_PLATFORM": "xcb"}).returncode
            if status != 0:
                return status
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=REFERENCE[0], choices=SIZES)
    parser.add_argument("--theme", default=REFERENCE[1], choices=THEMES)
    parser.add_argument("--out", type=Path, default=DOCS, help="where the pictures go (default: docs/)")
    parser.add_argument("--all", action="store_true", help="every size and theme, each in its own Xvfb")
    parser.add_argument(
        "--every", action="store_true", help="the README pictures at every size and theme, not only at 1920x1080 light"
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these recipes")
    arguments = parser.parse_args()
    out = arguments.out.resolve()
    if arguments.all:
        return run_every_combination(out, arguments.every, arguments.only)
    return take_all(arguments.size, arguments.theme, out, arguments.every, arguments.only)


if __name__ == "__main__":
    sys.exit(main())
