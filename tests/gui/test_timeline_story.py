"""The window tells the trace one step per edge (gradviz.model.story), driven by real key presses.

Also two regression tests of issue 11: the kernel-flip panel's phase follows the timeline on the
tiny CNN (bug 9), and View ▸ Dark Mode is remembered across a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from gradviz.gui.main_window import MainWindow
from gradviz.gui.notation import OVERLINE
from gradviz.gui.recovery import Recovery
from gradviz.io.paths import EXAMPLES
from tests.gui.drawn_arrays import drawn


def _stepping_window(window, qtbot, name: str) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / f"{name}.json")
    window.activateWindow()  # shortcuts go to the active window; offscreen, nothing activates it for us
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()


def _press(qtbot, window, key: Qt.Key) -> None:
    qtbot.keyClick(window.view.viewport(), key)


def test_right_walks_one_step_per_edge_and_the_canvas_shows_the_traces_numbers(window, qtbot):
    # giles_matrix_results: 11 nodes, the seed and 11 edges back; A feeds 3 nodes, so Ā is the only bar
    # that sums: its 2nd and 3rd contributions are the only "+=" the student sees
    _stepping_window(window, qtbot, "giles_matrix_results")
    words, seen = window.timeline.words, []
    for _ in range(11 + 1 + 11):
        _press(qtbot, window, Qt.Key.Key_Right)
        trace, index = window.player.playback.trace, window.player.index
        seen.append(index)
        state = trace.state(index)
        for node_id, item in window.scene.nodes.items():  # the exact step's numbers, nothing half-done
            assert drawn(item.look.value) is state.values.get(node_id) and drawn(item.look.bar) is state.bars.get(
                node_id
            )
        assert "contribution from" not in words.text() and "starts with" not in words.text()
        if " += " in words.text():
            assert "A feeds 3 nodes" in words.text()
    assert window.player.playback.at_end
    trace = window.player.playback.trace
    # every edge lands on the addition that completes it: the canvas's bar includes the new contribution
    assert all(trace.steps[index].kind != "backward" for index in seen)
    assert sum(" += " in window.player.playback.story.formula(p) for p in range(23)) == 2
    assert window.timeline.position.text().startswith("step 23 of 23")
    _press(qtbot, window, Qt.Key.Key_Right)  # at the end, → stays
    assert window.player.index == seen[-1]
    for expected in reversed([-1, *seen[:-1]]):  # ← retraces the same steps
        _press(qtbot, window, Qt.Key.Key_Left)
        assert window.player.index == expected


def test_the_formula_panel_shows_an_assignment_for_a_bars_only_contribution(window, qtbot):
    _stepping_window(window, qtbot, "linear_layer")
    _press(qtbot, window, Qt.Key.Key_End)
    # the last edge is a → x through matmul: x̄ = Wᵀ ā, x's one contribution
    bar = OVERLINE.format
    assert window.formula_panel.formula.text() == f"{bar('x')} = Wᵀ {bar('a')}"
    assert "(2×1) = (3×2)ᵀ (3×1)" in window.formula_panel.details.text()
    step = window.player.playback.story.shown_step(window.player.index)
    assert step.kind == "backward" and step.parent.id == "x"
    assert window.scene.nodes["x"].look.highlight == "backward"


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


def test_dark_mode_is_remembered_across_a_restart(qtbot, tmp_path):
    def launch() -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, Recovery(tmp_path / "state"))  # no dark= : the remembered choice
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    def toggle(window: MainWindow) -> None:
        qtbot.keyClick(
            window.view.viewport(),
            Qt.Key.Key_D,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    first = launch()
    assert not first.scene.theme.dark  # this settings file has no choice yet; offscreen follows a light desktop
    toggle(first)
    assert first.scene.theme.dark
    first.close()
    second = launch()
    assert second.scene.theme.dark and second.findChild(QAction, "actionDarkMode").isChecked()
    toggle(second)
    second.close()
    third = launch()
    assert not third.scene.theme.dark and not third.findChild(QAction, "actionDarkMode").isChecked()


def test_a_long_typeset_rule_never_pushes_the_timelines_words_out_of_the_steps_dock(window, qtbot):
    # the cross-entropy edge has the longest rule of the examples; typeset, it is wider than the formula's
    # share of a 1280 px window, which used to widen the Steps dock into a sideways scroll
    _stepping_window(window, qtbot, "mlp_cross_entropy")
    window.resize(1280, 720)
    into_logits = next(
        step.index + 1
        for step in window.player.run().trace.steps
        if step.kind == "backward" and step.parent.id == "logits"
    )
    window.player.seek(into_logits)
    qtbot.waitUntil(lambda: not window.formula_panel.formula.pixmap().isNull(), timeout=5000)
    qtbot.wait(50)
    scroll = window.steps_dock.widget()
    assert not scroll.horizontalScrollBar().isVisible()
    pixmap = window.formula_panel.formula.pixmap()
    assert pixmap.width() / pixmap.devicePixelRatio() <= window.formula_panel.formula.width()
    words = window.timeline.words
    top_left = words.mapTo(scroll.viewport(), words.rect().topLeft())
    assert scroll.viewport().rect().contains(top_left)  # the sentence starts inside the dock, not scrolled away
    assert window.timeline.scrubber.width() >= 100


def test_the_step_buttons_stay_visible_on_the_dark_theme(window, qtbot):
    def ink(name: str) -> float:
        """The lightness of the icon's drawn pixels (0 black … 1 white)."""
        image = window.timeline.buttons[name].icon().pixmap(16, 16).toImage()
        colours = [image.pixelColor(x, y) for x in range(16) for y in range(16)]
        return max(colour.lightnessF() for colour in colours if colour.alpha() > 128)

    window.set_dark(True)  # the palette reaches the widgets by events
    qtbot.waitUntil(lambda: all(ink(name) > 0.7 for name in window.timeline.buttons))  # light on dark buttons
    window.set_dark(False)
    qtbot.waitUntil(lambda: all(ink(name) < 0.3 for name in window.timeline.buttons))
