"""The cursor: stepping, clamping, and keeping its place when an edit recomputes the trace."""

from __future__ import annotations

import dataclasses

from gradviz.engine.tracer import run
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument
from gradviz.model.playback import Playback


def playback(document: GraphDocument) -> Playback:
    return Playback(run(document.program()))


def test_stepping_and_clamping():
    document = GraphDocument(read(EXAMPLES / "linear_layer.json"))
    cursor = playback(document)
    assert cursor.index == -1 and cursor.current is None and cursor.state().values == {}
    assert cursor.back() == -1
    cursor.end()
    assert cursor.at_end and cursor.step() == cursor.last
    assert cursor.seek(3) == 3 and cursor.current.kind == "forward"
    assert cursor.seek(10_000) == cursor.last and cursor.seek(-7) == -1


def test_an_edited_value_keeps_the_cursor_on_the_same_step():
    document = GraphDocument(read(EXAMPLES / "linear_layer.json"))
    cursor = playback(document)
    target = next(step for step in cursor.trace.steps if step.kind == "backward" and step.parent.id == "W")
    cursor.seek(target.index)
    document.replace_node(dataclasses.replace(document.nodes["x"], value=[[3.0], [-1.0]]))
    cursor.retrace(run(document.program()))
    assert cursor.current.kind == "backward" and cursor.current.parent.id == "W"
    assert cursor.current.contribution.tolist() != target.contribution.tolist()  # new numbers, same place


def test_a_vanished_step_keeps_the_phase():
    document = GraphDocument(read(EXAMPLES / "linear_layer.json"))
    cursor = playback(document)
    into_x = next(step for step in cursor.trace.steps if step.kind == "backward" and step.parent.id == "x")
    cursor.seek(into_x.index)
    document.replace_node(dataclasses.replace(document.nodes["x"], op="constant"))  # x gets no bar now
    cursor.retrace(run(document.program()))
    assert cursor.trace.where(cursor.index) == "backward"
