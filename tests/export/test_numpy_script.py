"""The numpy exporter: the script re-derives every bar rule in numpy and prints the engine's numbers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.registry import all_ops, get_op
from gradviz.export import numpy_script
from gradviz.io.paths import EXAMPLES
from tests.engine.op_cases import CASES, case_program
from tests.export.scripts import assert_same_numbers, exported_or_refused, graph_of, printed_json

OPS = [op.name for op in all_ops() if not op.is_source]


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_numpy_script_rederives_every_rule(name, data, seed):
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    printed = exported_or_refused(numpy_script, program)
    if printed is not None:
        assert_same_numbers(printed, program)


def test_a_script_defines_the_helpers_its_lines_call_and_no_others():
    """det's bar calls adjugate: a det whose input is a constant has no bar rule, and no adjugate."""
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    for kind, defined in (("parameter", True), ("constant", False)):
        specs = [NodeSpec("A", kind, value=a), NodeSpec("x", "input", value=np.array(2.0))]
        specs += [NodeSpec("d", "det", ("A",)), NodeSpec("c", "mul", ("d", "x"))]
        program = Program(specs, "c")
        script = numpy_script(graph_of(program), program)
        assert ("def adjugate(a):" in script) == defined == ("adjugate(A)" in script), kind
        assert_same_numbers(printed_json(script), program)


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
