"""Shared by the exporter tests: run a generated script in-process and compare what it prints with the engine."""

from __future__ import annotations

import contextlib
import io
import json
import sys

import numpy as np
import pytest

from gradviz.engine.errors import NodeError
from gradviz.engine.spelling import CannotExport
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile


def printed_json(script: str) -> dict:
    """Run a generated script in-process with --json and parse what it prints."""
    out = io.StringIO()
    saved = sys.argv
    sys.argv = ["script.py", "--json"]
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(script, "<exported>", "exec"), {"__name__": "__main__"})
    finally:
        sys.argv = saved
    return json.loads(out.getvalue())


def assert_same_numbers(printed: dict, program) -> None:
    trace = run(program)
    assert printed["output"] == program.output and printed["passes"] == 1
    assert list(printed["values"]) == [node.id for node in program.nodes]
    assert list(printed["bars"]) == list(trace.bars())
    for node in program.nodes:
        np.testing.assert_allclose(
            np.array(printed["values"][node.id], dtype=float), trace.value(node.id), rtol=1e-9, atol=1e-12
        )
    for node_id, bar in trace.bars().items():
        np.testing.assert_allclose(np.array(printed["bars"][node_id], dtype=float), bar, rtol=1e-8, atol=1e-10)


def graph_of(program) -> GraphFile:
    return GraphFile(tuple(), program.output, title="test graph")


def exported_or_refused(make, program) -> dict | None:
    """The numbers the script prints, or None when its op declares it cannot be exported (checked)."""
    spelling = program.node("out").op.spelling
    if isinstance(spelling, CannotExport):
        with pytest.raises(NodeError) as refused:
            make(graph_of(program), program)
        assert refused.value.node_id == "out" and refused.value.field == "op"
        assert spelling.reason in str(refused.value)
        return None
    return printed_json(make(graph_of(program), program))


def has_torch() -> bool:
    try:
        import torch  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True
