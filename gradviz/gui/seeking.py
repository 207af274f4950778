"""A long seek's canvas pictures made off the GUI thread.

Seeking far along a big trace changes every node's value and bar: the canvas reads each new array and
colours its picture. From a trace kept at checkpoints the read recomputes the segments holding it (a
300-op chain on 1000² matrices recomputes its whole forward pass), and colouring a large array costs
more than computing it; on the GUI thread that froze the window for seconds. So before a seek the
player asks here what it would cost (estimated from the arrays the canvas does not have yet: the flops
of the checkpoint segments to recompute, the elements to colour); a seek estimated over
``BACKGROUND_S`` gets a task the player runs in a JobWorker with its progress bar and Cancel. The task
makes the pictures (reading and colouring are thread-safe: the store recomputes under its lock, a
QImage may be made on any thread) and reads the step's own arrays last, so its segments are the ones
kept for the panels; back on the GUI thread the scene takes the pictures and the seek lands without
reading an array again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, Trace
from gradviz.engine.walkable import Walkable
from gradviz.gui.canvas.building import array_look
from gradviz.gui.canvas.items import ArrayLook
from gradviz.gui.canvas.scene import NEAR_STEPS, GraphScene
from gradviz.gui.worker import Report

BACKGROUND_S = 0.1  # a seek estimated longer than this is prepared in the background
FLOPS_PER_S = 2e9  # numpy recomputing a checkpointed tanh chain on 300×300 here (23 M flops in 12 ms)
COLOURED_PER_S = 4e7  # elements coloured into a heatmap per second here (a 300×300 one in 2.3 ms)

Apply = Callable[[], None]  # what a finished task leaves for the GUI thread to do before the seek lands
Task = Callable[[Report], Apply]


def seek_task(scene: GraphScene, trace: Walkable, start: int, index: int) -> Task | None:
    """The task preparing ``scene``'s pictures for a seek from step ``start`` to step ``index`` of ``trace``,
    or None when showing it on the GUI thread is quick (estimated under BACKGROUND_S) or the trace is not a
    reverse one. A nearby seek looks only at the nodes the steps between change (as the scene redraws
    them), so a step of a big graph costs the same as before."""
    if not isinstance(trace, Trace):
        return None
    near = abs(index - start) <= NEAR_STEPS
    nodes = [node_id for node_id in trace.changed(start, index) if node_id in scene.nodes] if near else scene.nodes
    missing: list[tuple[str, bool, int]] = []  # node, bar (else value), the step that made the array
    for node_id in nodes:
        item = scene.nodes[node_id]
        for bar, shown in ((False, item.look.value), (True, item.look.bar)):
            made = trace.bar_made(node_id, index) if bar else trace.value_made(node_id, index)
            token = (trace, made)
            if made is not None and (shown is None or shown.token != token) and not scene.has_picture(token):
                missing.append((node_id, bar, made))
    if seconds(trace, missing) <= BACKGROUND_S:
        return None
    state = trace.state(index)

    def task(report: Report) -> Apply:
        ready: dict[Hashable, ArrayLook] = {}
        for done, (node_id, bar, _made) in enumerate(missing, 1):
            look = array_look(state, node_id, bar, None)
            if look is not None:
                ready[look.token] = look
            report(done, len(missing))
        _read_step(trace, index)
        return lambda: scene.take_pictures(ready)

    return task


def seconds(trace: Trace, missing: list[tuple[str, bool, int]]) -> float:
    """How long making these pictures would take: recomputing what the checkpoints do not hold, colouring."""
    program = trace.program
    elements = sum(program.node(node_id).size for node_id, _bar, _made in missing)
    flops = 0
    if trace.checkpoints is not None:
        values = [node_id for node_id, bar, _made in missing if not bar]
        flops = trace.checkpoints.work(values, [made for _node_id, bar, made in missing if bar])
    return flops / FLOPS_PER_S + elements / COLOURED_PER_S


def _read_step(trace: Trace, index: int) -> None:
    """Read the arrays of step ``index``, so that the segments holding them are the ones kept."""
    match trace.steps[index]:
        case ForwardStep() as step:
            step.value  # noqa: B018 - read for its side effect: the segment recomputed and kept
        case BackwardStep() as step:
            step.contribution  # noqa: B018
        case AccumulateStep() as step:
            step.bar  # noqa: B018
