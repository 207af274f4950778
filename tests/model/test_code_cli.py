"""`gradviz new FILE.json --from FILE.py` and `gradviz code GRAPH`: the code form on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gradviz.cli import main
from gradviz.engine.tracer import run
from gradviz.io.graph_file import load, read

ROOT = Path(__file__).resolve().parents[2]
LINES = """\
W = parameter([[0.1, -0.3], [0.7, 0.2]])
x = input([[1.0], [2.0]])
y = constant([[0.5], [0.0]])
a = W @ x
c = mse(a, y, reduction="sum")
"""


def test_new_writes_a_laid_out_graph_that_runs(tmp_path, capsys):
    (tmp_path / "loss.py").write_text(LINES, encoding="utf-8")
    assert main(["new", str(tmp_path / "loss.json"), "--from", str(tmp_path / "loss.py")]) == 0
    graph, program = load(tmp_path / "loss.json")
    assert [spec.id for spec in graph.nodes] == ["W", "x", "y", "a", "c"] and graph.output == "c"
    assert set(graph.layout) == {"W", "x", "y", "a", "c"}
    assert run(program).output_value == pytest.approx(2.21)  # (−0.5 − 0.5)² + 1.1²
    assert capsys.readouterr().err == ""


def test_code_prints_what_new_reads_back(tmp_path, capsys):
    example = ROOT / "assets" / "examples" / "mlp_cross_entropy.json"
    assert main(["code", str(example)]) == 0
    text = capsys.readouterr().out
    assert "a1 = linear(W1, x, b1)\n" in text and "logits = a2.T\n" in text
    (tmp_path / "mlp.py").write_text(text, encoding="utf-8")
    assert main(["new", str(tmp_path / "mlp.json"), "--from", str(tmp_path / "mlp.py")]) == 0
    again = read(tmp_path / "mlp.json")
    assert {spec.id: spec.inputs for spec in again.nodes} == {spec.id: spec.inputs for spec in read(example).nodes}


def test_new_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    (tmp_path / "loss.py").write_text(LINES, encoding="utf-8")
    target = tmp_path / "loss.json"
    target.write_text("precious", encoding="utf-8")
    assert main(["new", str(target), "--from", str(tmp_path / "loss.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists (give --force" in err
    assert target.read_text(encoding="utf-8") == "precious"
    assert main(["new", str(target), "--from", str(tmp_path / "loss.py"), "--force"]) == 0
    assert read(target).output == "c"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (LINES.replace("[[1.0], [2.0]]", "[[1.0], [2.0], [3.0]]"), "line 4, col 5: matmul: inner sizes 2 and 3 differ"),
        ("import os\n", "line 1, col 1: import is not allowed"),
        ("", "the text makes no nodes"),
    ],
)
def test_bad_lines_exit_2_with_one_line_naming_file_line_and_column(tmp_path, capsys, lines, expected):
    (tmp_path / "bad.py").write_text(lines, encoding="utf-8")
    assert main(["new", str(tmp_path / "out.json"), "--from", str(tmp_path / "bad.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"bad.py: {expected}" in err
    assert not (tmp_path / "out.json").exists()


def test_unreadable_inputs_exit_2(tmp_path, capsys):
    (tmp_path / "latin1.py").write_bytes("x = input(1.0)  # caf\xe9\n".encode("latin-1"))
    assert main(["new", str(tmp_path / "out.json"), "--from", str(tmp_path / "latin1.py")]) == 2
    assert main(["new", str(tmp_path / "out.json"), "--from", str(tmp_path / "missing.py")]) == 2
    shutil.copy(ROOT / "assets" / "examples" / "matmul.py", tmp_path / "not_a_graph.json")
    assert main(["code", str(tmp_path / "not_a_graph.json")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and "not UTF-8" in lines[0] and "missing.py" in lines[1] and "not JSON" in lines[2]


def test_the_readmes_code_block_makes_a_graph_that_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Type the graph\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "loss.py").write_text(code, encoding="utf-8")
    assert main(["new", str(tmp_path / "loss.json"), "--from", str(tmp_path / "loss.py")]) == 0
    graph, program = load(tmp_path / "loss.json")
    assert graph.title == "Linear layer" and graph.output == "c"
    assert run(program).output_value == pytest.approx(2.21)
