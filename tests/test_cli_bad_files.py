"""Issue 10's bad inputs to the command line, each a regression test: exit 2 and exactly one stderr line
naming the file, the node and the field (check: exit 1 for numeric failures); never a traceback, never a
Python warning on stderr, never a hang. The files in tests/data/bad/ are the issue's reproductions."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradviz import cli
from gradviz.cli import main
from gradviz.io import file_bytes
from gradviz.io.paths import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "data" / "bad"
COMMANDS = ("run", "check", "trace")

# file → (node, field, words of the one line) every command but render says; render draws a graph that
# loads but cannot run, marked red where it fails, as the window opens it.
REFUSED = {
    "33_wrong_arity_high": ("a", "inputs", "matmul takes 2 inputs (a, b), not 3"),
    "36_missing_input": ("a", "inputs", "input 2 names 'nope', which is no node"),
    "52_reshape_zero_uint64": ("r", "attrs", "reshape: attribute 'shape' value 18446744073709551615 is too large"),
    "58_conv_padding_huge": ("y", "attrs", "conv2d: padding 1000000000000 is too large"),
    "59_conv_padding_uint64": ("y", "attrs", "conv2d: attribute 'padding' value 18446744073709551615 is too large"),
    "s20_ce_label_huge": ("t", "value", "label 1e+300 is out of range"),
    "s22_ce_zero_classes": ("c", "inputs", "cross_entropy: logits 2×0 have no classes"),
    "s28_correlate_kernel_0x0": ("y", "inputs", "correlate2d: kernel is 1×0"),
    "s29_mean_of_empty": ("h", "inputs", "mean: axis 0 of the input (shape 0) has length 0"),
    "s30_softmax_of_empty": ("h", "inputs", "softmax: axis 1 of the input (shape 2×0) has length 0"),
    "s31_logsumexp_of_empty": ("h", "inputs", "logsumexp: axis 1 of the input (shape 2×0) has length 0"),
}


def call(argv, capsys):
    """(exit code, stdout, stderr lines) of ``main(argv)``, failing on any Python warning it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    assert not caught, [str(warning.message) for warning in caught]
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err.splitlines()


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_bad_file_is_one_line_naming_node_and_field(name, command, capsys):
    path = BAD / f"{name}.json"
    node, field, words = REFUSED[name]
    code, out, err = call([command, path], capsys)
    assert code == 2 and out == ""
    assert err == [err[0]] and err[0].startswith(f"gradviz: {path}, node '{node}', field '{field}': ")
    assert words in err[0]


@pytest.mark.parametrize(
    "name", ["33_wrong_arity_high", "52_reshape_zero_uint64", "s22_ce_zero_classes", "s29_mean_of_empty"]
)
def test_render_draws_a_graph_that_cannot_run(name, tmp_path, capsys, qapp):
    code, _, err = call(["render", BAD / f"{name}.json", "-o", tmp_path / "g.png"], capsys)
    assert (code, err) == (0, []) and (tmp_path / "g.png").stat().st_size > 0


def test_render_refuses_an_input_naming_no_node_as_the_window_does(tmp_path, capsys, qapp):
    path = BAD / "36_missing_input.json"
    code, _, err = call(["render", path, "-o", tmp_path / "g.png"], capsys)
    assert code == 2 and err == [f"gradviz: {path}, node 'a', field 'inputs': input 2 names 'nope', which is no node"]
    assert not (tmp_path / "g.png").exists()


@pytest.mark.parametrize("command", [*COMMANDS, "render"])
def test_layout_coordinates_past_a_billion_are_refused(command, tmp_path, capsys):
    path = BAD / "65_layout_huge.json"
    code, _, err = call([command, path, *(["-o", tmp_path / "g.png"] if command == "render" else [])], capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"gradviz: {path}, node ")
    assert "field 'layout': a coordinate must be within ±1e+09" in err[0]


def test_log_of_a_negative_is_flagged_on_stdout_not_warned_on_stderr(capsys):
    path = BAD / "s01_log_negative.json"
    code, out, err = call(["check", path], capsys)
    assert (code, err) == (1, []) and "FAILED" in out
    assert "non-finite numbers first appear at step 1: log computes h from x" in out
    code, out, err = call(["trace", path], capsys)
    assert (code, err) == (0, []) and "non-finite numbers first appear at step 1" in out


