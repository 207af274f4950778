"""Which convolution the kernel-flip view shows follows the timeline: its phase at every told step of the tiny CNN."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.panels.test_timeline import _press, _stepping_window


def test_the_kernel_flip_phase_follows_the_timeline_on_the_tiny_cnn(window, qtbot):
    # tiny_cnn, as told: x w b conv h flat V logits label loss (0–9), the seed (10), then the edges
    # loss→logits, logits→flat, logits→V, flat→h, h→conv (11–15), conv→x (16), conv→w (17), conv→b (18).
    # The panel shows nothing before conv is computed, the forward phase from conv's step until its bar
    # reaches the image, the image bar there, the kernel bar from the kernel's edge to the end (the bias
    # has no window to slide).
    _stepping_window(window, qtbot, "tiny_cnn")
    panel = window.convolution
    expected = [None] * 3 + ["forward"] * 13 + ["image", "kernel", "kernel"]
    for position, phase in enumerate(expected):
        _press(qtbot, window, Qt.Key.Key_Right)
        assert window.player.playback.story.position(window.player.index) == position
        shown = None if panel.plane is None else panel.phase
        assert shown == phase, f"step {position + 1}: the panel shows {shown!r}, the timeline is at {phase!r}"
        panel.pause()  # reaching the convolution slides its window; the check is about the phase only
    assert window.player.playback.at_end
