"""The loader fuzz extended to the whole command line: hostile graph files through run, check, trace and
render. Whatever a file holds, a command ends with exit 0, 1 (check's numeric failure) or 2, exit 2 says
it in exactly one stderr line, and nothing raises, warns or prints a traceback.

Two sources of hostile files: the examples mutated (wrong types, missing fields, unknown ops, cycles,
NaN tokens, deep nesting, huge layouts, other encodings), and one op at a time fed inputs of hostile
shapes (0-length axes among them) with hostile attributes (huge, negative, zero, the wrong type), which
is where a shape rule that forgets a case lets numpy raise.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.cli import main
from gradviz.engine.registry import all_ops
from gradviz.io.paths import EXAMPLES

pytestmark = pytest.mark.slow  # ~12 s of CPU: hundreds of generated files, each through several commands

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DOCUMENTS = {path.stem: path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.json"))}
OPS = [op for op in all_ops() if not op.is_source]

HOSTILE = [
    0,
    1,
    -1,
    2,
    -2,
    3,
    2**31,
    2**63,
    2**64 - 1,
    10**12,
    -(10**12),
    1e300,
    -1e300,
    0.5,
    float("nan"),
    True,
    None,
    "",
    "x",
    "matmul",
    [],
    [0],
    [2, 0],
    [-1],
    [0, -1],
    [2**64 - 1, 0],
    [1, 1],
    [10**12, 1],
    [1, 0],
    [0, 0],
    [[1, 2], [3]],
    {},
    {"axis": 0},
]
NUMBERS = [0.0, 1.0, -1.0, 2.5, 0.0, 1e300, -1e300, 1e-300, 3.0, 1e154]
LAYOUT = [[1e9, -1e9], [1e12, 0], [0, 0], ["a", 1], [1], [1e308, 1e308], [-1e9, 1e9], None, 5]


def in_process(argv: list[str]) -> tuple[int, str, list[str]]:
    """(exit code, stdout, stderr lines) of the CLI run here; any exception or Python warning fails."""
    out, err = StringIO(), StringIO()
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(out), redirect_stderr(err):
        warnings.simplefilter("always")
        code = main(argv)
    assert not caught, f"{argv}: warned {[str(warning.message) for warning in caught]}"
    return code, out.getvalue(), err.getvalue().splitlines()


def assert_behaves(argv: list[str], code: int, lines: list[str]) -> None:
    allowed = {0, 1, 2} if argv[0] == "check" else {0, 2}
    assert code in allowed, (argv, code, lines)
    assert not any(line.startswith("Traceback") for line in lines), lines
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("gradviz: "), (argv, lines)
    else:
        assert lines == [], (argv, lines)


def run_commands(data: bytes, tmp_path: Path, commands: tuple[str, ...] = ("run", "check", "trace")) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(data)
    for command in commands:
        argv = [command, str(path)] + (["--json"] if command == "trace" else [])
        if command == "render":
            argv += ["-o", str(tmp_path / "hostile.png")]
        code, _, lines = in_process(argv)
        assert_behaves(argv, code, lines)


# ----- mutated examples -----------------------------------------------------------------------------


def _set_field(draw, document, node, ids):
    node[draw(st.sampled_from(["op", "inputs", "attrs", "value", "id", "label"]))] = draw(st.sampled_from(HOSTILE))


def _delete_field(draw, document, node, ids):
    if node:
        node.pop(draw(st.sampled_from(sorted(node))))


def _unknown_op(draw, document, node, ids):
    node["op"] = draw(st.text(max_size=8))


def _cycle(draw, document, node, ids):
    first = document["nodes"][0]
    first.pop("value", None)
    first.update(op="neg", inputs=[draw(st.sampled_from(ids))])


def _layout(draw, document, node, ids):
    layout = document.get("layout")
    document["layout"] = {
        **(layout if isinstance(layout, dict) else {}),
        draw(st.sampled_from(ids)): draw(st.sampled_from(LAYOUT)),
    }


def _deep(draw, document, node, ids):
    node["value"] = "DEEP"  # replaced in the text, past what json.dumps would nest


def _top(draw, document, node, ids):
    key = draw(st.sampled_from(["format", "version", "output", "nodes", "layout", "view", "title"]))
    document[key] = draw(st.sampled_from(HOSTILE))


def _duplicate(draw, document, node, ids):
    document["nodes"].append(dict(document["nodes"][0]))


def _inputs(draw, document, node, ids):
    node["inputs"] = draw(st.lists(st.sampled_from([*ids, "nope", None, 3]), max_size=4))


MUTATIONS = [_set_field, _delete_field, _unknown_op, _cycle, _layout, _deep, _top, _duplicate, _inputs]


@st.composite
def mutated_examples(draw) -> bytes:
    """An example file with one or two hostile edits, written out as text (maybe mangled) or other bytes."""
    document = json.loads(EXAMPLE_DOCUMENTS[draw(st.sampled_from(sorted(EXAMPLE_DOCUMENTS)))])
    ids = [node["id"] for node in document["nodes"]]
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=2)):
        nodes = document["nodes"] if isinstance(document.get("nodes"), list) else []
        if not nodes or not all(isinstance(node, dict) for node in nodes):
            break  # the node list itself was replaced: hostile enough
        mutation(draw, document, draw(st.sampled_from(nodes)), ids)
    text = json.dumps(document)
    depth = draw(st.sampled_from([900, 1100, 100_000]))
    text = text.replace('"DEEP"', "[" * depth + "1" + "]" * depth, 1)
    token = draw(st.sampled_from([None] * 6 + ["NaN", "Infinity", "-Infinity", "1e999"]))
    if token and "0.5" in text:
        text = text.replace("0.5", token, 1)
    data = text.encode()
    encoding = draw(st.sampled_from([None] * 8 + ["bom", "utf-16", "truncate"]))
    if encoding == "bom":
        data = codecs.BOM_UTF8 + data
    elif encoding == "utf-16":
        data = text.encode("utf-16")
    elif encoding == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_examples())
def test_mutated_examples_through_run_check_trace(tmp_path_factory, data):
    run_commands(data, tmp_path_factory.mktemp("fuzz"))


# ----- one op, hostile shapes and attributes --------------------------------------------------------------


def nested(shape: tuple[int, ...], fill: float):
    return fill if not shape else [nested(shape[1:], fill) for _ in range(shape[0])]


@st.composite
def op_graphs(draw) -> bytes:
    op = draw(st.sampled_from(OPS))
    counts = [len(op.ports)] * 4 + [op.min_inputs] * 2 + [max(0, op.min_inputs - 1), len(op.ports) + 1]
    count = draw(st.sampled_from(counts))  # mostly an arity that fits, so the shape rules get their turn
    shared = tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), max_size=4)))
    nodes = []
    for index in range(count):
        # mostly one shape for every input (square, equal: what most ops need), now and then any shape
        shape = shared if draw(st.integers(0, 2)) else tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), max_size=4)))
        nodes.append(
            {
                "id": f"s{index}",
                "op": draw(st.sampled_from(["input", "parameter", "constant"])),
                "value": nested(shape, draw(st.sampled_from(NUMBERS))),
            }
        )
    attrs = {}
    for attr in op.attrs:
        if draw(st.booleans()):
            attrs[attr.name] = draw(st.sampled_from(HOSTILE))
    if draw(st.integers(0, 9)) == 0:
        attrs[draw(st.text(max_size=5))] = 1
    node = {"id": "y", "op": op.name, "inputs": [f"s{index}" for index in range(count)]}
    if attrs:
        node["attrs"] = attrs
    nodes.append(node)
    nodes.append({"id": "c", "op": "sum", "inputs": ["y"]})
    return json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": nodes}).encode()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(op_graphs())
def test_every_op_with_hostile_shapes_and_attributes(tmp_path_factory, data):
    run_commands(data, tmp_path_factory.mktemp("fuzz"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(mutated_examples(), op_graphs()))
def test_render_of_hostile_files(qapp, tmp_path_factory, data):
    run_commands(data, tmp_path_factory.mktemp("fuzz"), ("render",))


# ----- a few in a real process: exit codes and stderr as a shell sees them ----------------------------------

FIXED = {
    "deep nesting": '{"format": "gradviz-graph", "version": 1, "nodes": [{"id": "x", "op": "input", "value": '
    + "[" * 100_000
    + "1"
    + "]" * 100_000
    + "}]}",
    "NaN token": '{"format": "gradviz-graph", "version": 1, "output": "c", "nodes": [{"id": "x", "op": "input", '
    '"value": NaN}, {"id": "c", "op": "sum", "inputs": ["x"]}]}',
    "cycle": '{"format": "gradviz-graph", "version": 1, "output": "c", "nodes": [{"id": "c", "op": "neg", '
    '"inputs": ["d"]}, {"id": "d", "op": "neg", "inputs": ["c"]}]}',
    "unknown op": '{"format": "gradviz-graph", "version": 1, "output": "c", "nodes": '
    '[{"id": "c", "op": "frobnicate"}]}',
}


@pytest.mark.parametrize(
    ("case", "command"), [("deep nesting", "run"), ("NaN token", "check"), ("cycle", "render"), ("unknown op", "trace")]
)
def test_hostile_files_in_a_subprocess(case, command, tmp_path):
    path = tmp_path / "hostile.json"
    path.write_text(FIXED[case])
    argv = [command, str(path)] + (["-o", str(tmp_path / "g.png")] if command == "render" else [])
    done = subprocess.run(
        [sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    lines = [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line]
    assert_behaves(argv, done.returncode, lines)
