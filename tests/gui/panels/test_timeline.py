"""The timeline tells the trace one step per edge (gradviz.model.story), driven by real key presses; its
words stay in the Steps dock and its buttons stay visible on the dark theme."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gradviz.io.paths import EXAMPLES
from tests.gui.drawn_arrays import drawn
from tests.gui.window_setup import active_on


def _stepping_window(window, qtbot, name: str) -> None:
    active_on(window, qtbot, EXAMPLES / f"{name}.json")


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
