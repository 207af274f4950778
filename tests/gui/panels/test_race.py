"""Reverse and forward mode side by side: each header counts its sweeps, gradient elements and flops on one
common scale, and the reverse side's scene exists only while comparing."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from gradviz.engine.compare import Progress
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.panels.race import ModeHeader, ReverseSide, forward_header
from gradviz.gui.theme import LIGHT
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument


def test_a_header_counts_and_its_bar_is_on_the_common_scale(qtbot):
    header = ModeHeader("reverse mode", "#c62828")
    qtbot.addWidget(header)
    assert header.objectName() == "reverseCounters" and header.flops.objectName() == "reverseFlopsBar"
    header.show_progress(None, 1)
    assert "press → to start" in header.words.text() and header.flops.value() == 0
    header.show_progress(Progress("reverse", 3, 0, 1, 1500, 6000, 0, 8), scale=12_000)
    assert header.words.text() == (
        "<b>reverse mode</b>: 0 of 1 sweep · 0 of 8 gradient elements · 1,500 of 6,000 flops"
    )
    assert header.flops.value() == 125  # 1500 of the 12000 that fill the bar: an eighth
    header.show_progress(Progress("reverse", 9, 1, 1, 6000, 6000, 8, 8), scale=12_000)
    assert header.words.text().endswith("✓ gradient complete") and header.flops.value() == 500


def test_forward_headers_count_sweeps_in_the_plural(qtbot):
    header = forward_header()
    qtbot.addWidget(header)
    header.show_progress(Progress("forward", 4, 2, 6, 10, 30, 2, 6), scale=30)
    assert "2 of 6 sweeps" in header.words.text() and header.objectName() == "forwardCounters"


def test_the_reverse_side_makes_its_scene_only_while_comparing(qtbot):
    document = GraphDocument(read(EXAMPLES / "linear_layer.json"))
    made: list[GraphScene] = []

    def make_scene() -> GraphScene:
        made.append(GraphScene(document, QUndoStack(), LIGHT))
        return made[-1]

    side = ReverseSide(make_scene)
    qtbot.addWidget(side)
    assert side.scene is None and made == []
    side.follow(True)
    assert side.scene is made[0] and side.view.scene() is made[0] and side.isVisibleTo(side)
    assert not side.view.isInteractive() and set(side.scene.nodes) == set(document.nodes)
    side.follow(True)  # already comparing: the same scene
    assert len(made) == 1
    side.follow(False)
    assert side.scene is None and side.view.scene() is None and not side.isVisibleTo(side)
