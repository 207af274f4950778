"""Stepping through backprop in the window: what the nodes and panels show is the engine's trace."""

from __future__ import annotations

import json

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainterPath
from PySide6.QtWidgets import QFileDialog, QGraphicsScene, QLabel, QTableWidget

from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.program import NodeSpec
from gradviz.engine.tracer import run
from gradviz.gui.canvas.tokens import DURATION_MS, TokenRun
from gradviz.gui.notation import OVERLINE
from gradviz.gui.snapshot import build_scene
from gradviz.io.graph_file import GraphFile, read, save
from gradviz.io.paths import EXAMPLES
from tests.gui.drawn_arrays import drawn


def test_every_step_shows_the_engines_numbers(window):
    window.open_path(EXAMPLES / "mlp_cross_entropy.json")
    playback = window.player.run()
    trace = playback.trace
    for wanted in [*range(len(trace)), *reversed(range(-1, len(trace)))]:  # to the end and back
        window.player.seek(wanted)
        index = window.player.index
        assert index == playback.story.landing(wanted)  # inside an edge: where the edge ends, as → lands
        state = trace.state(index)
        for node_id, item in window.scene.nodes.items():
            look = item.look
            if index < 0:
                assert not look.stepping
                continue
            assert drawn(look.value) is state.values.get(node_id)
            assert drawn(look.bar) is state.bars.get(node_id)
            assert look.dimmed == (node_id not in state.values)
    assert window.player.index == -1


