"""Exported scripts print the engine's numbers: numpy (rules written out again) and torch (autograd)."""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.engine.build import Builder
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.registry import all_ops, get_op
from gradviz.engine.tracer import run
from gradviz.export import numpy_script, torch_script
from gradviz.io.graph_file import GraphFile
from gradviz.io.paths import EXAMPLES
from tests.engine.op_cases import CASES, case_program

OPS = [op.name for op in all_ops() if not op.is_source]
numpy_tables = importlib.import_module("gradviz.export.numpy_script")  # the module, not the function
torch_tables = importlib.import_module("gradviz.export.torch_script")


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


def test_every_op_has_export_rules():
    for name in OPS:
        op = get_op(name)
        assert name in numpy_tables.FORWARD and name in torch_tables.FORWARD, name
        assert len(numpy_tables.BARS[name]) == len(op.ports), name
        for port, rule in zip(op.ports, numpy_tables.BARS[name]):
            assert (rule is None) == (not port.differentiable), name


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_numpy_script_rederives_every_rule(name, data, seed):
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    assert_same_numbers(printed_json(numpy_script(graph_of(program), program)), program)


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_torch_script_agrees_through_autograd(name, data, seed):
    pytest.importorskip("torch")
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    assert_same_numbers(printed_json(torch_script(graph_of(program), program)), program)


def test_awkward_node_ids_become_valid_names():
    g = Builder()
    a = g.input("class", [1.0, 2.0])
    b = g.parameter("W 2", [3.0, 4.0])
    c = g.op("mul", a, b, id="1x")
    d = g.op("add", c, g.constant("a-b", 1.0), id="a_b")
    program = g.program(g.op("sum", d, id="np"))
    for make in (numpy_script, torch_script):
        if make is torch_script and not _has_torch():
            continue
        assert_same_numbers(printed_json(make(graph_of(program), program)), program)


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def test_numpy_script_needs_only_numpy():
    path = EXAMPLES / "tiny_cnn.json"
    from gradviz.io.graph_file import load  # noqa: PLC0415

    graph, program = load(path)
    tree = ast.parse(numpy_script(graph, program))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"json", "sys", "numpy"}


def test_exported_script_runs_standalone(tmp_path):
    """Through the command line, into a file, run by a fresh interpreter with no gradviz in sight."""
    script = tmp_path / "linear_layer.py"
    done = subprocess.run(
        [sys.executable, "main.py", "export", str(EXAMPLES / "linear_layer.json"), "--to", "numpy", "-o", str(script)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = subprocess.run(
        [sys.executable, "-I", str(script), "--json"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    printed = json.loads(result.stdout)
    np.testing.assert_allclose(printed["bars"]["W"], [[-2.0, -4.0], [2.2, 4.4], [-1.4, -2.8]])
    readable = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True, check=True)
    assert "W bar =" in readable.stdout


def test_the_numpy_script_takes_dets_bar_of_a_singular_matrix_as_the_engine_does():
    """det of a singular matrix is 0 and its bar the transposed cofactor matrix (the engine's adjugate):
    the exported script computes it too, where np.linalg.inv(A) raised LinAlgError."""
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    program = Program([NodeSpec("A", "parameter", value=a), NodeSpec("c", "det", ("A",))], "c")
    printed = printed_json(numpy_script(graph_of(program), program))
    assert_same_numbers(printed, program)
    cofactors = np.array([[a[1, 1], -a[1, 0]], [-a[0, 1], a[0, 0]]])  # the 2×2 cofactor matrix, by hand
    np.testing.assert_allclose(np.array(printed["bars"]["A"]), cofactors, atol=1e-12)