# ----- files that are not graph files ------------------------------------------------------------------


def test_a_device_a_folder_and_a_named_pipe_are_refused_without_reading(tmp_path, capsys):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would block forever
    for path, kind in (("/dev/zero", "a device"), (tmp_path, "a folder"), (fifo, "a named pipe")):
        code, _, err = call(["run", path], capsys)
        assert code == 2 and err == [f"gradviz: {path}: cannot read it: it is {kind}, not a file"]


def test_dev_zero_and_a_fifo_in_a_separate_process_neither_hang_nor_grow(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        done = subprocess.run(
            [sys.executable, "main.py", "run", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_file_past_the_size_cap_is_refused_saying_the_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(file_bytes, "MAX_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(" " * 2000 + (EXAMPLES / "linear_layer.json").read_text())
    code, _, err = call(["run", path], capsys)
    assert code == 2 and len(err) == 1 and "gradviz reads graph files of up to 0 MB" in err[0]


def test_the_real_size_cap_is_256_mb():
    assert file_bytes.MAX_BYTES == 256 * 2**20


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, capsys):
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + (EXAMPLES / "linear_layer.json").read_bytes())
    code, out, err = call(["run", path, "--json"], capsys)
    assert (code, err) == (0, []) and json.loads(out)["output"] == "L"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_utf16_and_utf32_files_are_named_not_called_binary(encoding, name, tmp_path, capsys):
    path = tmp_path / "wide.json"
    path.write_bytes((EXAMPLES / "linear_layer.json").read_text(encoding="utf-8").encode(encoding))
    code, _, err = call(["run", path], capsys)
    assert code == 2 and err == [f"gradviz: {path}: the file is {name}; save it as UTF-8"]


def test_new_from_a_folder_is_one_line(tmp_path, capsys):
    code, _, err = call(["new", tmp_path / "g.json", "--from", tmp_path], capsys)
    assert code == 2 and err == [f"gradviz: {tmp_path}: cannot read it: it is a folder, not a file"]


# ----- det of a singular matrix --------------------------------------------------------------------------

SINGULAR_DET = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "A", "op": "parameter", "value": [[1.0, 2.0], [2.0, 4.0]]},
        {"id": "c", "op": "det", "inputs": ["A"]},
    ],
}


