"""Which convolution the kernel-flip view shows: the node selected, or the node of the step reached.

Reaching a convolution's forward step shows the forward phase from its first frame and tells the player
that these frames are the step's, so its one clock slides them (gradviz.gui.playback: once if paused,
then on along the timeline if playing); its backward step into the image shows the image bar (the kernel
turns over first), into the kernel the kernel bar. At any other step the view shows the phase the
timeline has reached for that convolution (finished), never one it has not reached yet. Selecting a
convolution node while not stepping shows the finished pass, so every phase can be explored. The
numbers are always the trace's: the values and the bar known at that step.

The dock opens only when there is a convolution to show, and closes when the graph has none; closed by
the user, playing no longer waits for its frames. The follower never pauses or plays the player.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDockWidget, QMainWindow

from gradviz.engine.kernel_flip import CONVOLUTIONS
from gradviz.engine.trace import BackwardStep, ForwardStep, State, Trace
from gradviz.engine.walkable import AnyStep
from gradviz.gui import docks
from gradviz.gui.panels.conv_phases import Names
from gradviz.gui.panels.convolution import ConvolutionPanel
from gradviz.gui.playback import Player
from gradviz.model.document import GraphDocument

DOCK_HEIGHT = 400
PORT_PHASES = {0: "image", 1: "kernel"}  # conv2d's bias (port 2) has no sliding window to show


class ConvolutionFollower:
    """Feeds the panel from the player's trace; shows its dock when a convolution comes into view."""

    def __init__(self, panel: ConvolutionPanel, dock: QDockWidget, player: Player, can_run: Callable[[], bool]) -> None:
        self.panel, self.dock, self.player, self._can_run = panel, dock, player, can_run
        self.node_id: str | None = None  # the convolution shown
        self._trace: object | None = None  # the trace its numbers came from
        self._drawn: tuple | None = None  # what _follow drew last, so a step elsewhere does not redraw it
        dock.visibilityChanged.connect(self._dock_shown)

    def step_shown(self, index: int) -> None:
        """The timeline moved: if its step belongs to a convolution, show that step's phase from its first
        frame, for the player to slide. After an edit (a new trace) the node shown is shown again with the
        new numbers."""
        playback = self.player.playback
        if self.node_id is not None and (playback is None or playback.trace is not self._trace):
            self.node_selected(self.node_id)
            playback = self.player.playback
        if playback is None or index < 0 or not isinstance(playback.trace, Trace):
            return
        step = playback.story.shown_step(index)  # an edge's addition belongs to its contribution's phase
        phase = _phase_of(step)
        if step.node.op.name not in CONVOLUTIONS or phase is None:
            self._follow(playback.trace, index)
            return
        self._show(playback.trace, step.node.id, playback.trace.state(index), phase, from_start=True)
        self.player.slide_step()

    def _follow(self, trace: Trace, index: int) -> None:
        """A step of another node: the convolution shown stays, at the phase the timeline has reached."""
        if self.node_id is None or self.node_id not in trace.program.index or self.dock.isHidden():
            return
        own = [step for step in trace.steps[: index + 1] if step.node.id == self.node_id]
        reached = [phase for phase in map(_phase_of, own) if phase is not None]
        touching = [
            step.index
            for step in trace.steps[: index + 1]
            if step.node.id == self.node_id or (isinstance(step, BackwardStep) and step.parent.id == self.node_id)
        ]  # its bar grows
        if not reached:
            self.panel.clear()  # not computed yet at this step
            self._drawn = None
            return
        drawn = (id(trace), self.node_id, reached[-1], touching[-1])  # its numbers change only at these steps
        if drawn != self._drawn:
            self._show(trace, self.node_id, trace.state(index), reached[-1])
            self._drawn = drawn

    def graph_changed(self, document: GraphDocument) -> None:
        """The graph was edited or another opened: with no convolution left, the dock closes."""
        if not any(spec.op in CONVOLUTIONS for spec in document.nodes.values()):
            if self.node_id is not None:
                self.node_id = None
                self.panel.clear()
            self.dock.hide()

    def _dock_shown(self, visible: bool) -> None:
        """Closed by the user (hidden, not just covered): playing no longer waits for the frames it showed."""
        if not visible and self.dock.isHidden():
            self.player.leave_step()

    def node_selected(self, node_id: str | None) -> None:
        """A node was selected: a convolution is shown at the current step, or finished if not stepping."""
        if node_id is None:
            return
        playback = None
        if self._can_run():
            playback = self.player.playback if self.player.index >= 0 else self.player.run()  # show it computed
        if playback is None or not isinstance(playback.trace, Trace) or node_id not in playback.trace.program.index:
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
        self._show(playback.trace, node_id, state, None)

    def _show(self, trace: Trace, node_id: str, state: State, phase: str | None, from_start: bool = False) -> None:
        """Show ``node_id`` of ``trace`` as it is in ``state`` (opening the dock if closed)."""
        self.node_id, self._trace, self._drawn, program = node_id, trace, None, trace.program
        node = program.node(node_id)
        inputs = [state.values[parent] for parent in node.inputs[:2]]
        names = Names(program.node(node.inputs[0]).name, program.node(node.inputs[1]).name, node.name)
        if self.dock.isHidden():
            self.dock.show()
            window = self.dock.parentWidget()
            steps = window.findChild(QDockWidget, "stepsDock") if isinstance(window, QMainWindow) else None
            if isinstance(window, QMainWindow) and isinstance(steps, QDockWidget):
                height = docks.conv_height(window.height(), docks.dpi_scale(window), DOCK_HEIGHT)
                docks.size_bottom_docks(window, steps, self.dock, height)
        self.panel.show_node(
            node.op.name, dict(node.attrs), inputs, state.bars.get(node_id), names, phase=phase, from_start=from_start
        )


def _phase_of(step: AnyStep) -> str | None:
    """The kernel-flip phase a convolution's step builds (None for a step that builds none)."""
    if isinstance(step, ForwardStep):
        return "forward"
    return PORT_PHASES.get(step.port) if isinstance(step, BackwardStep) else None
