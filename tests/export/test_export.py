"""Exported scripts print the engine's numbers: numpy (rules written out again) and torch (autograd)."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz import cli
from gradviz.engine import registry
from gradviz.engine.build import Builder
from gradviz.engine.errors import NodeError
from gradviz.engine.ops._common import per_element, same_shape
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.registry import Op, Port, all_ops, get_op
from gradviz.engine.spelling import CannotExport, Helper, Spelling
from gradviz.engine.tracer import run
from gradviz.export import numpy_script, torch_script
from gradviz.io.graph_file import GraphFile
from gradviz.io.paths import EXAMPLES
from tests.engine.op_cases import CASES, case_program

OPS = [op.name for op in all_ops() if not op.is_source]


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


# ----- the sweep: every registered op, from its declaration ---------------------------------------


def test_every_op_declares_how_it_is_exported():
    """A numpy forward, a numpy bar rule exactly for each port with a bar, and a torch forward; or a
    one-line reason why the op cannot be exported. Sources have none: scripts write their values."""
    for op in all_ops():
        if op.is_source:
            assert op.spelling is None, op.name
            continue
        assert isinstance(op.spelling, Spelling | CannotExport), f"{op.name} declares no export spelling"
        if isinstance(op.spelling, CannotExport):
            assert op.spelling.reason and op.spelling.reason.isprintable(), op.name
            continue
        assert op.spelling.numpy and op.spelling.torch, op.name
        assert len(op.spelling.numpy_bars) == len(op.ports), op.name
        for port, rule in zip(op.ports, op.spelling.numpy_bars):
            assert (rule is None) == (not port.differentiable), op.name


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


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_numpy_script_rederives_every_rule(name, data, seed):
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    printed = exported_or_refused(numpy_script, program)
    if printed is not None:
        assert_same_numbers(printed, program)


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_torch_script_agrees_through_autograd(name, data, seed):
    pytest.importorskip("torch")
    program, _ = case_program(get_op(name), data.draw(CASES[name]), np.random.default_rng(seed))
    printed = exported_or_refused(torch_script, program)
    if printed is not None:
        assert_same_numbers(printed, program)


# ----- an op declared with no more than its record -------------------------------------------------

# softplus is not a gradviz op: declared here as a new op would be in gradviz/engine/ops, it exports with
# nothing added to gradviz.export, its numpy helper included.
SOFTPLUS = Op(
    name="softplus",
    category="elementwise",
    doc="log(1 + eˣ), a smooth relu.",
    ports=(Port("x"),),
    forward=lambda x: np.logaddexp(0.0, x),
    shape=same_shape,
    vjp=(lambda g, z, x: g / (1.0 + np.exp(-x)),),
    jvp=(lambda t, z, x: t / (1.0 + np.exp(-x)),),
    formula="{out} = softplus({x})",
    bar_formulas=("{x:bar} += {out:bar} ⊙ σ({x})",),
    dot_formula="{out:dot} = σ({x}) ⊙ {x:dot}",
    flops=per_element(3),
    spelling=Spelling(
        numpy="softplus({x})",
        numpy_bars=["{g} / (1 + np.exp(-{x}))"],
        torch="F.softplus({x})",
        helpers=(Helper("def softplus(x):\n    return np.logaddexp(0.0, x)\n"),),
    ),
)


def softplus_program() -> Program:
    specs = [
        NodeSpec("x", "input", value=np.array([-30.0, -1.0, 0.0, 2.5, 40.0])),
        NodeSpec("s", "softplus", ("x",)),
        NodeSpec("c", "sum", ("s",)),
    ]
    return Program(specs, "c")


def test_a_new_op_exports_from_its_declaration_alone(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "softplus", SOFTPLUS)
    program = softplus_program()
    script = numpy_script(graph_of(program), program)
    assert "def softplus(x):" in script
    printed = printed_json(script)
    assert_same_numbers(printed, program)
    x = np.array([-30.0, -1.0, 0.0, 2.5, 40.0])
    np.testing.assert_allclose(printed["bars"]["x"], 1.0 / (1.0 + np.exp(-x)))  # softplus′ = σ, by hand
    if _has_torch():
        assert_same_numbers(printed_json(torch_script(graph_of(program), program)), program)


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


# ----- an op that cannot be exported ---------------------------------------------------------------

SIN_GRAPH = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "x", "op": "input", "value": [0.5, 1.0]},
        {"id": "y", "op": "sin", "inputs": ["x"]},
        {"id": "c", "op": "sum", "inputs": ["y"]},
    ],
}


REFUSALS = {  # what the op's record says, and the reason the command line gives
    "declared": (CannotExport("the scripts have no sine yet"), "the scripts have no sine yet"),
    "undeclared": (None, "it declares no numpy and torch spelling"),
}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("target", ["numpy", "torch"])
def test_an_op_that_cannot_be_exported_is_refused_in_one_line(monkeypatch, capsys, tmp_path, target, refusal):
    spelling, reason = REFUSALS[refusal]
    monkeypatch.setitem(registry._REGISTRY, "sin", dataclasses.replace(get_op("sin"), spelling=spelling))
    graph = tmp_path / "waves.json"
    graph.write_text(json.dumps(SIN_GRAPH), encoding="utf-8")
    script = tmp_path / "waves.py"
    code = cli.main(["export", str(graph), "--to", target, "-o", str(script)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and not script.exists()
    assert err == f"gradviz: {graph}: node 'y', field 'op': sin cannot be exported: {reason}\n"


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
