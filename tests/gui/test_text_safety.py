"""What a student reads is the graph's text, shown as written and never run as markup.

Labels come from files and typing: a label such as <img src="/dev/zero"> once made Qt read /dev/zero
(std::bad_alloc at the first step), and αβ or x^ made the formula panel raise at every step. These
tests drive the window as the student does and read back what the labels, panels and canvas show.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata

import numpy as np
import pytest
import shiboken6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # QtGui's Qt namespace has mightBeRichText
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget

from gradviz.engine.formula import render_latex, render_unicode
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.gui.commands import ReplaceNode
from gradviz.gui.notation import OVERLINE, rich
from gradviz.gui.panels.formula import typeset
from gradviz.io.paths import EXAMPLES

MARKUP = '<img src="no-such-image.png" width=40><b>big</b>'  # the repro's label, without /dev/zero


def shown(label: QLabel) -> str:
    """The characters a label puts on screen (markup interpreted as Qt would)."""
    rich_text = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    )
    if not rich_text:
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def relabel(window, qtbot, node_id: str, label: str) -> None:
    """Rename a node as the inspector does (one undo command), then wait for the window's retrace."""
    spec = window.document.nodes[node_id]
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(spec, label=label), "relabel"))
    qtbot.waitUntil(
        lambda: window.player.run() is not None and window.player.run().trace.program.node(node_id).label == label,
        timeout=3000,
    )


def step_through(window, qtbot, node_id: str) -> None:
    """Seek every step of the pass with the node selected, typesetting each formula at once."""
    window.scene.clearSelection()
    window.scene.nodes[node_id].setSelected(True)
    trace = window.player.run().trace
    for index in range(len(trace)):
        window.player.seek(index)
        window.formula_panel._typeset()  # what the panel's timer does once the steps pause
        qtbot.waitUntil(lambda: not window.formula_panel.typesetting, timeout=5000)  # on the typesetter's thread


def test_a_markup_label_is_shown_literally_everywhere(window, qtbot, tmp_path):
    graph = {
        "format": "gradviz-graph",
        "version": 1,
        "output": "c",
        "nodes": [
            {"id": "x", "op": "input", "value": [1.0, 2.0], "label": MARKUP},
            {"id": "h", "op": "tanh", "inputs": ["x"]},
            {"id": "c", "op": "sum", "inputs": ["h"]},
        ],
    }
    path = tmp_path / "html_label.json"
    path.write_text(json.dumps(graph))
    window.show()
    qtbot.waitExposed(window)
    window.open_path(path)
    window.activateWindow()  # shortcuts go to the active window; offscreen, nothing activates it for us
    qtbot.waitUntil(window.isActiveWindow)
    window.scene.nodes["x"].setSelected(True)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right)  # the first step: x is an input
    assert window.player.index == 0
    assert MARKUP in shown(window.timeline.words)
    texts = [shown(label) for label in window.findChildren(QLabel)]
    assert any(MARKUP in text for text in texts if "at this step" in text)  # the inspector's array title
    for label in window.findChildren(QLabel):  # wherever the label appears, it appears whole
        if "big" in label.text():
            assert MARKUP in shown(label), label.objectName()
    tip = window.scene.nodes["x"].toolTip()
    document = QTextDocument()
    document.setHtml(tip)
    assert MARKUP in document.toPlainText()


# Labels to read back verbatim: no whitespace runs or combining marks, which rich text may fold.
READABLE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me", "Mc")),
    min_size=1,
    max_size=12,
)
ANY_LABEL = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=16)


@pytest.mark.slow
def test_any_label_steps_through_a_whole_pass(window, qtbot):
    """Every step of the pass shows a hostile label without an exception or a Qt warning, and the
    timeline reads it back as it was written."""
    window.open_path(EXAMPLES / "linear_layer.json")

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.one_of(
            READABLE,
            ANY_LABEL,
            st.sampled_from(
                ["αβ", "x^", "a_b", "$x$", "\\frac", "{", "}", "#%&~", "中文", "😀", "x\ny", "\u202e", MARKUP]
            ),
        )
    )
    def check(label: str) -> None:
        relabel(window, qtbot, "x", label)
        step_through(window, qtbot, "x")
        # read back: labels without whitespace (rich text folds it) or marks; a letter with a macron (Ē) is
        # drawn as the letter under a line, which is what it looks like but not the same characters
        if all(
            unicodedata.category(char)[0] not in "CZM" and "\u0304" not in unicodedata.normalize("NFD", char)
            for char in label
        ):
            trace = window.player.run().trace
            window.player.seek(
                next(step.index for step in trace.steps if step.kind == "forward" and step.node.id == "x")
            )
            assert unicodedata.normalize("NFC", label) in shown(window.timeline.words)

    check()


@pytest.mark.parametrize("label", ["αβ", "x^", "x_1", "50%", "a&b", "{W}", "\\alpha", "$", "~", "#", 'say "hi"'])
def test_labels_with_tex_specials_are_typeset_not_raised(label):
    """The notes' symbols and TeX's specials in a name typeset (no fallback needed) and never raise."""
    for template in ("{a:bar} += {out:bar} {b}ᵀ", "{a:dot}", "{a}"):
        assert typeset(render_latex(template, {"a": label, "b": "x", "out": "y"}), 12.0, "#000000") is not None


