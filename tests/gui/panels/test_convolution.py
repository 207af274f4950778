"""The kernel-flip view in the window: what it draws is the engine's trace, frame by frame."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gradviz.engine.ops.conv import conv2d
from gradviz.gui.commands import RemoveNodes, ReplaceNode
from gradviz.gui.panels.conv_phases import Names
from gradviz.gui.panels.convolution import IDLE
from gradviz.io.paths import EXAMPLES

K = np.arange(1.0, 10.0).reshape(3, 3)  # the kernel of correlation_impulse.json, as the notes write it


def _trace(window):
    return window.player.run().trace


def test_selecting_a_correlation_shows_each_phase_with_the_engines_numbers(window):
    window.open_path(EXAMPLES / "correlation_impulse.json")
    panel = window.convolution
    assert panel.plane is None
    window.scene.nodes["I_o"].setSelected(True)
    trace = _trace(window)
    assert not panel.parentWidget().isHidden()  # the dock opened
    np.testing.assert_array_equal(panel.tiles["result"].array, trace.value("I_o"))
    np.testing.assert_array_equal(panel.tiles["k"].array, K)
    panel.set_phase("image")
    np.testing.assert_array_equal(panel.tiles["result"].array, trace.bar("I_i"))
    panel.set_phase("kernel")
    np.testing.assert_array_equal(panel.tiles["result"].array, trace.bar("k"))
    # the notes' result on the shipped example: the impulse draws k turned; its bar draws k upright
    centre = trace.value("I_o")[1:4, 1:4]
    np.testing.assert_array_equal(centre, K[::-1, ::-1])


def test_the_kernel_turns_over_to_exactly_k_flipped(window, qtbot):
    window.open_path(EXAMPLES / "correlation_impulse.json")
    window.scene.nodes["I_o"].setSelected(True)
    panel = window.convolution
    panel.set_phase("image")
    tile = panel.tiles["flipped"]
    np.testing.assert_array_equal(tile.array, K)  # the turn starts from k as laid on the image
    qtbot.waitUntil(lambda: np.array_equal(tile.array, K[::-1, ::-1]), timeout=3000)
    assert tile.image.rotation() == 0.0  # drawn upright once turned: the numbers read the right way up


def test_every_frame_shows_its_window_products_and_the_cells_filled_so_far(window):
    window.open_path(EXAMPLES / "correlation_impulse.json")
    window.scene.nodes["I_o"].setSelected(True)
    panel, trace = window.convolution, _trace(window)
    panel.set_phase("image")
    panel.finish_flip()
    out_bar = np.pad(trace.bar("I_o"), 2)  # 'full': k − 1 = 2 zeros on every side
    image_bar = trace.bar("I_i")
    for index in range(16):
        panel.seek(index)
        u, v = divmod(index, 4)
        top = u + 1  # 'same' pads the 4×4 image by 1: image row u is padded row u + 1
        window_ = out_bar[top : top + 3, v + 1 : v + 4]
        np.testing.assert_array_equal(panel.tiles["products"].array, window_ * K[::-1, ::-1])
        assert panel.tiles["products"].array.sum() == pytest.approx(image_bar[u, v])
        assert int(panel.tiles["result"].known.sum()) == index + 1
        rect = panel.tiles["slid"].window.rect()
        assert (rect.top(), rect.left(), rect.height(), rect.width()) == (top, v + 1, 3, 3)
    assert f"{image_bar[3, 3]:.4g}" in panel.words.text()


def test_stepping_onto_conv2d_follows_its_phase_and_the_slices_add_up_to_the_bars(window, qtbot):
    window.open_path(EXAMPLES / "tiny_cnn.json")  # x 1×1×5×5, w 2×1×3×3, padding 1
    trace = _trace(window)
    panel = window.convolution
    steps = {(step.kind, getattr(step, "port", None)): step.index for step in trace.steps if step.node.id == "conv"}
    window.player.seek(steps[("forward", None)])
    assert panel.phase == "forward" and window.player.sliding  # reaching the step slides the window
    outputs = []
    for o in range(2):
        panel.channels["out"][1].setValue(o)
        outputs.append(panel.tiles["result"].array + trace.value("b")[o])
    np.testing.assert_allclose(np.stack(outputs), trace.value("conv")[0], atol=1e-12)  # one input channel
    window.player.seek(steps[("backward", 0)])
    assert panel.phase == "image"
    shares = []
    for o in range(2):
        panel.channels["out"][1].setValue(o)
        shares.append(panel.tiles["result"].array)
    np.testing.assert_allclose(sum(shares), trace.bar("x")[0, 0], atol=1e-12)
    window.player.seek(steps[("backward", 1)])
    assert panel.phase == "kernel"
    for o in range(2):
        panel.channels["out"][1].setValue(o)
        np.testing.assert_allclose(panel.tiles["result"].array, trace.bar("w")[o, 0], atol=1e-12)
    assert "padding" in panel.title.text() and panel.channels["out"][1].isVisibleTo(panel)
    panel.pause()


def test_the_impulse_demo_draws_the_flip_and_its_undoing(window, qtbot):
    panel = window.convolution
    panel.impulse.click()  # works with no node at all: the notes' kernel
    assert panel.phase == "forward"
    centre = panel.plane.image.shape[0] // 2
    around = (slice(centre - 1, centre + 2),) * 2
    np.testing.assert_array_equal(panel.tiles["result"].array[around], K[::-1, ::-1])
    panel.set_phase("image")
    np.testing.assert_array_equal(panel.tiles["result"].array[around], K)
    assert "undoes the flip" in panel.title.text()
    panel.impulse.click()  # off again, and no node was chosen: nothing to show
    assert panel.plane is None and panel.title.text() == IDLE


def test_row_by_row_play_reaches_the_end_and_stops(window, qtbot):
    window.open_path(EXAMPLES / "correlation_impulse.json")
    window.scene.nodes["I_o"].setSelected(True)
    panel = window.convolution
    panel.pace.setCurrentText("row by row")
    panel.seek(0)
    panel.play()
    seen = []
    qtbot.waitUntil(lambda: seen.append(panel.frame) or not window.player.ticking, timeout=5000)
    assert panel.frame == 15
    assert all(frame % 4 == 3 for frame in seen[1:] if frame != seen[0])  # whole rows at a time


def test_editing_the_kernel_redraws_the_view_and_removing_the_node_empties_it(window, qtbot):
    window.open_path(EXAMPLES / "correlation_impulse.json")
    window.scene.nodes["I_o"].setSelected(True)
    panel = window.convolution
    spec = window.document.nodes["k"]
    window.undo_stack.push(ReplaceNode(window.document, dataclasses.replace(spec, value=(2 * K).tolist()), "k"))
    qtbot.waitUntil(lambda: np.array_equal(panel.tiles["k"].array, 2 * K), timeout=2000)
    np.testing.assert_array_equal(panel.tiles["result"].array, _trace(window).value("I_o"))
    window.scene.clearSelection()
    window.undo_stack.push(RemoveNodes(window.document, ["I_o"]))
    qtbot.waitUntil(lambda: panel.plane is None, timeout=2000)  # nothing stale is left on screen
    assert panel.title.text() == IDLE


def test_a_strided_window_outlines_each_cell_it_reads(window):
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(1, 1, 7, 7)), rng.normal(size=(1, 1, 3, 3))
    bar = rng.normal(size=conv2d(x, w, None, (2, 2), (1, 1)).shape)  # 4×4 windows over the padded 9×9
    panel = window.convolution
    panel.show_node("conv2d", {"stride": (2, 2), "padding": (1, 1)}, [x, w], bar, Names("x", "w", "z"), phase="kernel")
    panel.seek(4)  # kernel cell (1, 1) meets padded cells 1, 3, 5, 7 in each direction
    picked = panel.tiles["slid"].picked
    assert picked.isVisible() and picked.path().elementCount() == 16 * 5  # 16 outlined cells, 5 points each
    assert picked.path().boundingRect().adjusted(-0.12, -0.12, 0.12, 0.12).toRect().getRect() == (1, 1, 7, 7)
    panel.set_phase("forward")
    assert not panel.tiles["slid"].picked.isVisible()  # a forward window is contiguous: its frame is enough


def test_playing_waits_at_a_convolution_until_its_window_has_slid(window, qtbot):
    """One clock: playing slides the convolution's window row by row (its 5×5 result: rows end at frames
    4, 9, 14, 19, 24), then steps on; the player plays throughout (it used to be paused by the view)."""
    window.open_path(EXAMPLES / "tiny_cnn.json")
    trace = _trace(window)
    conv_forward = next(step.index for step in trace.steps if step.node.id == "conv" and step.kind == "forward")
    panel = window.convolution
    panel.pace.setCurrentText("row by row")
    window.player.set_speed(30.0)
    window.player.seek(conv_forward - 1)
    seen: list[tuple[int, int, bool]] = []
    window.player.frame_moved.connect(lambda frame: seen.append((window.player.index, frame, window.player.playing)))
    window.player.play()
    qtbot.waitUntil(lambda: window.player.index > conv_forward, timeout=5000)
    window.player.pause()
    at_conv = [(frame, playing) for index, frame, playing in seen if index == conv_forward]
    assert at_conv == [(0, True), (4, True), (9, True), (14, True), (19, True), (24, True)]


def test_the_kernels_numbers_show_when_they_fit_their_cells(window, qtbot):
    """The impulse lesson is about where 1…9 land: in a kernel tile of ~50 px cells (the dock's share of a
    1080-line screen) the one-digit numbers fit and show; a cell too narrow for "−0.631" shows none."""
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "correlation_impulse.json")
    window.scene.nodes["I_o"].setSelected(True)
    tile = window.convolution.tiles["k"]
    qtbot.waitUntil(lambda: tile._cell_px() >= 30, timeout=3000)
    qtbot.waitUntil(tile.numbers.isVisible, timeout=3000)
    assert sorted(text for _, _, text, _ in tile.numbers._cells) == [str(n) for n in range(1, 10)]
    wide = [(0, 0, "−0.631", True)]
    assert not tile.numbers.fit(wide, 40) and tile.numbers.fit(wide, 90)
