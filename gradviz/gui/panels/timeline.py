"""The timeline: step back, step, play, speed, start and end, and a scrubber over the phases.

Below the scrubber a thin bar shows where the forward pass (blue), the seed (a dot) and the reverse
pass (magenta) lie, with the current step marked; under it, the step told in words.

The scrubber, the phase bar and the words count the steps as the story tells them (gradviz.model.story:
one step per edge, "x̄ = …" for a bar's first contribution); the player's cursor is always the trace's
exact step, so the canvas shows the trace's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QIcon, QMouseEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget

from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.trace import Trace
from gradviz.gui.canvas.items import BACKWARD_COLOUR, FORWARD_COLOUR
from gradviz.gui.notation import rich
from gradviz.gui.playback import SPEEDS, Player
from gradviz.gui.reading_pace import ReadingPace

MODES = {"reverse mode": "reverse", "forward mode": "forward", "reverse vs forward": "both"}


class PhaseBar(QWidget):
    """Forward, seed and reverse phases along the scrubber; a click seeks."""

    def __init__(self, player: Player) -> None:
        super().__init__()
        self.setObjectName("phaseBar")
        self.setAccessibleName("Phases of the trace")
        self.player = player
        self.setFixedHeight(12)

    def _x(self, position: int) -> float:
        """Where presented step ``position`` ends along the bar (-1: the left edge)."""
        count = len(self.player.playback.story) if self.player.playback else 1
        return (position + 1) / max(1, count) * (self.width() - 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        playback = self.player.playback
        if playback is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        trace, story = playback.trace, playback.story
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        if isinstance(trace, ForwardTrace):  # one segment per pass, alternating shades (tangent steps are told 1:1)
            start = -1
            for number, end in enumerate(trace.pass_ends):  # per pass: its steps' tangents are made only when read
                shade = FORWARD_COLOUR if number % 2 == 0 else FORWARD_COLOUR.lighter(150)
                painter.fillRect(QRectF(self._x(start), 3, self._x(end) - self._x(start), 6), shade)
                start = end
        elif isinstance(trace, Trace):
            seed = story.position(trace.seed_index)
            painter.fillRect(QRectF(0, 3, self._x(seed), 6), FORWARD_COLOUR)
            painter.fillRect(QRectF(self._x(seed), 3, self.width() - self._x(seed), 6), BACKWARD_COLOUR)
            painter.setPen(ink)
            painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
            painter.drawEllipse(QRectF(self._x(seed) - 5, 1, 10, 10))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)  # the theme's text colour: black on light, light on dark (black vanished there)
        painter.drawRect(QRectF(self._x(story.position(playback.index)) - 1.5, 0, 3, 12))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        playback = self.player.playback
        if playback is None:
            self.player.step()  # not run yet, so no steps drawn: a click starts stepping
        else:
            fraction = event.position().x() / max(1, self.width())
            self.player.seek(playback.story.index(round(fraction * len(playback.story)) - 1))


class Timeline(QWidget):
    """The step controls for one player."""

    def __init__(self, player: Player, why_not: Callable[[], str | None] = lambda: None) -> None:
        """``why_not``: the first reason the graph cannot run (a node's shape error, no cost), said in the
        timeline's sentence rather than a generic one; None when there is none to name."""
        super().__init__()
        self._why_not = why_not
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline")
        self.player = player
        controls = QHBoxLayout()
        self._add_buttons(controls)
        self._add_selectors(controls)
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setObjectName("timelineScrubber")
        self.scrubber.setAccessibleName("Step scrubber")
        self.scrubber.setRange(-1, -1)  # no steps until the graph has run; Qt's default 0–99 would suggest some
        self.scrubber.valueChanged.connect(self._scrubbed)
        self.position = QLabel()
        self.position.setObjectName("timelinePosition")
        self.position.setTextFormat(Qt.TextFormat.PlainText)
        self.position.setMinimumWidth(170)
        scrub = QVBoxLayout()
        scrub.addWidget(self.scrubber)
        self.phases = PhaseBar(player)
        scrub.addWidget(self.phases)
        controls.addLayout(scrub, 1)
        controls.addWidget(self.position)
        self.words = QLabel()
        self.words.setObjectName("timelineSentence")
        self.words.setWordWrap(True)
        self.words.setTextFormat(Qt.TextFormat.RichText)  # names escaped by rich(), bars drawn as overlines
        font = self.words.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.words.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(controls)
        layout.addWidget(self.words)
        ReadingPace(self, player, self.show_step)  # the timeline's child
        player.playing_changed.connect(lambda _playing: self._tint_icons())
        self.show_step(-1)

    def _add_buttons(self, controls: QHBoxLayout) -> None:
        player = self.player
        self.buttons: dict[str, QToolButton] = {}
        self._icons: dict[str, QStyle.StandardPixmap] = {}
        icons = QStyle.StandardPixmap
        for name, icon, tip, action in (
            ("home", icons.SP_MediaSkipBackward, "Start (Home)", player.home),
            ("back", icons.SP_MediaSeekBackward, "Step back (←)", player.back),
            ("play", icons.SP_MediaPlay, "Play / pause (Space)", player.toggle),
            ("step", icons.SP_MediaSeekForward, "Step (→)", player.step),
            ("end", icons.SP_MediaSkipForward, "End (End)", player.end),
        ):
            button = QToolButton()
            button.setToolTip(tip)
            self._icons[name] = icon
            button.setObjectName(f"timeline_{name}")
            button.setAccessibleName(tip)
            button.clicked.connect(action)
            controls.addWidget(button)
            self.buttons[name] = button
        self._tint_icons()

    def _tint_icons(self) -> None:
        """The style's media icons in the palette's button-text colour: Fusion draws them dark grey,
        which all but vanishes on the dark theme's buttons."""
        colour = self.palette().color(QPalette.ColorRole.ButtonText)
        for name, button in self.buttons.items():
            icon = self._icons[name]
            if name == "play" and self.player.ticking:  # playing, or sliding a convolution's window
                icon = QStyle.StandardPixmap.SP_MediaPause
            tinted = QIcon()
            for size in (16, 32):
                pixmap = self.style().standardIcon(icon).pixmap(size, size)
                painter = QPainter(pixmap)
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
                painter.fillRect(pixmap.rect(), colour)
                painter.end()
                tinted.addPixmap(pixmap)
            tinted.addPixmap(self._disabled(tinted.pixmap(16, 16)), QIcon.Mode.Disabled)
            button.setIcon(tinted)

    def _disabled(self, pixmap: QPixmap) -> QPixmap:
        faded = QPixmap(pixmap.size())
        faded.fill(Qt.GlobalColor.transparent)
        painter = QPainter(faded)
        painter.setOpacity(0.35)
        painter.drawPixmap(0, 0, pixmap)
        painter.end()
        return faded

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and hasattr(self, "buttons"):
            self._tint_icons()

    def _add_selectors(self, controls: QHBoxLayout) -> None:
        player = self.player
        self.speed = QComboBox()
        self.speed.setObjectName("timelineSpeed")
        self.speed.setAccessibleName("Steps per second")
        self.speed.addItems([f"{speed:g} steps/s" for speed in SPEEDS])
        self.speed.setCurrentIndex(SPEEDS.index(player.speed))
        self.speed.currentIndexChanged.connect(lambda i: player.set_speed(SPEEDS[i]))
        controls.addWidget(self.speed)
        self.mode = QComboBox()
        self.mode.setObjectName("timelineMode")
        self.mode.setAccessibleName("Differentiation mode")
        self.mode.addItems(list(MODES))
        self.mode.setToolTip(
            "Reverse mode: one pass back from the cost gives every bar.\n"
            "Forward mode: one pass per input number, each giving one element of the gradient.\n"
            "Reverse vs forward: both side by side on one clock, with their passes and flops."
        )
        controls.addWidget(self.mode)

    def show_step(self, index: int) -> None:
        available = self.player.available
        for widget in (*self.buttons.values(), self.scrubber, self.speed):
            widget.setEnabled(available)
        if not available:
            self.position.setText("")
            error = self.player.error
            where = f"{error.node_id}: " if error is not None and error.node_id else ""
            why = self._why_not() if error is None else None
            self.words.setText(
                f"The graph cannot run: {rich(where + error.message)}"
                if error is not None
                else f"The graph cannot run yet: {rich(why)}"
                if why
                else "The graph cannot run yet: every node needs its inputs and one node must be the cost."
            )
            return
        playback = self.player.playback
        if index < 0 or playback is None:  # no trace while a run is pending (an edit's rerun cancelled)
            self.position.setText("before the first step")
            self.words.setText("Press → (or ▶) to run the forward pass one node at a time, then the reverse pass.")
            with QSignalBlocker(self.scrubber):
                self.scrubber.setValue(self.scrubber.minimum())
            self.phases.update()
            return
        story = playback.story
        position = story.position(index)
        with QSignalBlocker(self.scrubber):
            self.scrubber.setRange(-1, len(story) - 1)
            self.scrubber.setValue(position)
        self.position.setText(f"step {position + 1} of {len(story)}  ·  {playback.trace.where(index)}")
        exact = story.told[position].steps
        self.position.setToolTip(
            f"the trace's step{'s' if len(exact) > 1 else ''} "
            f"{' and '.join(map(str, exact))}, as `gradviz trace` numbers them"
        )
        self.words.setText(f"{rich(story.formula(position))}: &nbsp;{rich(story.sentence(position))}")
        self.phases.update()

    def _scrubbed(self, position: int) -> None:
        """The scrubber counts presented steps; the player goes to the exact step that ends the one chosen."""
        playback = self.player.playback
        if playback is not None:
            self.player.seek(playback.story.index(position))