def test_a_name_the_fonts_lack_falls_back_to_text(window, qtbot):
    """中 has no glyph in mathtext's fonts: the formula stays as (escaped) text, no box, no exception."""
    window.open_path(EXAMPLES / "linear_layer.json")
    relabel(window, qtbot, "x", "中")
    trace = window.player.run().trace
    into_w = next(step.index for step in trace.steps if step.kind == "backward" and step.parent.id == "W")
    window.player.seek(into_w)
    window.formula_panel._typeset()
    qtbot.waitUntil(lambda: not window.formula_panel.typesetting, timeout=5000)
    assert window.formula_panel.formula.pixmap().isNull()
    assert "中" in shown(window.formula_panel.formula)


# ----- a bar is one line over the whole name; a tangent is a dot, never "dx" ---------------------------


def test_bars_are_one_line_over_the_whole_name():
    assert (
        rich(render_unicode("{a:bar} += {b:bar}", {"a": "conv", "b": "c"}))
        == f"{OVERLINE.format('conv')} += {OVERLINE.format('c')}"
    )
    assert rich(render_unicode("{a:bar}", {"a": "<b>"})) == OVERLINE.format("(&lt;b&gt;)")


def test_the_timeline_and_panels_draw_multi_letter_bars_whole(window):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    trace = window.player.run().trace
    into_w1 = next(step.index for step in trace.steps if step.kind == "backward" and step.parent.id == "W1")
    window.scene.nodes["W1"].setSelected(True)
    window.player.seek(into_w1)
    assert OVERLINE.format("W1") in window.timeline.words.text()
    assert OVERLINE.format("W1") in window.formula_panel.formula.text()
    window.player.seek(len(trace) - 1)  # W1's bar is complete: the inspector shows it under its title
    titles = [label.text() for label in window.inspector.findChildren(QLabel) if label.isVisibleTo(window)]
    assert any(OVERLINE.format("W1") in title for title in titles)
    for text in (window.timeline.words.text(), window.formula_panel.formula.text(), *titles):
        assert "\u0304" not in text and "\u0305" not in text  # no combining bar left to land on one letter


def test_forward_mode_writes_tangents_with_a_dot(window):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    window.timeline.mode.setCurrentText("forward mode")
    trace = window.player.run().trace
    assert isinstance(trace, ForwardTrace)
    for index in range(min(len(trace), 12)):
        window.player.seek(index)
        words = shown(window.timeline.words)
        assert "\u0307" in unicodedata.normalize("NFD", words), words
        assert " d" + trace.steps[index].node.name not in words


# ----- value cells: finite numbers only, refused with the reason -----------------------------------


def _type_into_cell(window, qtbot, text: str) -> QTableWidget:
    """Double-click W[0, 0], select what is there, type ``text`` and press Enter, as a student does."""
    window.show()
    qtbot.waitExposed(window)
    table = window.inspector.findChild(QTableWidget, "valueTable")
    rect = table.visualItemRect(table.item(0, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editors = lambda: [child for child in table.findChildren(QLineEdit) if child.isVisible()]
    qtbot.waitUntil(lambda: bool(editors()), timeout=2000)
    editor = editors()[0]
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible(), timeout=2000)
    return table


@pytest.mark.parametrize("typed", ["1e999", "inf", "-inf", "nan", "abc"])
def test_a_cell_refuses_what_is_not_a_finite_number(window, qtbot, typed):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    before = np.array(window.document.nodes["W"].value, dtype=float)
    messages = []
    window.inspector.message.connect(messages.append)
    table = _type_into_cell(window, qtbot, typed)
    after = np.array(window.document.nodes["W"].value, dtype=float)
    assert np.array_equal(before, after) and np.isfinite(after).all()
    assert window.undo_stack.isClean()
    [message] = messages  # one line for the status bar, naming the cell and the reason
    assert message.startswith("W[0, 0]") and typed in message
    assert ("not a finite number" if typed != "abc" else "not a number") in message
    assert float(table.item(0, 0).text()) == pytest.approx(before.flat[0])  # the old number, not what was typed


def test_a_cell_takes_a_finite_number(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    _type_into_cell(window, qtbot, "2.5e3")
    assert np.array(window.document.nodes["W"].value, dtype=float).flat[0] == 2500.0
    assert not window.undo_stack.isClean()


# ----- the inspector never shows a node of another graph --------------------------------------------


def test_opening_another_graph_with_two_nodes_selected(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    window.scene.nodes["y"].setSelected(True)
    window.open_path(EXAMPLES / "matmul.json")  # no W, no y
    assert window.inspector.node_id is None


def test_reopening_forgets_the_selected_node(window):
    """The same id in the new document is another node: the inspector shows nothing stale."""
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.nodes["W"].setSelected(True)
    assert window.inspector.node_id == "W"
    window.open_path(EXAMPLES / "linear_layer.json")
    assert window.inspector.node_id is None
    assert window.inspector.findChild(QTableWidget, "valueTable") is None
