"""Tracing a Python function: the graph it records equals the one built by hand, and what has no op says so."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

import gradviz
import gradviz.gui.show as show_module
from gradviz import gnp
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, compile_file, read
from gradviz.io.paths import EXAMPLES
from gradviz.tracing import TraceError

ROOT = Path(__file__).resolve().parents[1]


def _structure(program):
    return {node.id: (node.op.name, node.inputs, dict(node.attrs)) for node in program.nodes}


def _assert_same_graph(traced, hand_built: GraphFile):
    """Same nodes, ops, wiring and attributes; same source values; equal values and bars."""
    expected = compile_file(hand_built)
    assert _structure(traced.program) == _structure(expected)
    assert traced.file.output == hand_built.output
    ours, theirs = traced.run(), run(expected)
    for node in expected.nodes:
        np.testing.assert_allclose(ours.value(node.id), theirs.value(node.id), rtol=1e-13, atol=0)
    assert ours.bars().keys() == theirs.bars().keys()
    for node_id, bar in theirs.bars().items():
        np.testing.assert_allclose(ours.bars()[node_id], bar, rtol=1e-13, atol=0)


def _sources(graph: GraphFile):
    return {spec.id: np.asarray(spec.value) for spec in graph.nodes if spec.value is not None}


# ----- the lecture notes' examples, traced, equal the files built by hand -----------------------------


def test_linear_layer_traced_equals_the_hand_built_file():
    hand = read(EXAMPLES / "linear_layer.json")

    def L(W, x, y):
        a = W @ x
        return gnp.mse(a, y, reduction="sum")

    g = gradviz.trace(L, params=["W"], constants=["y"], **_sources(hand))
    _assert_same_graph(g, hand)


def test_squared_error_traced_equals_the_hand_built_file():
    hand = read(EXAMPLES / "squared_error.json")

    def c(f, y):
        return gnp.mse(f, y)

    g = gradviz.trace(c, constants=["y"], **_sources(hand))
    _assert_same_graph(g, hand)
    # the notes' first rule, independently: f̄ = 2 (f − y)
    sources = _sources(hand)
    np.testing.assert_allclose(g.run().gradients()["f"], 2 * (sources["f"] - sources["y"]))


def test_mlp_traced_equals_the_hand_built_file():
    hand = read(EXAMPLES / "mlp_cross_entropy.json")

    def loss(x, W1, b1, W2, b2, labels):  # noqa: PLR0917 - the file's sources, by name
        a1 = gnp.linear(W1, x, b1)
        h1 = gnp.relu(a1)
        a2 = gnp.linear(W2, h1, b2)
        logits = a2.T
        return gnp.cross_entropy(logits, labels)

    g = gradviz.trace(loss, params=["W1", "b1", "W2", "b2"], constants=["labels"], **_sources(hand))
    _assert_same_graph(g, hand)


def test_the_issues_loss_has_the_notes_bars():
    rng = np.random.default_rng(0)
    W, x, y = rng.normal(size=(3, 2)), rng.normal(size=(2, 1)), rng.normal(size=(3, 1))

    def loss(W, x, y):
        return gnp.sum((W @ x - y) ** 2)

    bars = gradviz.trace(loss, W=W, x=x, y=y, params=["W"]).run().gradients()
    residual = W @ x - y
    np.testing.assert_allclose(bars["W"], 2 * residual @ x.T)  # W̄ = ā xᵀ with ā = 2(W x − y)
    np.testing.assert_allclose(bars["x"], W.T @ (2 * residual))  # x̄ = Wᵀ ā
    np.testing.assert_allclose(bars["y"], -2 * residual)


# ----- what a trace records ----------------------------------------------------------------------------


def test_sources_are_parameters_constants_and_inputs_in_argument_order():
    def f(x, W, y):
        return gnp.mse(W @ x, y)

    g = gradviz.trace(f, params=["W"], constants=["y"], x=np.ones((2, 1)), W=np.ones((1, 2)), y=np.zeros((1, 1)))
    kinds = {spec.id: spec.op for spec in g.file.nodes if spec.value is not None}
    assert kinds == {"x": "input", "W": "parameter", "y": "constant"}
    assert [spec.id for spec in g.file.nodes][:3] == ["x", "W", "y"]
    assert set(g.run().gradients()) == {"x", "W"}


def test_python_control_flow_unrolls_and_an_if_keeps_its_branch():
    def f(x):
        h = x
        for _ in range(3):
            h = gnp.tanh(h)
        if gnp.sum(h) > 0:  # noqa: SIM108 - compared on the value now: not recorded
            h = 2.0 * h
        else:
            h = gnp.relu(h)
        return gnp.sum(h)

    up = gradviz.trace(f, x=np.array([1.0, 2.0]))
    ops = [spec.op for spec in up.file.nodes]
    assert ops.count("tanh") == 3 and "mul" in ops and "relu" not in ops
    assert ops.count("sum") == 1, "the sum only compared in the if leads nowhere, so it is dropped"
    down = gradviz.trace(f, x=np.array([-1.0, -2.0]))
    assert "relu" in [spec.op for spec in down.file.nodes]
    # d/dx Σ 2 tanh³(x) by the chain rule, independently
    t1 = np.tanh(np.array([1.0, 2.0]))
    t2 = np.tanh(t1)
    expected = 2 * (1 - np.tanh(t2) ** 2) * (1 - t2**2) * (1 - t1**2)
    np.testing.assert_allclose(up.run().gradients()["x"], expected)


def test_local_variables_name_their_nodes_and_the_result_takes_the_functions_name():
    target = np.array([[0.5], [0.0]])

    def cost(W, x):
        a = W @ x
        residual = a - target
        return gnp.sum(residual * residual)

    g = gradviz.trace(cost, params=["W"], W=np.eye(2), x=np.ones((2, 1)))
    ids = [spec.id for spec in g.file.nodes]
    assert ids == ["W", "x", "a", "target", "residual", "mul1", "cost"]
    assert g.file.output == "cost"
    wiring = {spec.id: spec.inputs for spec in g.file.nodes}
    assert wiring["mul1"] == ("residual", "residual"), "x * x has two edges from one node"


def test_an_array_used_twice_is_one_constant_and_numbers_are_constants():
    y = np.array([1.0, 2.0])

    def f(x):
        return gnp.sum(x * y + y * x / 2.0)  # ndarray * box records mul too

    g = gradviz.trace(f, x=np.array([3.0, 4.0]))
    constants = [spec for spec in g.file.nodes if spec.op == "constant"]
    assert sorted(spec.id for spec in constants) == ["const1", "y"]
    assert [float(spec.value) for spec in constants if spec.id == "const1"] == [2.0]


def test_operators_and_numpy_functions_map_to_their_ops():
    def f(A, B):
        C = -(A @ B.T) + 1.0 - A / 2.0 * np.exp(A) ** 3
        D = np.tanh(abs(C)) @ np.linalg.inv(B)
        return np.mean(np.maximum(D, 0)) + np.sum(np.transpose(D), axis=0).sum() + gnp.power(np.trace(B), 2)

    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2)) + 3 * np.eye(2)
    g = gradviz.trace(f, A=A, B=B)
    ops = {spec.op for spec in g.file.nodes}
    assert {
        "matmul",
        "transpose",
        "neg",
        "add",
        "sub",
        "div",
        "mul",
        "exp",
        "pow",
        "tanh",
        "abs",
        "inv",
        "mean",
        "relu",
        "sum",
        "trace",
    } <= ops
    assert g.run().output_value == pytest.approx(f(A, B))  # the same function, untraced, is plain numpy


# ----- one clear error for what has no op ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (lambda x: np.sort(x), "np.sort has no gradviz op"),
        (lambda x: np.linalg.norm(x), "np.linalg.norm has no gradviz op"),
        (lambda x: np.add.reduce(x), "np.add.reduce has no gradviz op"),
        (lambda x: np.maximum(x, 1.0), "maximum has a gradviz op only as maximum"),
        (lambda x: x[0], "indexing a traced value has no gradviz op"),
        (lambda x: float(x), "float"),
        (lambda x: np.asarray(x), "cannot become a plain numpy array"),
        (lambda x: 2.0**x, "traced exponent"),
    ],
)
def test_what_has_no_op_raises_one_error_naming_it_and_the_line(body, message):
    with pytest.raises(TraceError) as caught:
        gradviz.trace(body, x=np.array([1.0, 2.0]))
    assert message in str(caught.value)
    assert re.match(r"test_tracing\.py:\d+ \(in <lambda>\): ", str(caught.value))
    assert "\n" not in str(caught.value)


def test_a_shape_error_names_the_line_and_the_ops_message():
    def f(W, x):
        return gnp.sum(x @ W)

    with pytest.raises(TraceError, match=r"test_tracing\.py:\d+ \(in f\): matmul: inner sizes 1 and 3 differ"):
        gradviz.trace(f, W=np.ones((3, 2)), x=np.ones((2, 1)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params": ["V"]}, "params names 'V', which is not among the arrays given"),
        ({"z": np.ones(2)}, "f has no argument 'z'"),
        ({"params": ["x"], "constants": ["x"]}, "named in both"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    def f(x):
        return gnp.sum(x)

    with pytest.raises(TraceError, match=message):
        gradviz.trace(f, **{"x": np.ones(2), **kwargs})


def test_the_result_must_be_a_scalar_traced_value():
    with pytest.raises(TraceError, match="returned a value of shape 2; the graph's output must be a scalar"):
        gradviz.trace(lambda x: 2.0 * x, x=np.ones(2))
    with pytest.raises(TraceError, match="returned float, not a traced value"):
        gradviz.trace(lambda x: 1.0, x=np.ones(2))


# ----- the graph object --------------------------------------------------------------------------------


def test_save_writes_a_laid_out_file_that_reads_back_the_same(tmp_path):
    def loss(W, x):
        return gnp.sum((W @ x) ** 2)

    g = gradviz.trace(loss, params=["W"], W=np.eye(2), x=np.ones((2, 1)))
    path = g.at(5).save(tmp_path / "loss.json")
    again = read(path)
    assert set(again.layout) == {spec.id for spec in again.nodes}
    assert again.view["step"] == 5
    assert _structure(compile_file(again)) == _structure(g.program)
    np.testing.assert_array_equal(gradviz.Graph.read(path).run().gradients()["W"], g.run().gradients()["W"])
    assert g.at(-1).step == len(g.run()) - 1
    with pytest.raises(IndexError, match="outside"):
        g.at(len(g.run()))


def test_a_graph_draws_itself_for_jupyter_at_a_step(qapp):
    def loss(W, x):
        return gnp.sum(W @ x)

    g = gradviz.trace(loss, params=["W"], W=np.eye(2), x=np.ones((2, 1)))
    plain, stepped = g._repr_png_(), g.at(len(g.run()) - 1)._repr_png_()
    assert plain.startswith(b"\x89PNG") and stepped.startswith(b"\x89PNG")
    assert plain != stepped, "at the last step the values and bars are drawn"
    svg = g._repr_svg_()
    assert "<svg" in svg and ">W<" in svg.replace(" ", "")


def test_importing_gradviz_stays_cheap_and_tracing_never_loads_qt(tmp_path):
    code = (
        "import sys, gradviz\n"
        "print('numpy' in sys.modules)\n"
        "import numpy as np\n"
        "from gradviz import gnp\n"
        "g = gradviz.trace(lambda x: gnp.sum(x * x), x=np.ones(2)); g.run(); g.save(sys.argv[1])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'torch')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "g.json")], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split("\n")
    assert out[0] == "False", "import gradviz must not import numpy"
    assert out[1] == "[]"
    assert (tmp_path / "g.json").stat().st_size > 0, "the traced graph was saved"


# ----- the README and the notebook run ------------------------------------------------------------------


def _python_block_after(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0]


def test_the_readmes_tracing_block_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_python_block_after("Trace a Python function"), "README.md", "exec"), namespace)
    W, x, y = np.array([[0.1, -0.3], [0.7, 0.2]]), np.array([[1.0], [2.0]]), np.array([[0.5], [0.0]])
    np.testing.assert_allclose(namespace["g"].run().gradients()["W"], 2 * (W @ x - y) @ x.T)
    assert capsys.readouterr().out.count("[") == 3, "it prints the 2×2 bar of W"
    assert read(tmp_path / "loss.json").output == "loss"


def _run_cell(source: str, namespace: dict):
    """Run a notebook cell as Jupyter does: its last line, if an expression, is the cell's result."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "notebook", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "notebook", "eval"), namespace) if last else None


