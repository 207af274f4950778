"""Exporting from the declaration: every op says how it is exported, a new op exports from its record alone,
and an op that cannot be exported is refused in one line (the numpy and torch exporters have their own files)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from gradviz import cli
from gradviz.engine import registry
from gradviz.engine.ops._common import per_element, same_shape
from gradviz.engine.program import NodeSpec, Program
from gradviz.engine.registry import Op, Port, all_ops, get_op
from gradviz.engine.spelling import CannotExport, Helper, Spelling
from gradviz.export import numpy_script, torch_script
from tests.export.scripts import assert_same_numbers, graph_of, has_torch, printed_json

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
    if has_torch():
        assert_same_numbers(printed_json(torch_script(graph_of(program), program)), program)


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
