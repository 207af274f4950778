"""The actions of a random session (random_session.py), each performed as a user would: palette drags,
wires, clicks and rubber bands, Delete, undo and redo, inspector fields and value cells (with bad text),
stepping keys and Play, modes, examples, Save As and reopen, Fit, wheel zoom, dark mode, Graph as Code.

Each action draws what it needs from the session's random generator and returns a line saying what it
did, or None when it cannot be done now (no node to click, say), and the session draws another.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import ClassVar

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QTableWidget,
    QWidget,
)

from gradviz.engine.registry import all_ops, find_op
from gradviz.gui.panels import palette
from gradviz.io.graph_file import GraphFile, dumps, read
from gradviz.io.paths import EXAMPLES
from tests.gui.user_input import CTRL, LEFT, NONE, SHIFT, UserInput, double_click, type_text

OPS = [op.name for op in all_ops()]
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.json"))
# what a student types into a field: numbers, shapes, JSON, and nonsense
TEXTS = [
    "0",
    "1",
    "-2.5",
    "3",
    "2x3",
    "3×1",
    "2, 2",
    "[0, 1]",
    "null",
    "1e400",
    "nan",
    "inf",
    "abc",
    "",
    "  ",
    "-1",
    "0x0",
    "1e7",
    "[[1, 2]]",
    "x^",
    "αβ",
    "<b>w</b>",
    "9" * 30,
]


def semantic(graph: GraphFile) -> str:
    """The saved form of a graph without its view section: zoom, mode and step are where the user is
    looking, not edits, so undo does not restore them."""
    return dumps(dataclasses.replace(graph, view={}))


class RandomActions(UserInput):
    """The actions; the session (a subclass) provides ``saved``, ``examples``, ``covered``, ``fail`` and
    ``history_reset``."""

    # how often each action is drawn, relative to the others
    WEIGHTS: ClassVar[dict[str, float]] = {
        "palette_drag": 6,
        "palette_search": 2,
        "quick_add": 2,
        "connect_wire": 8,
        "pick_up_wire": 3,
        "click_node": 5,
        "drag_node": 3,
        "rubber_band": 2,
        "select_all": 2,
        "delete": 4,
        "undo": 6,
        "redo": 4,
        "copy_paste": 2,
        "inspector_edit": 6,
        "value_cell": 4,
        "fill_button": 2,
        "step_key": 8,
        "space_tap": 1,
        "speed": 2,
        "timeline_button": 2,
        "switch_mode": 3,
        "open_example": 4,
        "save_and_reopen": 1,
        "new_document": 1,
        "fit": 2,
        "wheel_zoom": 2,
        "dark_mode": 1,
        "graph_as_code": 1,
        "auto_layout": 1,
        "use_as_cost": 1,
        "check_gradients": 1,
        "resize_window": 1,
        "panel_control": 4,
        "export_image": 1,
    }

    def palette_drag(self) -> str | None:
        """Press an op in the palette, drag it out and drop it on the canvas."""
        self.raise_tab("Ops")
        tree = self.window.op_palette.tree
        if not self.shown(tree):
            return None
        search = self.window.op_palette.search
        if search.text():  # a filtered tree may not show the op: clear the search as the user would
            QTest.mouseClick(search, LEFT, NONE, search.rect().center())
            QTest.keyClick(search, Qt.Key.Key_A, CTRL)
            QTest.keyClick(search, Qt.Key.Key_Backspace)
        name = self.rng.choice(OPS)
        item = tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
        tree.scrollToItem(item)
        start = tree.visualItemRect(item).center()
        target = self.random_pixel()
        carried: list[QMimeData] = []

        class Drag(palette.QDrag):  # offscreen Qt cannot run a drag: carry its data to the drop ourselves
            def exec(self, *_args) -> Qt.DropAction:
                carried.append(self.mimeData())
                return Qt.DropAction.IgnoreAction

        palette.QDrag, real = Drag, palette.QDrag
        try:
            QTest.mousePress(tree.viewport(), LEFT, NONE, start)
            for step in range(1, 6):
                QTest.mouseMove(tree.viewport(), start + QPoint(12 * step, 2 * step))
            QTest.mouseRelease(tree.viewport(), LEFT, NONE, start + QPoint(60, 10))
        finally:
            palette.QDrag = real
        if not carried:
            return f"drag {name} from the palette: no drag started"
        self.drop(carried[0], target)
        return f"drag {name} from the palette to {target.toTuple()}"

    def palette_search(self) -> str | None:
        self.raise_tab("Ops")
        search = self.window.op_palette.search
        if not self.shown(search):
            return None
        text = self.rng.choice([*self.rng.sample(OPS, 3), "zzz", "conv", "", "a"])
        self.type_into(search, text)  # Enter adds the first match at the canvas's centre
        return f"palette search {text!r} + Enter"

    def quick_add(self) -> str | None:
        text = self.rng.choice(OPS)[: self.rng.randint(1, 4)]
        if self.rng.random() < 0.5:
            double_click(self.viewport, where := self.random_pixel())
            how = f"double-click {where.toTuple()}"
        else:
            self.window.view.setFocus()
            self.key(Qt.Key.Key_Tab)
            how = "Tab"
        popup = self.window.quick_add
        if not popup.isVisible():
            return f"{how}: (on a node, no quick add)"
        QTest.keyClicks(popup.search, text)
        if self.rng.random() < 0.8:
            QTest.keyClick(popup.search, Qt.Key.Key_Return)
        else:
            QTest.keyClick(popup.search, Qt.Key.Key_Escape)
        popup.hide() if popup.isVisible() else None  # no match: Enter chooses nothing, the user clicks away
        return f"{how}, type {text!r}"

    def connect_wire(self) -> str | None:
        """Drag from one node's output port to another's input port."""
        scene = self.window.scene
        children = [node_id for node_id in self.node_ids() if scene.nodes[node_id].look.port_names]
        if not children or len(self.node_ids()) < 2:
            return None
        child = self.rng.choice(children)
        parent = self.rng.choice(self.node_ids())
        port = self.rng.randrange(len(scene.nodes[child].look.port_names))
        pitem, citem = scene.nodes[parent], scene.nodes[child]
        ends = self.ensure_in_view([pitem.mapToScene(pitem.output_port()), citem.mapToScene(citem.input_port(port))])
        if ends is None:
            return None
        if self.rng.random() < 0.3:
            ends.reverse()  # from the input port to the output port works too
        self.drag(*ends)
        return f"wire {parent} → {child}.{port}"

    def pick_up_wire(self) -> str | None:
        """Press on a connected input port and drop the wire elsewhere (another port or empty canvas)."""
        wired = [
            (spec.id, port)
            for spec in self.window.document.nodes.values()
            for port, parent in enumerate(spec.inputs)
            if parent is not None
        ]
        if not wired:
            return None
        child, port = self.rng.choice(wired)
        item = self.window.scene.nodes[child]
        start = self.ensure_in_view([item.mapToScene(item.input_port(port))])
        if start is None:
            return None
        other = self.window.scene.nodes[self.rng.choice(self.node_ids())]
        places = [self.random_pixel()]
        if other.look.port_names:
            places.append(
                self.on_screen(other.mapToScene(other.input_port(self.rng.randrange(len(other.look.port_names)))))
            )
        end = self.rng.choice([place for place in places if place is not None])
        self.drag(start[0], end)
        return f"pick up the wire into {child}.{port}, drop at {end.toTuple()}"

    def click_node(self) -> str | None:
        if not self.node_ids():
            return None
        node_id = self.rng.choice(self.node_ids())
        where = self.ensure_in_view([self.title_point(node_id)])
        if where is None:
            return None
        modifiers = CTRL if self.rng.random() < 0.25 else NONE
        QTest.mouseClick(self.viewport, LEFT, modifiers, where[0])
        return f"click {node_id}{' with Ctrl' if modifiers == CTRL else ''}"

    def drag_node(self) -> str | None:
        if not self.node_ids():
            return None
        node_id = self.rng.choice(self.node_ids())
        where = self.ensure_in_view([self.title_point(node_id)])
        if where is None:
            return None
        end = where[0] + QPoint(self.rng.randint(-200, 200), self.rng.randint(-150, 150))
        self.drag(where[0], end)
        return f"drag {node_id} by {(end - where[0]).toTuple()}"

    def rubber_band(self) -> str | None:
        start, end = self.random_pixel(), self.random_pixel()
        if self.window.scene.itemAt(self.window.view.mapToScene(start), self.window.view.transform()) is not None:
            return None  # that would drag an item, not a band
        self.drag(start, end)
        return f"rubber band {start.toTuple()} → {end.toTuple()}"

    def select_all(self) -> str:
        self.key(Qt.Key.Key_A, CTRL)
        return "Ctrl+A"

    def delete(self) -> str:
        self.key(Qt.Key.Key_Delete)
        return "Delete"

    def undo(self) -> str:
        self.key(Qt.Key.Key_Z, CTRL)
        return "Ctrl+Z"

    def redo(self) -> str:
        if self.rng.random() < 0.5:
            self.key(Qt.Key.Key_Z, CTRL | SHIFT)
            return "Ctrl+Shift+Z"
        self.key(Qt.Key.Key_Y, CTRL)
        return "Ctrl+Y"

    def copy_paste(self) -> str:
        choice = self.rng.choice(["Ctrl+C", "Ctrl+V", "Ctrl+D"])
        self.key({"Ctrl+C": Qt.Key.Key_C, "Ctrl+V": Qt.Key.Key_V, "Ctrl+D": Qt.Key.Key_D}[choice], CTRL)
        return choice

    def _inspected(self, sources: bool = False) -> bool:
        """A node selected alone and its inspector in front; with none shown (or not a source, for
        ``sources``), the user clicks one first (a click on a node brings the inspector forward)."""
        inspector, document = self.window.inspector, self.window.document
        shown = inspector.node_id
        if shown is None or (sources and not find_op(document.nodes[shown].op).is_source):
            candidates = [
                node_id for node_id, spec in document.nodes.items() if not sources or find_op(spec.op).is_source
            ]
            where = self.ensure_in_view([self.title_point(self.rng.choice(candidates))]) if candidates else None
            if where is None:
                return False
            QTest.mouseClick(self.viewport, LEFT, NONE, where[0])
            self.pump()
            if inspector.node_id is None:
                return False
        self.raise_tab("Inspector")
        return inspector.isVisible()

    def inspector_edit(self) -> str | None:
        """Type into a field of the inspector's form (label, attribute, shape), tick a box, pick a choice."""
        if not self._inspected():
            return None
        fields = [
            widget
            for widget in self.window.inspector.findChildren(QWidget)
            if widget.objectName() in ("labelEdit", "shapeEdit") or widget.objectName().startswith("attr_")
        ]
        fields = [field for field in fields if field.isVisibleTo(self.window.inspector)]
        if not fields:
            return None
        field = self.rng.choice(fields)
        if not self.shown(field):
            return None
        name = field.objectName()
        if isinstance(field, QCheckBox):
            QTest.mouseClick(field, LEFT, NONE, QPoint(8, field.height() // 2))
            return f"click {name}"
        if isinstance(field, QComboBox):
            field.setFocus()
            self.key(self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]), widget=field)
            return f"arrow key on {name}"
        text = self.rng.choice(TEXTS)
        target = field.lineEdit() if hasattr(field, "lineEdit") and not isinstance(field, QLineEdit) else field
        self.type_into(target, text)
        return f"type {text!r} into {name}"

    def value_cell(self) -> str | None:
        """Double-click a cell of the value table, type, Enter."""
        if not self._inspected(sources=True):
            return None
        table = self.window.inspector.findChild(QTableWidget, "valueTable")
        if table is None or not self.shown(table):
            return None
        row, column = self.rng.randrange(table.rowCount()), self.rng.randrange(table.columnCount())
        rect = table.visualItemRect(table.item(row, column))
        double_click(table.viewport(), rect.center())
        editor = QApplication.focusWidget()
        if not isinstance(editor, QLineEdit):
            return f"double-click cell ({row}, {column}): no editor"
        text = self.rng.choice(TEXTS)
        QTest.keyClick(editor, Qt.Key.Key_A, CTRL)
        type_text(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        return f"type {text!r} into cell ({row}, {column})"

    def fill_button(self) -> str | None:
        if not self._inspected(sources=self.rng.random() < 0.7):
            return None
        buttons = [
            button
            for button in self.window.inspector.findChildren(QAbstractButton)
            if button.objectName().startswith("fill_") or button.objectName() == "costButton"
        ]
        if not buttons:
            return None
        button = self.rng.choice(buttons)
        if not self.shown(button):
            return None
        QTest.mouseClick(button, LEFT)
        return f"click {button.objectName()}"

    def step_key(self) -> str:
        """A few presses of →, ←, Home or End (→ most often: students step forward)."""
        keys = [
            self.rng.choice([Qt.Key.Key_Right] * 4 + [Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_End])
            for _ in range(self.rng.randint(1, 6))
        ]
        for key in keys:
            self.key(key)
        return " ".join(key.name.removeprefix("Key_") for key in keys) + f" (at step {self.window.player.index})"

    def speed(self) -> str | None:
        combo = self.window.timeline.speed
        if not combo.isEnabled() or not combo.isVisible():
            return None
        combo.setFocus()
        self.key(self.rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up]), widget=combo)
        return f"speed {combo.currentText()}"

    def space_tap(self) -> str:
        self.window.view.setFocus()
        self.key(Qt.Key.Key_Space)  # play or pause; the clock steps while later actions run
        return "Space"

    def timeline_button(self) -> str | None:
        name = self.rng.choice(["home", "back", "step", "end", "play"])
        button = self.window.timeline.buttons[name]
        if not button.isEnabled() or not button.isVisible():
            return None
        QTest.mouseClick(button, LEFT)
        return f"click timeline_{name}"

    def switch_mode(self) -> str | None:
        combo = self.window.timeline.mode
        if not combo.isVisible():
            return None
        combo.setFocus()
        target = self.rng.randrange(combo.count())
        while combo.currentIndex() != target:  # arrow keys on the focused box, to the mode chosen
            self.key(Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up, widget=combo)
        steps = self.rng.randint(1, 4)  # and, as a student would, step to see what the mode does
        for _ in range(steps):
            self.key(Qt.Key.Key_Right)
        return f"mode {combo.currentText()}, → ×{steps}"

    def open_example(self) -> str:
        if not self.examples:  # every example in turn, in an order of this seed's
            self.examples = self.rng.sample(EXAMPLE_NAMES, len(EXAMPLE_NAMES))
        name = self.examples.pop()
        self.window.findChild(QAction, f"example_{name}").trigger()
        self.opened()
        self.history_reset()
        if self.window.undo_stack.count() == 0 and self.window.path is None:
            self.covered.add(f"example:{name}")
        return f"File ▸ Examples ▸ {name}"

    def opened(self) -> None:
        """Wait, as a user does, for a graph being opened (in the background) to be shown."""
        for _ in range(2000):
            if not self.window.files.loading:
                return
            QTest.qWait(5)
        self.fail("a graph took over 10 s to open")

    def save_and_reopen(self) -> str:
        """Save As to a new file, check it holds the document, then open it again."""
        before = semantic(self.window.document.to_graph_file())
        self.key(Qt.Key.Key_S, CTRL | SHIFT)
        path = self.saved[-1]
        written = semantic(read(path))
        if written != before:
            self.fail(
                f"{path.name} does not hold the document that was saved",
                "\n".join(
                    difflib.unified_diff(before.splitlines(), written.splitlines(), "document", path.name, lineterm="")
                ),
            )
        self.key(Qt.Key.Key_O, CTRL)
        self.opened()
        self.history_reset()
        if semantic(self.window.document.to_graph_file()) != before:
            self.fail(f"reopening {path.name} did not give the document that was saved")
        if self.window.path != path or self.window.isWindowModified():
            self.fail(
                f"after reopening, the window has path {self.window.path} and modified {self.window.isWindowModified()}"
            )
        return f"Save As {path.name}, reopen"

    def new_document(self) -> str:
        self.key(Qt.Key.Key_N, CTRL)
        self.history_reset()
        return "Ctrl+N"

    def fit(self) -> str:
        self.key(Qt.Key.Key_F)
        return "F"

    def wheel_zoom(self) -> str:
        where = self.random_pixel()
        delta = self.rng.choice([-360, -120, 120, 240, 720])
        event = QWheelEvent(
            QPointF(where),
            QPointF(self.viewport.mapToGlobal(where)),
            QPoint(),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            NONE,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(self.viewport, event)
        return f"wheel {delta} at {where.toTuple()}"

    def dark_mode(self) -> str:
        self.key(Qt.Key.Key_D, CTRL | SHIFT)
        return "Ctrl+Shift+D"

    def graph_as_code(self) -> str:
        """Ctrl+E, change the text (a new line, a number, nonsense), Apply, Close."""
        self.key(Qt.Key.Key_E, CTRL)
        editor = self.window.findChild(QWidget, "codeEditor")
        text = editor.text
        ids = [node_id for node_id in self.node_ids() if node_id.isidentifier()]
        edit = self.rng.choice(["line", "line", "nonsense", "delete", "none"])
        if edit == "line" and ids:
            op = self.rng.choice(["tanh", "exp", "neg", "sum"])
            line = f"z{self.rng.randint(0, 99)} = {op}({self.rng.choice(ids)})"
        elif edit == "nonsense":
            line = self.rng.choice(["= (", "y = nosuchop(x)", "x = input(1e999)", "cost = None"])
        else:
            line = ""
        if line:
            QTest.keyClick(text, Qt.Key.Key_End, CTRL)
            QTest.keyClick(text, Qt.Key.Key_Return)
            QTest.keyClicks(text, line)
        elif edit == "delete":
            QTest.keyClick(text, Qt.Key.Key_End, CTRL)
            QTest.keyClick(text, Qt.Key.Key_Home, SHIFT)
            QTest.keyClick(text, Qt.Key.Key_Delete)
        QTest.mouseClick(editor.apply_button, LEFT)
        error = editor.error.text()
        left_open = self.rng.random() < 0.4  # it is not modal: the student may go on editing beside it
        if not left_open:
            QTest.mouseClick(editor.findChild(QWidget, "codeClose"), LEFT)
        return (
            f"graph as code: {edit} {line!r}, Apply{' → ' + error if error else ''}{', left open' if left_open else ''}"
        )

    def panel_control(self) -> str | None:
        """Use one control of the Training, Convolution or Steps panel: click a button, type into a spin
        box, arrow keys on a box or a slider (the scrubber)."""
        panel = self.rng.choice(["Training", "Convolution", "Steps"])
        if panel == "Training":
            self.raise_tab("Training")
        root = {
            "Training": self.window.training,
            "Convolution": self.window.convolution,
            "Steps": self.window.timeline,
        }[panel]
        kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider)
        controls = [
            widget
            for widget in root.findChildren(QWidget)
            if isinstance(widget, kinds) and widget.isEnabled() and widget.isVisible() and widget.objectName()
        ]
        if not controls:
            return None
        control = self.rng.choice(controls)
        if not self.shown(control):
            return None
        name = control.objectName()
        if isinstance(control, QAbstractButton):
            QTest.mouseClick(control, LEFT, NONE, control.rect().center())
            return f"{panel}: click {name}"
        if isinstance(control, QAbstractSpinBox):
            text = self.rng.choice(["0", "1", "3", "50", "-1", "abc"])
            self.type_into(control, text)
            return f"{panel}: type {text!r} into {name}"
        control.setFocus()
        keys = [
            self.rng.choice(
                [Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_End, Qt.Key.Key_Home]
            )
            for _ in range(self.rng.randint(1, 3))
        ]
        for key in keys:
            self.key(key, widget=control)
        return f"{panel}: keys {' '.join(key.name.removeprefix('Key_') for key in keys)} on {name}"

    def export_image(self) -> str:
        """File ▸ Export Image… to a PNG or an SVG."""
        self.export_to = self.folder / f"export{len(self.saved)}.{self.rng.choice(['png', 'svg'])}"
        self.key(Qt.Key.Key_E, CTRL | SHIFT)
        if not self.export_to.exists() or self.export_to.stat().st_size == 0:
            self.fail(f"Export Image wrote nothing to {self.export_to.name}")
        return f"export {self.export_to.name}"

    def auto_layout(self) -> str:
        self.key(Qt.Key.Key_L, CTRL)
        return "Ctrl+L"

    def use_as_cost(self) -> str:
        self.key(Qt.Key.Key_C, CTRL | SHIFT)
        return "Ctrl+Shift+C"

    def check_gradients(self) -> str:
        self.key(Qt.Key.Key_G, CTRL)
        shown = [dialog for dialog in self.window.findChildren(QWidget, "gradCheckDialog") if dialog.isVisible()]
        for dialog in shown:
            dialog.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what returning to the event loop does
        left = self.window.findChildren(QWidget, "gradCheckDialog")
        if left:
            self.fail(f"{len(left)} closed gradient-check dialog(s) are still alive")
        return f"Ctrl+G{' (dialog shown, closed)' if shown else ''}"

    def resize_window(self) -> str:
        """Drag the window's corner: smaller or larger, never past the screen's edge."""
        available, frame = self.window.screen().availableGeometry(), self.window.frameGeometry()
        room_x = available.right() - frame.left() + 1 - (frame.width() - self.window.width())
        room_y = available.bottom() - frame.top() + 1 - (frame.height() - self.window.height())
        width = self.rng.randint(min(room_x, available.width() // 2), room_x)
        height = self.rng.randint(min(room_y, available.height() // 2), room_y)
        self.window.resize(width, height)
        return f"resize to {width}×{height}"
