"""Which convolution the kernel-flip view shows: the node selected, or the node of the step reached.

Reaching a convolution's forward step shows the forward phase, sliding; its backward step into the
image shows the image bar (the kernel turns over first), into the kernel the kernel bar. The two share
one set of controls while playing: the timeline waits at a convolution's step until its window has
slid over the whole result, then plays on. Selecting a
convolution node while not stepping shows the finished pass, so every phase can be explored. The
numbers are always the trace's: the values and the bar known at that step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gradviz.engine.kernel_flip import CONVOLUTIONS
from gradviz.engine.program import Program
from gradviz.engine.trace import State
from gradviz.gui.panels.conv_phases import Names
from gradviz.gui.panels.convolution import ConvolutionPanel
from gradviz.gui.playback import Player

DOCK_HEIGHT = 400
PORT_PHASES = {0: "image", 1: "kernel"}  # conv2d's bias (port 2) has no sliding window to show


class ConvolutionFollower:
    """Feeds the panel from the player's trace; shows its dock when a convolution comes into view."""

    def __init__(self, panel: ConvolutionPanel, dock: QDockWidget, player: Player,
                 can_run: Callable[[], bool]) -> None:
        self.panel, self.dock, self.player, self._can_run = panel, dock, player, can_run
        self.node_id: str | None = None  # the convolution shown
        self._trace: object | None = None  # the trace its numbers came from
        self._resume = False  # the timeline was paused for a slide, and plays on after it
        panel.slid.connect(self._slid)

    def step_shown(self, index: int) -> None:
        """The timeline moved: if its step belongs to a convolution, show that step's phase, sliding.
        After an edit (a new trace) the node shown is shown again with the new numbers."""
        self._resume = False  # any move of the timeline ends a wait for a slide
        playback = self.player.loaded
        if self.node_id is not None and (playback is None or playback.trace is not self._trace):
            self.node_selected(self.node_id)
            playback = self.player.loaded
        if playback is None or index < 0 or playback.trace.kind != "reverse mode":
            return
        step = playback.trace.steps[index]
        if step.node.op.name not in CONVOLUTIONS or step.kind not in ("forward", "backward"):
            return
        phase = "forward" if step.kind == "forward" else PORT_PHASES.get(step.port)
        if phase is None:
            return
        if self.player.playing:
            self.player.pause()
            self._resume = True
        self._show(playback.trace.program, step.node.id, playback.trace.state(index), phase, animate=True)

    def _slid(self) -> None:
        if self._resume:
            self._resume = False
            self.player.play()

    def node_selected(self, node_id: str | None) -> None:
        """A node was selected: a convolution is shown at the current step, or finished if not stepping."""
        if node_id is None:
            return
        playback = None
        if self._can_run():
            playback = self.player.loaded if self.player.index >= 0 else self.player.playback
        if playback is None or playback.trace.kind != "reverse mode" or node_id not in playback.trace.program.index:
            if node_id == self.node_id:  # the node shown is gone, or the graph cannot run: show nothing stale
                self.node_id = None
                self.panel.clear()
            return
        program = playback.trace.program
        if program.node(node_id).op.name not in CONVOLUTIONS:
            return
        index = playback.index if playback.index >= 0 else playback.last
        state = playback.trace.state(index)
        if node_id not in state.values:
            state = playback.trace.state(playback.last)  # not computed yet at this step: show it finished
        self._show(program, node_id, state, None, animate=False)

    def _show(self, program: Program, node_id: str, state: State, phase: str | None, animate: bool) -> None:
        self.node_id, self._trace = node_id, self.player.loaded.trace
        node = program.node(node_id)
        inputs = [state.values[parent] for parent in node.inputs[:2]]
        names = Names(program.node(node.inputs[0]).name, program.node(node.inputs[1]).name, node.name)
        if self.dock.isHidden():
            self.dock.show()
            window = self.dock.parentWidget()
            window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)  # room for the heatmaps
        self.panel.show_node(node.op.name, dict(node.attrs), inputs, state.bars.get(node_id), names,
                             phase=phase, animate=animate)
