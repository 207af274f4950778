"""The kernel-flip view: a convolution node's forward pass and both of its bars, one pixel at a time.

Selecting a correlate2d, convolve2d or conv2d node, or reaching one of its steps, shows it here:
side-by-side heatmaps of what slides, over what, the products under the window and the result
filling in. The image bar's phase turns the kernel over (an animated 180° flip) and slides it over the
output's bar padded 'full', which is the lecture's point: the backward pass of correlation is a
convolution. The impulse demo replays the notes' experiment on the node's kernel.

The view owns no clock and no cursor of its own: its frame is the player's frame cursor, moved by the
player's one clock (gradviz.gui.playback says when), and its ▶, ⏸, pace, arrows and scrubber are
requests to the player. It draws the frame ``frame_moved`` names.

Every number comes from engine.kernel_flip, which is tested against the engine's trace.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QVariantAnimation
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.engine.kernel_flip import Plane, impulse_plane, plane_of
from gradviz.gui.colormaps import limits
from gradviz.gui.notation import plain
from gradviz.gui.panels.conv_phases import (
    PHASES,
    Names,
    barred,
    frame_of,
    known_up_to,
    padding_words,
    result_shape,
    sentence,
)
from gradviz.gui.panels.conv_tiles import WINDOW_COLOURS, Tile
from gradviz.gui.playback import Player
from gradviz.model.frames import PACES

NOTES_KERNEL = np.arange(1.0, 10.0).reshape(3, 3)  # the notes' k, when no node is shown
FLIP_MS = 900
W = TypeVar("W", bound=QWidget)
IDLE = "Select a correlate2d, convolve2d or conv2d node, or press Impulse demo."


class ConvNode(NamedTuple):
    """What the panel was given of the node it shows."""

    op: str
    attrs: dict
    inputs: list[np.ndarray]
    output_bar: np.ndarray | None
    names: Names

    @property
    def kernel(self) -> np.ndarray:
        """The 2-D kernel the impulse demo replays (conv2d: its first filter's first channel)."""
        kernel = np.asarray(self.inputs[1], dtype=float)
        return kernel[0, 0] if self.op == "conv2d" else kernel


class ConvolutionPanel(QWidget):
    """One convolution node at a time; ``show_node`` gives it the numbers, ``player``'s frame cursor says
    which frame to draw, and the controls ask the player to move it."""

    def __init__(self, player: Player) -> None:
        super().__init__()
        self.player = player
        self.setObjectName("convolutionPanel")
        self.setAccessibleName("Kernel-flip view")
        self._source: ConvNode | None = None  # the node shown
        self.plane: Plane | None = None
        self.names = Names()
        self.phase = "forward"
        self.tiles: dict[str, Tile] = {}
        self._results: dict[str, np.ndarray] = {}
        self.heatmaps: Any = None  # pyqtgraph's (untyped) layout, made on first show: its import costs most of a start
        self._flip = QVariantAnimation(self, startValue=0.0, endValue=180.0, duration=FLIP_MS)
        self._flip.valueChanged.connect(self._turn)
        self._flip.finished.connect(self.finish_flip)
        self.title = QLabel(IDLE)
        self.title.setObjectName("convTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)  # names escaped by notation.plain
        self.words = QLabel()
        self.words.setObjectName("convSentence")
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        font = self.words.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.words.setFont(font)
        self.readout = QLabel(" ")
        self.readout.setObjectName("convReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)  # a tile's title, already escaped
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(6, 4, 6, 4)
        self._column.addLayout(self._controls())
        self._column.addWidget(self.title)
        self._column.addWidget(self.words)
        self._column.addWidget(self.readout)
        self._enable()
        player.frame_moved.connect(self._show_frame)
        player.playing_changed.connect(self._show_clock)

    # ----- controls ----------------------------------------------------------------------------------

    def _widget(self, widget: W, name: str, accessible: str, row: QHBoxLayout) -> W:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        widget.setToolTip(accessible)
        row.addWidget(widget)
        return widget

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.phase_box = self._widget(QComboBox(), "convPhase", "What the window builds", row)
        self.phase_box.addItems(list(PHASES.values()))
        self.phase_box.currentIndexChanged.connect(lambda i: self.set_phase(list(PHASES)[i]))
        self.channels = {}
        for key, words in (("batch", "batch item n"), ("in", "input channel c"), ("out", "output channel o")):
            label = QLabel(words.split()[-1])
            row.addWidget(label)
            box = self._widget(QSpinBox(), f"conv_{key}", words, row)
            box.valueChanged.connect(self._rebuild)
            self.channels[key] = (label, box)
        icons = QStyle.StandardPixmap
        self.buttons = {}
        for name, icon, tip, action in (
            ("back", icons.SP_MediaSeekBackward, "Previous pixel", self.back),
            ("play", icons.SP_MediaPlay, "Slide the window", self.toggle),
            ("step", icons.SP_MediaSeekForward, "Next pixel", self.step),
        ):
            button = self._widget(QToolButton(), f"conv_{name}", tip, row)
            button.setIcon(self.style().standardIcon(icon))
            button.clicked.connect(action)
            self.buttons[name] = button
        self.scrubber = self._widget(QSlider(Qt.Orientation.Horizontal), "convFrame", "Pixel of the result", row)
        self.scrubber.valueChanged.connect(self.seek)
        row.setStretchFactor(self.scrubber, 1)
        self.pace = self._widget(QComboBox(), "convPace", "Pixel by pixel or a row at a time", row)
        self.pace.addItems(list(PACES))
        self.pace.setCurrentText(self.player.pace)
        self.pace.currentTextChanged.connect(self.player.set_pace)
        self.impulse = self._widget(
            QPushButton("Impulse demo"),
            "convImpulse",
            "The notes' experiment: a one-hot image and a one-hot output bar",
            row,
        )
        self.impulse.setCheckable(True)
        self.impulse.toggled.connect(self._rebuild)
        return row

    def _enable(self) -> None:
        conv2d = self._source is not None and self._source.op == "conv2d" and not self.impulse.isChecked()
        for label, box in self.channels.values():
            label.setVisible(conv2d)
            box.setVisible(conv2d)
        has_bar = self.plane is not None and self.plane.output_bar is not None
        model = self.phase_box.model()
        if isinstance(model, QStandardItemModel):  # a combo box's own model
            for row, phase in enumerate(PHASES):
                model.item(row).setEnabled(phase == "forward" or has_bar)
        for widget in (*self.buttons.values(), self.scrubber, self.pace):
            widget.setEnabled(self.plane is not None)

    # ----- what is shown -------------------------------------------------------------------------------

    def show_node(
        self,
        op: str,
        attrs: dict,
        inputs: list[np.ndarray],
        output_bar: np.ndarray | None,
        names: Names,
        *,
        phase: str | None = None,
        from_start: bool = False,
    ) -> None:
        """A convolution node's numbers; ``phase`` to switch (a step was reached), ``from_start`` to show its
        first frame (to be slid) rather than the whole result."""
        self._source = ConvNode(op, attrs, inputs, output_bar, names)
        if op == "conv2d":
            x, w = inputs[0], inputs[1]
            for key, extent in (("batch", x.shape[0]), ("in", w.shape[1]), ("out", w.shape[0])):
                box = self.channels[key][1]
                with QSignalBlocker(box):
                    box.setRange(0, extent - 1)
        with QSignalBlocker(self.impulse):
            self.impulse.setChecked(False)
        self._rebuild(phase=phase, from_start=from_start)

    def clear(self) -> None:
        """No node to show (another graph was opened); a running impulse demo stays."""
        self._source = None
        if not self.impulse.isChecked():
            self._rebuild()

    def _rebuild(self, *_: object, phase: str | None = None, from_start: bool = False) -> None:
        """Make the plane from the source (or the impulse demo) and redraw from the chosen frame."""
        if self.impulse.isChecked():
            kernel = NOTES_KERNEL if self._source is None else self._source.kernel
            self.plane, self.names = impulse_plane(kernel), Names("one-hot I", "k", "O")
            self.title.setText(
                "Impulse demo: a one-hot image correlated with k draws k turned 180°; a one-hot "
                "output bar, sent back through the correlation (a convolution), draws k the right "
                "way round: the backward pass undoes the flip."
            )
        elif self._source is not None:
            op, attrs, inputs, output_bar, names = self._source
            batch, c, o = (self.channels[key][1].value() for key in ("batch", "in", "out"))
            self.plane = plane_of(op, inputs, attrs, output_bar, batch=batch, in_channel=c, out_channel=o)
            self.names = names
            slice_words = f" · batch item {batch}, input channel {c}, output channel {o}" if op == "conv2d" else ""
            self.title.setText(
                f"<b>{op}</b> {plain(names.output)} from {plain(names.image)} and "
                f"{plain(names.kernel)} · "
                f"{padding_words(self.plane, attrs.get('mode'))}{slice_words}"
            )
        else:
            self._show_nothing()
            return
        self._results = {"forward": self.plane.output}
        if self.plane.output_bar is not None:
            self._results |= {"image": self.plane.image_bar(), "kernel": self.plane.kernel_bar()}
        wanted = phase or self.phase
        self._enable()
        self.set_phase(wanted if wanted in self._results else "forward", from_start=from_start, force=True)

    def _show_nothing(self) -> None:
        self._flip.stop()
        self.plane, self.tiles, self._results = None, {}, {}
        self.player.load_frames(0, 1, -1)  # no window: no frames to slide
        if self.heatmaps is not None:
            self.heatmaps.clear()
        self.title.setText(IDLE)
        self.words.setText("")
        self._enable()

    def set_phase(self, phase: str, from_start: bool = False, force: bool = False) -> None:
        """Show ``phase``'s window: finished (every pixel of the result), or at its first frame."""
        if self.plane is None or phase not in self._results or (phase == self.phase and not force):
            return
        self.phase = phase
        with QSignalBlocker(self.phase_box):
            self.phase_box.setCurrentIndex(list(PHASES).index(phase))
        self._layout_tiles(self.plane)
        rows, columns = result_shape(self.plane, phase)
        with QSignalBlocker(self.scrubber):
            self.scrubber.setRange(0, rows * columns - 1)
        self.player.load_frames(rows * columns, columns, 0 if from_start else rows * columns - 1)  # drawn at once
        if phase == "image":
            self._start_flip(self.plane)

    # ----- the tiles -------------------------------------------------------------------------------------

    def _layout_tiles(self, plane: Plane) -> None:
        """The tiles of the phase, with what does not change from frame to frame drawn once."""
        if self.heatmaps is None:
            import pyqtgraph as pg  # noqa: PLC0415 - see the module docstring

            self.heatmaps = pg.GraphicsLayoutWidget()
            self.heatmaps.setObjectName("convTiles")
            self.heatmaps.setAccessibleName("Kernel-flip heatmaps")
            self.heatmaps.setBackground(None)  # the panel's own colour, light or dark
            # pyqtgraph caches a view's background, which here is only the palette's fill: kept, it stayed the
            # light fill after a switch to dark mode (a white block under the tiles)
            self.heatmaps.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
            self.heatmaps.setMinimumHeight(190)
            self.heatmaps.scene().sigMouseMoved.connect(self._hover)
            self._column.insertWidget(2, self.heatmaps, 1)
        self._flip.stop()
        self.heatmaps.clear()
        phase, bar = self.phase, plane.output_bar
        names = self.names._replace(image=plain(self.names.image), kernel=plain(self.names.kernel))  # tile titles
        static: list[tuple[str, str, np.ndarray, bool]]
        if phase == "forward" or bar is None:  # (the bars' phases are offered only with the bar)
            static = [("slid", f"padded {names.image}", plane.padded, False), ("k", names.kernel, plane.kernel, False)]
            if plane.op == "convolve2d":
                static.append(("laid", f"{names.kernel} turned 180° (convolution)", plane.laid, False))
        elif phase == "image":
            static = [
                ("slid", f"{barred(names.output)} spread and padded 'full'", plane.spread_bar, True),
                ("k", names.kernel, plane.kernel, False),
                ("flipped", f"{names.kernel}(−dx, −dy): turned 180°", plane.flipped, False),
            ]
        else:
            static = [
                ("slid", f"padded {names.image}", plane.padded, False),
                ("bar", barred(names.output), bar, True),
            ]
        keys = [key for key, *_ in static] + ["products", "result"]
        self.tiles = {key: Tile(self.heatmaps.ci, 0, column, key) for column, key in enumerate(keys)}
        for key, title, array, diverging in static:
            self.tiles[key].show(title, array, diverging)
        slid = self.tiles["slid"]
        if phase == "image" and bar is not None:
            (kh, kw), (ho, wo), (sh, sw) = plane.kernel.shape, bar.shape, plane.stride
            rows, cols = slice(kh - 1, kh + (ho - 1) * sh), slice(kw - 1, kw + (wo - 1) * sw)
            slid.mark(slid.outline, rows, cols)  # where the bar lies; around it, the 'full' zeros
        else:
            (top, _), (left, _) = plane.pads
            h, w = plane.image.shape
            slid.mark(slid.outline, slice(top, top + h), slice(left, left + w))

    def _start_flip(self, plane: Plane) -> None:
        """Show the kernel as laid, then turn it through 180° to k(−dx, −dy)."""
        tile = self.tiles["flipped"]
        tile.show(tile.title.text, plane.laid, False)
        tile.hide_numbers()
        height, width = plane.kernel.shape
        tile.image.setTransformOriginPoint(width / 2, height / 2)
        self._flip.start()

    def _turn(self, angle: float) -> None:
        if "flipped" in self.tiles:
            self.tiles["flipped"].image.setRotation(angle)

    def finish_flip(self) -> None:
        """End the turn: the tile holds k turned 180°, drawn upright with its numbers."""
        self._flip.stop()
        tile = self.tiles.get("flipped")
        if tile is not None and self.plane is not None:
            tile.image.setRotation(0.0)
            tile.show(tile.title.text, self.plane.flipped, False)

    # ----- frames ------------------------------------------------------------------------------------------

    @property
    def frame(self) -> int:
        """The frame shown: the player's frame cursor (-1 when there is no window)."""
        return self.player.frames.index

    def seek(self, index: int) -> None:
        """Ask for frame ``index`` (the scrubber, a test, a script); it is drawn when the player moves there."""
        if self.plane is not None:
            self.player.seek_frame(index)

    def _show_frame(self, index: int) -> None:
        """Draw frame ``index`` of the window shown: where it lies, its products, the result so far."""
        if self.plane is None or index < 0:
            return
        with QSignalBlocker(self.scrubber):
            self.scrubber.setValue(index)
        frame = frame_of(self.plane, self.phase, index)
        colour = WINDOW_COLOURS["forward" if self.phase == "forward" else "backward"]
        slid = self.tiles["slid"]
        slid.mark(slid.window, frame.rows, frame.cols, colour)
        slid.pick(frame.rows, frame.cols, colour)
        self.tiles["products"].show(f"products: Σ = {frame.total:.4g}", frame.products, True)
        result = self._results[self.phase]
        title = {
            "forward": plain(self.names.output),
            "image": barred(self.names.image),
            "kernel": barred(self.names.kernel),
        }[self.phase]
        tile = self.tiles["result"]
        tile.show(
            title,
            result,
            self.phase != "forward",
            known_up_to(result.shape, index),
            bounds=limits(result, self.phase != "forward"),
        )
        row, column = frame.target
        tile.mark(tile.target, slice(row, row + 1), slice(column, column + 1))
        self.words.setText(sentence(self.plane, self.phase, frame, self.names, self._slice_note()))

    def _slice_note(self) -> str:
        if self._source is None or self._source.op != "conv2d" or self.impulse.isChecked():
            return ""
        return {
            "forward": "this is input channel c's share: the node adds every channel's share and the bias",
            "image": "this is filter o's share: the input's bar adds the shares of all output channels",
            "kernel": "this is batch item n's share: the filter's bar adds the shares of the whole batch",
        }[self.phase]

    def step(self) -> None:
        self.player.step_frame()

    def back(self) -> None:
        self.player.back_frame()

    def toggle(self) -> None:
        self.player.toggle_frames()

    def play(self) -> None:
        self.player.play_frames()

    def pause(self) -> None:
        self.player.pause()

    def _show_clock(self) -> None:
        """⏸ while the one clock runs (pressing it stops the timeline too), ▶ otherwise."""
        icon = QStyle.StandardPixmap.SP_MediaPause if self.player.ticking else QStyle.StandardPixmap.SP_MediaPlay
        self.buttons["play"].setIcon(self.style().standardIcon(icon))

    def _hover(self, point: object) -> None:
        for tile in self.tiles.values():
            cell = tile.cell_at(point)
            if cell is not None and tile.array is not None:
                self.readout.setText(f"{tile.title.text}  [{cell[0]}, {cell[1]}] = {tile.array[cell]:.6g}")
                return
