"""A graph whose full trace is over the memory budget steps in the window from checkpoints: every node shows
the numbers the full trace has at that step, going forward and back, and the sentence is the same."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gradviz.engine import budget
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.tracer import run
from tests.gui.drawn_arrays import drawn
from tests.gui.test_run_errors import opened, sentence

CHAIN = (
    NodeSpec("x", "input", value=np.random.default_rng(0).normal(size=(3, 3)).tolist()),
    *(NodeSpec(f"t{k + 1}", "tanh", (f"t{k}" if k else "x",)) for k in range(12)),
    NodeSpec("c", "sum", ("t12",)),
)


def shown(window, node_id):
    look = window.scene.nodes[node_id].look
    return drawn(look.value), drawn(look.bar)


def same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.tobytes() == b.tobytes())


def test_a_trace_over_the_budget_steps_from_checkpoints_showing_the_full_traces_numbers(
    window, qtbot, tmp_path, monkeypatch
):
    full = run(Program(CHAIN, "c"))
    estimate = budget.estimate(Program(CHAIN, "c"))
    assert estimate.checkpointed < estimate.bytes
    monkeypatch.setattr(budget, "BUDGET_BYTES", estimate.checkpointed)  # the full trace is over it: refused before
    opened(window, qtbot, tmp_path, CHAIN)
    sentences, barred = [], set()
    for key in [Qt.Key.Key_Right] * (len(full) + 1) + [Qt.Key.Key_Left] * (len(full) + 1):
        QTest.keyClick(window.view.viewport(), key)
        assert window.player.error is None
        index, trace = window.player.index, window.player.playback.trace
        assert trace.checkpoints is not None
        state = full.state(index)
        for spec in CHAIN:
            value, bar = shown(window, spec.id)
            assert same(value, state.values.get(spec.id)) and same(bar, state.bars.get(spec.id)), (index, spec.id)
            barred |= {spec.id} if bar is not None else set()
        sentences.append((index, sentence(window)))
    assert window.player.index == -1 and barred == {spec.id for spec in CHAIN}  # every bar was shown
    monkeypatch.setattr(budget, "BUDGET_BYTES", estimate.bytes)  # whole again: the same sentences
    opened(window, qtbot, tmp_path, CHAIN)
    for index, said in sentences:
        window.player.seek(index)
        assert window.player.playback.trace.checkpoints is None and sentence(window) == said
