"""The player runs the graph only when asked to (a step, run()), never when a property is read: views
read its properties while painting, and a read that ran a big graph froze the window (issue 13)."""

from __future__ import annotations

import numpy as np

from gradviz.engine.build import Builder
from gradviz.gui.playback import Player
from gradviz.model.playback import RunJob


def counted_job(calls: list[int]) -> RunJob:
    def compile_graph():
        calls.append(1)
        g = Builder()
        return g.program(g.op("sum", g.op("square", g.input("x", np.arange(3.0)), id="s"), id="c"))

    return RunJob(compile_graph)


def test_reading_the_player_never_runs_the_graph(qtbot):
    player, calls = Player(), []
    player.set_source(counted_job(calls))
    for _ in range(3):
        assert player.playback is None
        assert player.available and not player.busy and player.index == -1 and player.error is None
    assert calls == []
    with qtbot.waitSignal(player.moved) as moved:
        player.step()
    assert calls == [1] and moved.args == [0] and player.playback.trace.value("c") == 5.0
    assert player.run() is player.playback and calls == [1]  # already run: run() does nothing more


def test_run_reports_a_failure_instead_of_raising(qtbot):
    def broken():
        raise ZeroDivisionError("a bug somewhere")

    player = Player()
    player.set_source(RunJob(broken))
    with qtbot.waitSignal(player.moved):
        assert player.run() is None
    assert player.error.node_id is None and player.error.message == "ZeroDivisionError: a bug somewhere"
    assert not player.available
    player.step()  # nothing to step, nothing raised
    assert player.index == -1