def test_det_of_a_singular_matrix_is_0_and_its_bar_is_the_cofactor_matrix(tmp_path, capsys):
    path = tmp_path / "det.json"
    path.write_text(json.dumps(SINGULAR_DET))
    code, out, err = call(["run", path, "--json"], capsys)
    assert (code, err) == (0, [])
    printed = json.loads(out)
    assert printed["values"]["c"] == pytest.approx(0.0, abs=1e-12)
    # det [[a, b], [c, d]] = ad − bc, so ∂det/∂A = [[d, −c], [−b, a]] = [[4, −2], [−2, 1]]
    np.testing.assert_allclose(printed["bars"]["A"], [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    code, out, err = call(["check", path], capsys)
    assert (code, err) == (0, []) and "passed" in out
    code, out, err = call(["run", path, "--json", "--mode", "forward"], capsys)
    assert (code, err) == (0, [])
    np.testing.assert_allclose(json.loads(out)["bars"]["A"], [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


def test_det_bar_of_a_rank_1_3x3_matrix_is_its_adjugate_transposed(tmp_path, capsys):
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])  # rank 1: every 2×2 minor, hence the adjugate, is 0
    b = a + np.diag([0.0, 0.0, 1.0])  # rank 2: one nonzero cofactor row pattern
    for matrix in (a, b):
        doc = dict(
            SINGULAR_DET,
            nodes=[{"id": "A", "op": "parameter", "value": matrix.tolist()}, {"id": "c", "op": "det", "inputs": ["A"]}],
        )
        path = tmp_path / "det3.json"
        path.write_text(json.dumps(doc))
        code, out, _ = call(["run", path, "--json"], capsys)
        cofactors = np.array(
            [
                [(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(matrix, i, 0), j, 1)) for j in range(3)]
                for i in range(3)
            ]
        )
        assert code == 0
        np.testing.assert_allclose(json.loads(out)["bars"]["A"], cofactors, atol=1e-9)


# ----- writing the output ------------------------------------------------------------------------------


class ShortWrites:
    """A raw binary stream (stdout under PYTHONUNBUFFERED) that takes at most ``limit`` bytes a call,
    as a pipe or a write of 2 GiB does, and says how many it took."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.calls: list[int] = []
        self.data = bytearray()

    def write(self, chunk) -> int:
        taken = bytes(chunk[: self.limit])
        self.calls.append(len(chunk))
        self.data += taken
        return len(taken)

    def flush(self) -> None:
        pass


class FakeStdout:
    def __init__(self, limit: int) -> None:
        self.buffer = ShortWrites(limit)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("limit", [cli.CHUNK, cli.CHUNK // 3 + 1, 65536])
def test_json_is_written_whole_in_chunks_despite_short_writes(limit, monkeypatch):
    fake = FakeStdout(limit)
    monkeypatch.setattr(sys, "stdout", fake)
    data = bytes(range(256)) * (3 * cli.CHUNK // 256 + 7)
    cli.write_stdout(data)
    assert bytes(fake.buffer.data) == data
    assert max(fake.buffer.calls) <= cli.CHUNK


BIG = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "x", "op": "input", "value": [[float(i * j) for j in range(300)] for i in range(300)]},
        {"id": "c", "op": "sum", "inputs": ["x"]},
    ],
}


@pytest.mark.parametrize("unbuffered", [False, True])
def test_run_json_to_a_full_disk_exits_1_with_one_line(unbuffered):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "main.py", "run", str(EXAMPLES / "linear_layer.json"), "--json"],
            env=environment(unbuffered),
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1 and done.stderr.splitlines() == [
        "gradviz: cannot write the output: No space left on device"
    ]


def environment(unbuffered: bool) -> dict[str, str]:
    """This environment with stdout buffered (Python's default) or not (PYTHONUNBUFFERED: short writes)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return {**env, "PYTHONUNBUFFERED": "1"} if unbuffered else env


@pytest.mark.parametrize("unbuffered", [False, True])
def test_run_json_into_a_pipe_closed_early_exits_1_with_one_line(unbuffered, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(BIG))  # ~1 MB of JSON out: far more than a pipe holds
    reader = subprocess.Popen(
        [sys.executable, "main.py", "run", str(path), "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(unbuffered),
    )
    assert reader.stdout.read(100).startswith(b'{"output":"c"')
    reader.stdout.close()  # the reader stops reading
    _, err = reader.communicate(timeout=60)
    assert reader.returncode == 1
    assert err.decode().splitlines() == ["gradviz: the JSON output was cut short: its reader closed the pipe"]


def test_trace_text_into_head_stays_quiet(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(BIG))
    reader = subprocess.Popen(
        [sys.executable, "main.py", "run", str(path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    reader.stdout.read(10)
    reader.stdout.close()
    _, err = reader.communicate(timeout=60)
    assert (reader.returncode, err) == (0, b"")


# ----- the image size cap ----------------------------------------------------------------------------------


def test_render_shrinks_a_graph_wider_than_8192_px_and_says_so(tmp_path, capsys, qapp):
    from PySide6.QtGui import QImage  # noqa: PLC0415 - only this test needs Qt

    document = json.loads((EXAMPLES / "linear_layer.json").read_text())
    first = document["nodes"][0]["id"]
    document["layout"] = {**document.get("layout", {}), first: [20000.0, 0.0]}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(document))
    code, out, err = call(["render", path, "-o", tmp_path / "wide.png"], capsys)
    assert (code, err) == (0, [])
    assert "more than 8192 a side: drawn at" in out
    image = QImage(str(tmp_path / "wide.png"))
    assert max(image.width(), image.height()) <= 8192 and min(image.width(), image.height()) > 0


def test_export_writes_through_a_symlink_and_refuses_a_read_only_script(tmp_path, capsys):
    real = tmp_path / "real.py"
    real.write_text("old")
    (tmp_path / "link.py").symlink_to(real)
    code, _, err = call(["export", EXAMPLES / "linear_layer.json", "--to", "numpy", "-o", tmp_path / "link.py"], capsys)
    assert (code, err) == (0, []) and (tmp_path / "link.py").is_symlink() and "import numpy" in real.read_text()
    real.chmod(0o444)
    code, _, err = call(["export", EXAMPLES / "linear_layer.json", "--to", "numpy", "-o", real], capsys)
    assert code == 2 and err == [
        f"gradviz: {real}: cannot write the script: the file is read-only (save under "
        "another name, or make it writable first)"
    ]


def one_op(op: str, values: list, attrs: dict | None = None, then_sum: bool = True) -> str:
    """A graph of sources holding ``values`` feeding one ``op`` (summed to a scalar cost)."""
    nodes = [{"id": f"s{i}", "op": "input", "value": value} for i, value in enumerate(values)]
    node = {"id": "y", "op": op, "inputs": [f"s{i}" for i in range(len(values))], **({"attrs": attrs} if attrs else {})}
    nodes += [node, {"id": "c", "op": "sum", "inputs": ["y"]}] if then_sum else [{**node, "id": "c"}]
    return json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": nodes})


IMAGE = [[[[1.0, 2.0], [3.0, 4.0]]]]
MORE_REFUSALS = {
    "conv2d 1×0 kernel": (one_op("conv2d", [IMAGE, [[[[]]]]]), "y", "inputs", "conv2d: kernel is 1×0"),
    "conv2d stride 2⁶⁴−1": (
        one_op("conv2d", [IMAGE, [[[[1.0]]]]], {"stride": 2**64 - 1}),
        "y",
        "attrs",
        "conv2d: attribute 'stride' value 18446744073709551615 is too large",
    ),
    "conv2d padding past 2³¹ numbers": (
        one_op("conv2d", [IMAGE, [[[[1.0]]]]], {"padding": 30000}),
        "y",
        "inputs",
        "conv2d: the padded input would be 1×1×60002×60002",
    ),
    "convolve2d 0×0 kernel": (
        one_op("convolve2d", [[[1.0]], [[]]], {"mode": "full"}),
        "y",
        "inputs",
        "convolve2d: kernel is 1×0",
    ),
    "log_softmax of 2×0": (one_op("log_softmax", [[[], []]]), "y", "inputs", "log_softmax: axis 1 of the input"),
    "mean over an empty axis": (
        one_op("mean", [[[], []]], {"axis": 1}),
        "y",
        "inputs",
        "mean: axis 1 of the input (shape 2×0) has length 0",
    ),
    "cross_entropy of no classes": (
        one_op("cross_entropy", [[[]], [0]], then_sum=False),
        "c",
        "inputs",
        "cross_entropy: logits 1×0 have no classes",
    ),
    "reshape to 10¹² × 0": (
        one_op("reshape", [[]], {"shape": [10**12, 0]}),
        "y",
        "attrs",
        "reshape: size 1000000000000 is too large",
    ),
}


@pytest.mark.parametrize("case", sorted(MORE_REFUSALS))
def test_more_shapes_and_attributes_refused_where_the_op_is_declared(case, tmp_path, capsys):
    text, node, field, words = MORE_REFUSALS[case]
    path = tmp_path / "g.json"
    path.write_text(text)
    for command in COMMANDS:
        code, _, err = call([command, path], capsys)
        assert code == 2 and len(err) == 1, err
        assert err[0].startswith(f"gradviz: {path}, node '{node}', field '{field}': ") and words in err[0], err[0]


def test_cross_entropy_with_no_rows_is_refused(tmp_path, capsys):
    path = tmp_path / "g.json"
    nodes = [
        {"id": "z", "op": "input", "value": []},
        {"id": "r", "op": "reshape", "inputs": ["z"], "attrs": {"shape": [0, 2]}},  # 0 rows of 2 classes
        {"id": "t", "op": "constant", "value": []},
        {"id": "c", "op": "cross_entropy", "inputs": ["r", "t"]},
    ]
    path.write_text(json.dumps({"format": "gradviz-graph", "version": 1, "output": "c", "nodes": nodes}))
    code, _, err = call(["run", path], capsys)
    assert code == 2 and err == [
        f"gradviz: {path}, node 'c', field 'inputs': cross_entropy: logits 0×2 have no rows "
        "(N = 0); the mean of no losses is undefined"
    ]