def test_the_notebook_is_valid_and_its_cells_run(qapp, tmp_path, monkeypatch):
    notebook = json.loads((ROOT / "docs" / "tracing.ipynb").read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["language"] == "python"
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all({"source", "metadata", "outputs", "execution_count"} <= set(cell) for cell in code)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    shown = [_run_cell("".join(cell["source"]), namespace) for cell in code]
    graphs = [item for item in shown if isinstance(item, gradviz.Graph)]
    assert any(graph.step is not None for graph in graphs), "the notebook shows a graph at a step"
    for graph in graphs:
        assert graph._repr_png_().startswith(b"\x89PNG")


def test_show_opens_the_window_on_the_traced_graph(qtbot, tmp_path, monkeypatch):
    ini = str(tmp_path / "settings.ini")
    monkeypatch.setattr(show_module, "QSettings", lambda *_: QSettings(ini, QSettings.Format.IniFormat))
    monkeypatch.setattr(show_module, "state_folder", lambda: tmp_path / "state")

    def loss(W, x):
        a = W @ x
        return gnp.sum(a * a)

    g = gradviz.trace(loss, params=["W"], W=np.eye(2), x=np.ones((2, 1)))
    window = g.show()  # the test's event loop runs: it returns the window instead of blocking
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    assert set(window.document.nodes) == {"W", "x", "a", "mul1", "loss"}
    assert window.document.output == "loss" and window.path is None
