"""Which run the player steps through: the edited graph retraced after edits, in the differentiation mode
chosen, with a training iteration's parameters if one is being stepped through, and (comparing modes)
reverse mode run beside forward mode for the race counters.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, QTimer, Signal

from gradviz.engine.compare import Race
from gradviz.engine.errors import GradvizError
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.tracer import run
from gradviz.gui.panels.timeline import MODES, Timeline
from gradviz.gui.playback import Player
from gradviz.model.document import Change, GraphDocument, NodesMoved
from gradviz.model.playback import RunJob


class RunControl(QObject):
    """Hands the player the run to step through, again after every edit that changes what the graph
    computes; ``comparing`` says whether reverse mode shows beside forward mode (the window lays the
    canvases out), ``message`` carries a one-line complaint to the status bar."""

    comparing = Signal(bool)
    message = Signal(str)

    def __init__(self, document: GraphDocument, player: Player, timeline: Timeline, parent: QObject) -> None:
        super().__init__(parent)  # its timer dies with the window: a bare singleShot could fire after close
        self.document, self.player, self.timeline = document, player, timeline
        self.mode = "reverse"  # 'reverse', 'forward' or 'both'
        self.parameters: dict[str, Any] | None = None  # a training iteration's parameters being stepped through
        self._race: Race | None = None
        self._retrace_soon = QTimer(self, singleShot=True, interval=0)
        self._retrace_soon.timeout.connect(self.retrace)
        timeline.mode.currentTextChanged.connect(self._mode_chosen)
        document.subscribe(self._graph_changed)

    def _graph_changed(self, change: Change) -> None:
        """Retrace once after a burst of edits (one command may emit several changes); a move changes nothing."""
        if not isinstance(change, NodesMoved):
            self._retrace_soon.start()  # restarting a pending one coalesces the burst

    def retrace(self, index: int | None = None) -> None:
        """Compile the edited graph (cheap) and hand the player the run (dear), to do when it is needed;
        ``index`` is the step to go to (None: the player keeps its place as well as it can)."""
        self._retrace_soon.stop()
        if not self.document.can_run():
            self.player.set_source(None, index)  # the canvas already says which node and why
            return
        mode = "reverse" if self.mode == "reverse" else "forward"
        self.player.set_source(RunJob(self.document.program, mode, self.parameters), index)  # compiled on first step

    def step_through_parameters(self, parameters: dict[str, Any] | None) -> None:
        """Step through a training iteration (its parameters), or back to the graph's own values."""
        self.parameters = parameters
        self.retrace(-1)

    def restore_mode(self, mode: str) -> None:
        """The mode a file was saved in, shown without starting a retrace of its own."""
        self.mode = mode if mode in MODES.values() else "reverse"
        with QSignalBlocker(self.timeline.mode):
            self.timeline.mode.setCurrentIndex(list(MODES.values()).index(self.mode))
        self.comparing.emit(self.mode == "both")

    def set_mode(self, mode: str) -> None:
        """'reverse', 'forward' or 'both' (side by side): which differentiation the steps show;
        starts over at step -1."""
        if mode != self.mode:
            self.mode = mode
            self.timeline.mode.setCurrentIndex(list(MODES.values()).index(mode))
            self.comparing.emit(mode == "both")
            self.retrace(-1)

    def _mode_chosen(self, text: str) -> None:
        self.set_mode(MODES[text])

    def race(self) -> Race | None:
        """Reverse mode beside the forward-mode trace being stepped (comparing only), made once per trace."""
        playback = self.player.playback
        if self.mode != "both" or playback is None:
            return None
        forward = playback.trace
        if not isinstance(forward, ForwardTrace):
            return None  # comparing, retrace hands the player forward mode: never met, but Race needs one
        if self._race is None or self._race.forward is not forward:
            try:
                self._race = Race(run(forward.program, self.parameters), forward)
            except GradvizError as error:  # too big a trace for reverse mode (refused before allocating)
                self.message.emit(f"Reverse mode cannot run beside forward mode: {error}")
                return None
        return self._race
