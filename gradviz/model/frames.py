"""The sub-step cursor: which frame (pixel of the result) of the kernel-flip view's sliding window is shown.

A convolution's step is one step of the timeline, but the lecture shows it one pixel at a time: frame f
is the f-th cell (row-major) of the phase's result, of ``count`` cells in rows of ``width``. The player
owns this cursor beside the timeline's; its one clock moves either (see gradviz.gui.playback). No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

PACES = {"pixel by pixel": 12.0, "row by row": 4.0}  # frames (or rows) per second


@dataclass
class FrameCursor:
    """The frame shown of ``count`` in rows of ``width`` (-1: no window shown). ``on_step`` is True when
    the frames are the slide of the timeline's current step (playing goes through them before stepping
    on), False for a window shown on its own (a node selected, the impulse demo, a phase picked by hand)."""

    count: int = 0
    width: int = 1
    index: int = -1
    on_step: bool = False

    def load(self, count: int, width: int, index: int) -> int:
        """Another window (node, phase or slice): its frames, off the timeline's step until told otherwise."""
        self.count, self.width, self.on_step = count, max(1, width), False
        self.index = -1
        return self.seek(index)

    def seek(self, index: int) -> int:
        """Move to frame ``index``, clamped to the frames there are; returns where the cursor is."""
        self.index = max(0, min(self.count - 1, index)) if self.count else -1
        return self.index

    @property
    def at_end(self) -> bool:
        """On the last frame (the whole result shown), or no window at all: nothing left to slide."""
        return self.index >= self.count - 1

    def advance(self, pace: str) -> int:
        """One tick at ``pace``: the next pixel, or the rest of the row being filled ('row by row')."""
        if pace == "row by row":
            return self.seek((self.index + 1) // self.width * self.width + self.width - 1)
        return self.seek(self.index + 1)
