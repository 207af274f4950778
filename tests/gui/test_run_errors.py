"""A graph whose run fails (a singular matrix, a label out of range, a trace too big for memory) opens and
is marked where it fails: pressing → shows the error on the node and in the timeline, and raises nothing.

pytest-qt fails a test on any exception raised inside a Qt handler, so these presses prove the error
never escapes the key handler.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest

from gradviz.engine.program import NodeSpec
from gradviz.gui.commands import ReplaceNode
from gradviz.io.graph_file import GraphFile, save

# inv of a singular matrix fails when run (det no longer does: its bar is the adjugate, defined everywhere)
SINGULAR = (
    NodeSpec("A", "parameter", value=[[1.0, 2.0], [2.0, 4.0]]),
    NodeSpec("C", "inv", ("A",)),
    NodeSpec("c", "sum", ("C",)),
)
LABEL_OUT_OF_RANGE = (
    NodeSpec("z", "parameter", value=[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]),
    NodeSpec("y", "constant", value=[0, 7]),  # 7 is no class of 3
    NodeSpec("c", "cross_entropy", ("z", "y")),
)


def opened(window, qtbot, tmp_path, nodes) -> None:
    save(GraphFile(tuple(nodes), "c"), tmp_path / "graph.json")
    assert window.open_path(tmp_path / "graph.json")
    window.show()
    window.activateWindow()  # offscreen, nothing activates it for us
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()


def sentence(window) -> str:
    """The timeline's sentence as the student reads it (the label holds escaped rich text)."""
    document = QTextDocument()
    document.setHtml(window.timeline.words.text())
    return document.toPlainText()


def press_right(window) -> None:
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)


@pytest.mark.parametrize("mode", ["reverse mode", "forward mode"])
@pytest.mark.parametrize(
    "case",
    [
        (SINGULAR, "C", "the matrix is singular"),
        (LABEL_OUT_OF_RANGE, "c", "label 7 is out of range for 3 classes"),
    ],
)
def test_a_run_that_fails_is_shown_on_its_node_and_in_the_timeline(window, qtbot, tmp_path, mode, case):
    nodes, node_id, words = case
    opened(window, qtbot, tmp_path, nodes)
    window.timeline.mode.setCurrentText(mode)
    assert window.scene.nodes[node_id].look.error is None  # its shapes are fine: only running finds it
    press_right(window)
    assert window.player.error is not None and window.player.error.node_id == node_id
    assert words in window.player.error.message
    look = window.scene.nodes[node_id].look
    assert look.error is not None and words in look.error and "\n" not in look.error
    told = sentence(window)
    assert told.startswith(f"The graph cannot run: {node_id}: ") and words in told
    assert not window.timeline.buttons["step"].isEnabled()
    press_right(window)  # again: still nothing raised, still shown
    assert window.player.index == -1 and words in sentence(window)


def test_fixing_the_value_clears_the_error_and_stepping_works(window, qtbot, tmp_path):
    opened(window, qtbot, tmp_path, SINGULAR)
    press_right(window)
    assert window.player.error is not None
    fixed = dataclasses.replace(window.document.nodes["A"], value=[[2.0, 1.0], [1.0, 3.0]])
    window.undo_stack.push(ReplaceNode(window.document, fixed, "edit A"))
    qtbot.waitUntil(lambda: window.player.error is None and window.timeline.buttons["step"].isEnabled())
    assert window.scene.nodes["C"].look.error is None
    press_right(window)
    press_right(window)
    assert window.player.index == 1
    # inv [[2, 1], [1, 3]] = [[3, −1], [−1, 2]] / 5, whose elements sum to 3/5
    np.testing.assert_allclose(window.player.playback.trace.value("c"), 0.6)
    window.undo_stack.undo()  # singular again, while stepping: shown at once, nothing raised
    qtbot.waitUntil(lambda: window.player.error is not None)
    assert "singular" in window.scene.nodes["C"].look.error


def test_a_trace_beyond_the_memory_budget_is_refused_with_its_size(window, qtbot, tmp_path):
    """u (20000×1) v (1×20000): the 20000×20000 product and its bar are 3 GiB each (4·10⁸ float64s), and
    checkpoints save nothing (the bar's rule reads both at once). Refused before allocating."""
    n = 20_000
    nodes = (
        NodeSpec("u", "input", value=np.ones((n, 1))),
        NodeSpec("v", "parameter", value=np.ones((1, n))),
        NodeSpec("p", "matmul", ("u", "v")),
        NodeSpec("c", "sum", ("p",)),
    )
    opened(window, qtbot, tmp_path, nodes)
    press_right(window)
    assert window.player.error is not None
    assert sentence(window) == (
        "The graph cannot run: this graph's trace needs 6 GiB (6 GiB kept at checkpoints); the limit is 2 GiB"
    )
    assert window.player.index == -1


def test_comparing_modes_on_billions_of_flops_raises_nothing(window, qtbot):
    """x (30×30) @ W (30×200): 6,900 forward-mode passes of 360,000 flops, 2.5·10⁹ in all, past a
    QProgressBar's int: the flops bars were set in flops and overflowed inside the step handler."""
    rng = np.random.default_rng(0)
    nodes = (
        NodeSpec("x", "input", value=rng.normal(size=(30, 30))),
        NodeSpec("W", "parameter", value=rng.normal(size=(30, 200))),
        NodeSpec("h", "matmul", ("x", "W")),
        NodeSpec("c", "sum", ("h",)),
    )
    window.load_graph(window.prepare_graph(GraphFile(nodes, "c"), "race"), None)
    window.timeline.mode.setCurrentText("reverse vs forward")
    window.player.end()
    qtbot.waitUntil(lambda: window.player.playback is not None, timeout=60_000)
    assert window.player.error is None and window.player.playback.at_end
    assert window.forward_header.flops.value() == window.forward_header.flops.maximum()  # both finished
