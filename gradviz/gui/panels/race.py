"""Reverse mode and forward mode side by side, on one clock, each with its sweeps and flops counted.

In the "reverse vs forward" mode the canvas is split: the left half replays reverse mode on a
read-only copy of the graph, the right half is the usual canvas stepping through forward mode. Above
each half a header counts that mode's sweeps through the graph, the gradient elements it has
finished and the floating-point operations it has spent, with a bar on one common scale, so that the
seed's "n passes versus one" is seen rather than told.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from gradviz.engine.compare import Progress, Race
from gradviz.gui.canvas.items import BACKWARD_COLOUR, FORWARD_COLOUR
from gradviz.gui.canvas.scene import GraphScene
from gradviz.gui.canvas.view import GraphView
from gradviz.model.story import story_of


class ModeHeader(QWidget):
    """One mode's counters: a sentence and a bar of flops spent, on a scale shared by both modes."""

    def __init__(self, mode: str, colour: str) -> None:
        super().__init__()
        name = mode.split(maxsplit=1)[0]
        self.setObjectName(f"{name}Counters")
        self.setAccessibleName(f"{mode} counters")
        self.mode = mode
        self.words = QLabel()
        self.words.setObjectName(f"{name}CountersText")
        self.words.setWordWrap(True)
        font = self.words.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.words.setFont(font)
        self.flops = QProgressBar()
        self.flops.setObjectName(f"{name}FlopsBar")
        self.flops.setAccessibleName(f"{mode}: floating-point operations spent")
        self.flops.setTextVisible(False)
        self.flops.setFixedHeight(10)
        self.flops.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.words)
        layout.addWidget(self.flops)

    def show_progress(self, progress: Progress | None, scale: int) -> None:
        """``scale``: the flops that fill the bar (the larger mode's total), so the bars compare."""
        if progress is None:
            self.words.setText(f"<b>{self.mode}</b>: press → to start")
            self.flops.setValue(0)
            return
        sweeps = "sweep" if progress.sweeps == 1 else "sweeps"
        done = "  ✓ gradient complete" if progress.finished else ""
        self.words.setText(
            f"<b>{self.mode}</b>: {progress.sweeps_done} of {progress.sweeps} {sweeps} · "
            f"{progress.known} of {progress.elements} gradient elements · "
            f"{progress.flops:,} of {progress.total_flops:,} flops{done}"
        )
        self.flops.setRange(0, 1000)  # in thousandths of the scale: flops overflow a QProgressBar's int
        self.flops.setValue(round(1000 * progress.flops / max(1, scale)))


class ReverseSide(QWidget):
    """The left half in comparison: reverse mode on a read-only view of the same document.

    Its scene exists only while comparing: a second scene following every edit of a big graph would
    double the cost of editing it, for a view nobody sees.
    """

    def __init__(self, make_scene: Callable[[], GraphScene]) -> None:
        super().__init__()
        self.setObjectName("reverseSide")
        self.setAccessibleName("Reverse mode, side by side")
        self._make_scene = make_scene
        self.scene: GraphScene | None = None
        self.view = GraphView(None)
        self.view.setObjectName("reverseCanvas")
        self.view.setAccessibleName("Reverse mode canvas (read-only)")
        self.view.setInteractive(False)  # edits happen on the main canvas; this one only follows
        self.header = ModeHeader("reverse mode", BACKWARD_COLOUR.name())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)

    def follow(self, comparing: bool) -> None:
        """Show (making the scene) or hide (dropping it) the reverse side."""
        if comparing and self.scene is None:
            self.scene = self._make_scene()
            self.view.setScene(self.scene)
            self.view.fit()
        elif not comparing and self.scene is not None:
            self.view.setScene(None)
            self.scene.close()
            self.scene.deleteLater()
            self.scene = None
        self.setVisible(comparing)


class RaceCounters:
    """Draws one tick of a race on the reverse side and on the forward header."""

    def __init__(self, reverse_side: ReverseSide, forward_header: ModeHeader) -> None:
        self.reverse_side, self.forward_header = reverse_side, forward_header

    def show_tick(self, race: Race | None, tick: int, glide_ms: int) -> None:
        """Show the race at ``tick``, tokens gliding for ``glide_ms`` along the reverse side's step."""
        scene = self.reverse_side.scene
        if scene is None:
            return
        scene.glide_ms = glide_ms
        if race is None or tick < 0:
            scene.show_step(None, None)
            self.reverse_side.header.show_progress(None, 1)
            self.forward_header.show_progress(None, 1)
            return
        reverse, forward = race.at(tick)
        scale = max(reverse.total_flops, forward.total_flops)
        self.reverse_side.header.show_progress(reverse, scale)
        self.forward_header.show_progress(forward, scale)
        state = race.reverse.state(reverse.index)
        scene.show_step(state, story_of(race.reverse).shown_step(reverse.index))  # an addition marks its edge


def forward_header() -> ModeHeader:
    return ModeHeader("forward mode", FORWARD_COLOUR.name())