def test_the_current_step_is_marked_on_its_nodes_and_wire(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    steps = window.player.run().trace.steps
    into_w = next(step for step in steps if step.kind == "backward" and step.parent.id == "W")
    window.player.seek(into_w.index)
    assert window.scene.nodes["W"].look.highlight == "backward"
    assert window.scene.nodes["a"].look.highlight == "backward"
    assert window.scene.nodes["L"].look.highlight is None
    assert window.scene.edges[("a", 0)].pen().widthF() > window.scene.edges[("a", 1)].pen().widthF()
    # W̄ = ā xᵀ, each bar a line over the name; "=": a feeds only a, so this is W's one contribution
    rule = f"{OVERLINE.format('W')} = {OVERLINE.format('a')} xᵀ"
    assert rule in window.timeline.words.text()
    assert "(3×2) = (3×1) (2×1)ᵀ" in window.formula_panel.details.text()
    assert window.formula_panel.formula.text() == rule  # at once, as text
    qtbot.waitUntil(lambda: not window.formula_panel.formula.pixmap().isNull(), timeout=3000)  # then typeset


def test_broadcast_wires_say_what_was_summed(window, tmp_path):
    """b (1×2) is stretched over the 3 rows of a; its bar sums the output's bar over axis 0."""
    nodes = [
        NodeSpec("a", "input", value=np.ones((3, 2))),
        NodeSpec("b", "parameter", value=[[1.0, 2.0]]),
        NodeSpec("s", "add", ("a", "b")),
        NodeSpec("c", "sum", ("s",)),
    ]
    save(GraphFile(tuple(nodes), "c"), tmp_path / "broadcast.json")
    window.open_path(tmp_path / "broadcast.json")
    steps = window.player.run().trace.steps
    window.player.seek(next(step.index for step in steps if step.kind == "backward" and step.parent.id == "b"))
    summed = window.scene.edges[("s", 1)].label
    assert summed is not None and summed.text() == "Σ over axis 0"
    other = window.scene.edges[("s", 0)].label
    assert other is None or other.text() == ""
    assert "Σ over axis 0" in window.formula_panel.details.text()


def test_keys_and_scrubber_move_the_cursor(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "linear_layer.json")
    window.activateWindow()  # shortcuts go to the active window; offscreen, nothing activates it for us
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    canvas = window.view
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert window.player.index == 1
    qtbot.keyClick(canvas, Qt.Key.Key_End)
    assert window.player.run().at_end
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    # back one edge (a→W), which ends at its addition: two exact steps back, never half an edge
    assert window.player.index == window.player.playback.last - 2
    assert window.player.playback.current.kind == "accumulate" and window.player.playback.current.node.id == "W"
    window.timeline.scrubber.setValue(4)
    assert window.player.index == 4  # the fifth node's forward step: forward steps are told one for one
    window.timeline.scrubber.setValue(6)  # the first edge, L → a: ends at a's addition, exact step 7
    assert window.player.index == 7
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert window.player.index == -1
    qtbot.keyClick(canvas, Qt.Key.Key_Space)  # a tap of Space (no drag) plays
    assert window.player.playing
    window.player.pause()


def test_play_runs_to_the_end_and_stops(window, qtbot):
    window.open_path(EXAMPLES / "squared_error.json")
    window.player.set_speed(30.0)
    window.player.play()
    qtbot.waitUntil(lambda: window.player.run().at_end and not window.player.playing, timeout=5000)


def test_editing_a_value_while_paused_keeps_the_step_and_updates_the_numbers(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    steps = window.player.run().trace.steps
    window.player.seek(next(step.index for step in steps if step.kind == "backward" and step.parent.id == "W"))
    window.scene.nodes["x"].setSelected(True)
    window.inspector.findChild(QTableWidget, "valueTable").item(0, 0).setText("-4")
    window.run.retrace()  # the window retraces on the next event loop turn; do it now
    trace = window.player.run().trace
    current = window.player.run().current  # W̄'s edge is told whole: the player rests on its addition
    contribution = trace.steps[current.backward_index]
    assert current.kind == "accumulate" and contribution.kind == "backward" and contribution.parent.id == "W"
    fresh = run(window.document.program())
    np.testing.assert_array_equal(contribution.contribution, fresh.steps[contribution.index].contribution)
    assert drawn(window.scene.nodes["a"].look.bar) is window.player.run().state().bars["a"]


def test_a_lesson_file_opens_at_the_step_it_was_saved_at(window, tmp_path):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.player.seek(8)
    assert window.player.index == 9  # 8 is W̄'s contribution, told with its addition (9): the seek lands there
    window.save_to(tmp_path / "lesson.json")
    window.open_path(EXAMPLES / "matmul.json")
    window.open_path(tmp_path / "lesson.json")
    assert window.player.index == 9


def test_a_file_saved_inside_an_edge_opens_where_the_edge_ends(window, tmp_path):
    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    document["view"] = {**document.get("view", {}), "step": 10}  # x̄'s contribution; its addition is 11
    (tmp_path / "inside.json").write_text(json.dumps(document))
    window.open_path(tmp_path / "inside.json")
    assert window.player.index == 11


def test_a_graph_that_cannot_run_disables_the_timeline(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.add_op("tanh", QPointF(0, 600))
    window.scene.nodes["a"].setSelected(True)
    window.edits.delete_selected()
    window.run.retrace()
    assert window.player.run() is None
    assert not window.timeline.scrubber.isEnabled()
    assert "cannot run" in window.timeline.words.text()


def test_the_gradient_check_button_reports_every_source(window):
    window.open_path(EXAMPLES / "giles_matrix_results.json")
    dialog = window.check_gradients()
    assert dialog is not None and "passed" in dialog.findChild(QLabel, "gradCheckSummary").text()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "A" in labels and "B" in labels and labels.count("✓ ok") == 2
    dialog.close()


def test_forward_mode_takes_one_pass_per_input_number(window, tmp_path):
    window.open_path(EXAMPLES / "chain_rule.json")  # x has 3 numbers: 3 passes, where reverse mode needs 1
    window.timeline.mode.setCurrentText("forward mode")
    assert window.mode == "forward" and window.player.index == -1
    trace = window.player.run().trace
    assert isinstance(trace, ForwardTrace) and trace.passes == 3
    window.player.step()
    assert "pass 1 of 3" in window.timeline.position.text()
    assert window.scene.nodes["x"].look.tangents and window.scene.nodes["x"].look.highlight == "forward"
    window.player.end()
    np.testing.assert_allclose(
        trace.gradient_at(window.player.index)["x"], run(window.document.program()).gradients()["x"]
    )
    assert "3 of 3 gradient elements" in window.formula_panel.details.text()
    window.save_to(tmp_path / "forward.json")
    window.timeline.mode.setCurrentText("reverse mode")
    window.open_path(tmp_path / "forward.json")
    assert window.mode == "forward" and window.timeline.mode.currentText() == "forward mode"


def test_both_modes_side_by_side_count_passes_and_flops(window, tmp_path):
    window.open_path(EXAMPLES / "chain_rule.json")
    assert not window.reverse_side.isVisibleTo(window) and window.reverse_side.scene is None  # no cost unseen
    window.timeline.mode.setCurrentText("reverse vs forward")
    assert window.mode == "both" and window.reverse_side.isVisibleTo(window)
    assert window.forward_header.isVisibleTo(window)
    forward = window.player.run().trace
    reverse = run(window.document.program())
    assert isinstance(forward, ForwardTrace)
    window.player.step()
    race = window.run.race()
    left = window.reverse_side.scene
    # one clock: at tick 0 both sides show their own step 0, drawn from their own trace
    assert drawn(left.nodes["x"].look.value) is race.reverse.state(0).values["x"]
    assert "0 of 2 sweeps" in window.reverse_side.header.words.text()
    assert "0 of 3 sweeps" in window.forward_header.words.text()
    window.player.seek(len(reverse) - 1)  # reverse mode is done: every bar, all 3 elements of x
    for node_id, bar in reverse.bars().items():
        np.testing.assert_array_equal(drawn(left.nodes[node_id].look.bar), bar)
    assert "2 of 2 sweeps · 3 of 3 gradient elements" in window.reverse_side.header.words.text()
    assert "gradient complete" in window.reverse_side.header.words.text()
    assert "gradient complete" not in window.forward_header.words.text()
    window.player.end()
    total = sum(reverse.flops(i) for i in range(len(reverse)))
    assert f"{total:,} of {total:,} flops" in window.reverse_side.header.words.text()
    assert "3 of 3 sweeps" in window.forward_header.words.text()
    bars = window.reverse_side.header.flops, window.forward_header.flops
    assert bars[0].maximum() == bars[1].maximum() == bars[1].value() > bars[0].value()  # one scale
    window.save_to(tmp_path / "both.json")
    window.timeline.mode.setCurrentText("reverse mode")
    assert not window.reverse_side.isVisibleTo(window) and window.reverse_side.scene is None
    window.open_path(tmp_path / "both.json")
    assert window.mode == "both" and window.reverse_side.isVisibleTo(window)


def test_the_inspector_shows_value_bar_and_contribution_at_the_step(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    steps = window.player.run().trace.steps
    into_w = next(step for step in steps if step.kind == "backward" and step.parent.id == "W")
    window.player.seek(into_w.index + 1)  # the bar of W has just been accumulated
    window.scene.nodes["W"].setSelected(True)
    views = window.inspector.arrays.views
    np.testing.assert_array_equal(views["value"].image.image, window.document.nodes["W"].value)
    np.testing.assert_array_equal(views["bar"].image.image, window.player.run().state().bars["W"])
    low, high = views["bar"].image.getLevels()
    assert low == -high  # a bar's colours are centred on zero
    window.player.seek(into_w.index)
    assert views["contribution"].isVisibleTo(window.inspector)
    np.testing.assert_array_equal(views["contribution"].image.image, into_w.contribution)
    window.player.home()
    assert not any(view.isVisibleTo(window.inspector) for view in views.values())


def test_tokens_glide_along_the_step_wire_and_leave(window, qtbot):
    window.open_path(EXAMPLES / "linear_layer.json")
    steps = window.player.run().trace.steps
    into_a = next(step for step in steps if step.kind == "forward" and step.node.id == "a")
    window.player.seek(into_a.index)
    tokens = window.scene.tokens
    assert len(tokens.tokens) == 2  # W and x travel into matmul
    into_w = next(step for step in steps if step.kind == "backward" and step.parent.id == "W")
    window.player.seek(into_w.index)
    assert len(tokens.tokens) == 1  # the previous step's tokens are gone
    token, path, backwards = tokens.tokens[0]
    assert backwards and token.pos() == path.pointAtPercent(1.0)  # starts at a's port, travels back to W
    qtbot.waitUntil(lambda: not tokens.running, timeout=3000)
    assert all(not hasattr(item, "colour") or item.scene() is None for item in window.scene.items())


def test_tokens_in_flight_die_with_their_scene(qtbot):
    """A scene deleted while its tokens glide (a window closed mid-step) takes their animation with it:
    an unparented animation moved tokens Qt had deleted with the scene, raising in every later event loop."""
    scene = QGraphicsScene()
    tokens = TokenRun(scene)
    path = QPainterPath(QPointF(0, 0))
    path.lineTo(100, 0)
    tokens.start([(np.ones((2, 2)), False, QColor("red"), path, False)])
    assert tokens.running
    animation = tokens.animation
    shiboken6.delete(scene)
    assert not shiboken6.isValid(animation)
    qtbot.wait(50)  # the event loop turns: nothing moves a deleted token (pytest-qt fails on an exception)


def test_offscreen_renders_draw_no_tokens(qapp):
    """Frames for slides and GIFs show the state, not a token caught halfway along a wire."""
    scene = build_scene(read(EXAMPLES / "linear_layer.json"), dark=False)
    assert scene.glide_ms == 0


def test_training_then_stepping_through_an_iteration(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    panel = window.training
    panel.rate.setValue(0.05)
    panel.count.setValue(6)
    panel.train_button.click()
    losses = [record.loss for record in panel.records]
    assert len(losses) == 7 and losses[-1] < losses[0]
    panel.chooser.setValue(3)
    window.player.end()
    trace = window.player.run().trace
    np.testing.assert_array_equal(trace.value("W"), panel.records[3].parameters["W"])
    assert trace.output_value == losses[3]
    original = np.array(window.document.nodes["W"].value)
    trained = panel.records[3].parameters["W"]
    assert not np.array_equal(trained, original)
    panel.apply_button.click()
    np.testing.assert_array_equal(window.document.nodes["W"].value, trained)
    assert panel.records == ()  # the graph changed: the records described the old one
    assert window.player.run().trace.value("W").tolist() == window.document.nodes["W"].value.tolist()
    window.undo_stack.undo()  # the whole apply is one step
    np.testing.assert_array_equal(window.document.nodes["W"].value, original)


def test_the_scrubber_claims_no_steps_before_the_graph_has_run(window):
    window.open_path(EXAMPLES / "linear_layer.json")
    assert (window.timeline.scrubber.minimum(), window.timeline.scrubber.maximum()) == (-1, -1)
    window.player.step()
    # as told: 5 nodes, the seed and 3 edges (L→a, a→W, a→x), each edge one step: positions 0…8
    assert window.timeline.scrubber.maximum() == 8


def _colour_count(image: QImage, colour: str) -> int:
    """Pixels of exactly ``colour`` (the step highlight is drawn in one flat colour)."""
    wanted = QImage(1, 1, QImage.Format.Format_ARGB32)
    wanted.fill(colour)
    target = wanted.pixel(0, 0)
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return sum(image.pixel(x, y) == target for y in range(0, image.height(), 2) for x in range(0, image.width(), 2))


def test_exporting_while_stepping_draws_the_current_frame(window, monkeypatch, tmp_path):
    window.open_path(EXAMPLES / "linear_layer.json")
    trace = window.player.run().trace
    into_w = next(step for step in trace.steps if step.kind == "backward" and step.parent.id == "W")
    chosen = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(chosen[-1]), ""))

    def export(name: str) -> QImage:
        chosen.append(tmp_path / name)
        window.export_image()
        return QImage(str(chosen[-1]))

    before = export("before.png")
    window.player.seek(into_w.index)
    during = export("during.png")
    magenta = "#c2185b"  # the backward highlight: on the frame only while a bar flows along a wire
    assert _colour_count(before, magenta) == 0 < _colour_count(during, magenta)
    cost = f">{trace.output_value:.3g}<"[:4]  # the cost's value, as the text of an SVG element
    chosen.append(tmp_path / "start.svg")
    window.player.home()
    window.export_image()
    assert cost not in chosen[-1].read_text()
    window.player.seek(trace.seed_index)
    chosen.append(tmp_path / "seed.svg")
    window.export_image()
    assert cost in chosen[-1].read_text()
    assert window.player.index == trace.seed_index  # exporting does not move the cursor


def test_playing_fast_sends_no_tokens_and_slow_tokens_arrive_within_a_step(window, qtbot):
    """At 30 steps a second a token could move for one frame before the next step: none is sent; at
    2 steps a second a token glides, and arrives before the next step replaces it."""
    window.open_path(EXAMPLES / "linear_layer.json")
    player, tokens = window.player, window.scene.tokens
    seen: list[tuple[bool, int]] = []
    player.moved.connect(lambda _: seen.append((tokens.running, tokens.animation.duration())))
    player.seek(0)
    player.set_speed(30.0)
    player.play()
    qtbot.waitUntil(lambda: len(seen) >= 6, timeout=5000)
    player.pause()
    assert not any(running for running, _ in seen[1:])  # the seek before playing was a step by hand
    seen.clear()
    player.set_speed(2.0)
    player.play()
    qtbot.waitUntil(lambda: any(running for running, _ in seen), timeout=5000)
    player.pause()
    assert all(duration <= 500 for running, duration in seen if running)
    player.step()  # by hand: the whole glide
    assert tokens.running and tokens.animation.duration() == DURATION_MS
