"""The command line: JSON equal to the engine, exit codes, and one line on stderr for every bad file."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from gradviz.cli import main
from gradviz.engine.registry import get_op
from gradviz.engine.tracer import run
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
VALID_NODES = [
    {"id": "W", "op": "parameter", "value": [[0.1, -0.3], [0.7, 0.2]]},
    {"id": "x", "op": "input", "value": [[1.0], [2.0]]},
    {"id": "a", "op": "matmul", "inputs": ["W", "x"]},
    {"id": "c", "op": "sum", "inputs": ["a"]},
]


def graph(nodes=None, **top):
    return json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": nodes or VALID_NODES, **top})


def with_node(index, **changes):
    nodes = json.loads(json.dumps(VALID_NODES))
    nodes[index].update(changes)
    nodes[index] = {key: value for key, value in nodes[index].items() if value is not None}  # None: leave out
    return graph(nodes)


BAD_FILES = {
    "not JSON": ('{"format": "gradviz-graph", "version": 1,,}', "not JSON: unexpected character"),
    "wrong format name": (graph().replace("gradviz-graph", "gradviz-grph"), "format is 'gradviz-grph'"),
    "unknown version": (graph().replace('"version": 1', '"version": 99'), "version 99, made by a newer gradviz"),
    "unknown op": (with_node(2, op="matmull"), "node 'a', field 'op': unknown op 'matmull'"),
    "missing id": (graph([{"op": "input", "value": 1.0}]), "node #1, field 'id': missing"),
    "duplicate id": (with_node(1, id="W"), "node 'W', field 'id': this id is used by two nodes"),
    "input naming no node": (with_node(2, inputs=["W", "z"]), "node 'a', field 'inputs': input 2 names 'z'"),
    "wrong number of inputs": (with_node(2, inputs=["W"]), "node 'a', field 'inputs': input b not connected"),
    "cycle": (with_node(0, op="exp", inputs=["a"], value=None), "the graph has a cycle"),
    "shape mismatch": (with_node(1, value=[[1.0, 2.0, 3.0]]), "matmul: inner sizes 2 and 1 differ (2×2 times 1×3)"),
    "bad attribute": (with_node(3, attrs={"axis": "rows"}), "node 'c', field 'attrs': sum: attribute 'axis'"),
    "ragged value": (with_node(1, value=[[1.0], [2.0, 3.0]]), "node 'x', field 'value'"),
    "non-numeric value": (with_node(1, value=[["one"], [2.0]]), "node 'x', field 'value"),
    "unconnected input": (with_node(2, inputs=["W", None]), "node 'a', field 'inputs': input b not connected"),
    "no output chosen": (
        json.dumps({"format": "gradviz-graph", "version": 1, "nodes": VALID_NODES}),
        "no node is chosen as the output",
    ),
    "output missing": (graph().replace('"output": "c"', '"output": "nope"'), "the output 'nope' names no node"),
    "output not scalar": (graph().replace('"output": "c"', '"output": "a"'), "must be a scalar cost"),
    "binary garbage": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a text file"),
    "pathological nesting": (
        with_node(1, value="DEEP").replace('"DEEP"', "[" * 100_000 + "1" + "]" * 100_000),
        "nested too deeply",
    ),
    "nesting as the whole file": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_exit_2_with_one_line(case, tmp_path, capsys):
    content, words = BAD_FILES[case]
    path = tmp_path / "bad.json"
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    for command in (["run", str(path)], ["check", str(path)], ["trace", str(path), "--json"]):
        assert main(command) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.splitlines()
        assert len(lines) == 1 and str(path) in lines[0], captured.err
        assert words in lines[0], lines[0]
        assert "Traceback" not in captured.err


def test_missing_file_and_bad_arguments_exit_2(capsys):
    assert main(["run", "/nowhere/g.json"]) == 2
    assert "cannot read the file" in capsys.readouterr().err
    assert main(["run", "x.json", "--mode", "sideways"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_passes_check(path, capsys):
    assert main(["check", str(path)]) == 0
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_run_json_matches_the_engine(path, mode, capsys):
    assert main(["run", str(path), "--json", "--mode", mode]) == 0
    printed = json.loads(capsys.readouterr().out)
    _, program = load(path)
    trace = run(program)
    assert printed["output"] == program.output
    assert list(printed["values"]) == [node.id for node in program.nodes]
    for node in program.nodes:
        np.testing.assert_allclose(printed["values"][node.id], trace.value(node.id))
    expected = trace.bars() if mode == "reverse" else trace.gradients()
    assert set(printed["bars"]) == set(expected)
    for node_id, bar in expected.items():
        np.testing.assert_allclose(printed["bars"][node_id], bar, rtol=1e-9, atol=1e-12)
    sizes = sum(node.value.size for node in program.sources)
    assert printed["passes"] == (1 if mode == "reverse" else sizes)


def test_trace_reads_like_the_notes(capsys):
    assert main(["trace", str(EXAMPLES / "linear_layer.json")]) == 0
    out = unicodedata.normalize("NFC", capsys.readouterr().out)
    assert "◂ matmul a → W" in out and "W̄ += ā xᵀ" in out and "(3×2) += (3×1) (2×1)ᵀ" in out


def test_trace_json_has_every_step(capsys):
    assert main(["trace", str(EXAMPLES / "linear_layer.json"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    _, program = load(EXAMPLES / "linear_layer.json")
    trace = run(program)
    assert len(printed["steps"]) == len(trace) and printed["seed_index"] == trace.seed_index
    backward = [s for s in printed["steps"] if s["kind"] == "backward"]
    assert {(s["node"], s["parent"]) for s in backward} == {("L", "a"), ("a", "W"), ("a", "x")}


def test_trace_story_tells_one_step_per_edge(capsys):
    # linear_layer: 5 nodes, the seed, 3 edges back (L→a, a→W, a→x); no node feeds two, so no "+="
    assert main(["trace", str(EXAMPLES / "linear_layer.json"), "--story"]) == 0
    lines = unicodedata.normalize("NFC", capsys.readouterr().out).splitlines()
    assert len(lines) == 5 + 1 + 3
    assert "W̄ = ā xᵀ" in lines[7] and "+=" not in "".join(lines)
    assert main(["trace", str(EXAMPLES / "linear_layer.json"), "--json"]) == 0
    told = json.loads(capsys.readouterr().out)["story"]
    assert [entry["steps"] for entry in told[-3:]] == [[6, 7], [8, 9], [10, 11]]  # each edge: its two steps


def test_check_fails_with_exit_1_when_a_bar_is_wrong(capsys):
    matmul = get_op("matmul")
    original = matmul.vjp
    wrong_bar_of_a = lambda g, z, a, b: 2 * (g @ b.T)
    object.__setattr__(matmul, "vjp", (wrong_bar_of_a, original[1]))  # the Op record is frozen on purpose
    try:
        assert main(["check", str(EXAMPLES / "linear_layer.json")]) == 1
        assert "FAILED" in capsys.readouterr().out
    finally:
        object.__setattr__(matmul, "vjp", original)
