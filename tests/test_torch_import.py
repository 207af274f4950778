"""Importing a PyTorch model: the imported graph's bars are torch autograd's .grad, and the rest is refused by name.

torch is optional: every test that needs it asks for the ``torch`` fixture, which skips without it.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import gradviz
from gradviz.cli import main
from gradviz.io.graph_file import read
from gradviz.torch_import import TorchImportError
from tests.torch_cases import assert_bars_are_torchs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _mlp(torch):
    nn = torch.nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.act, self.fc2 = nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4)
            self.loss = nn.CrossEntropyLoss()

        def forward(self, x, labels):
            return self.loss(self.fc2(self.act(self.fc1(x))), labels)

    torch.manual_seed(0)
    return MLP().double()


def test_an_mlp_with_cross_entropy_has_torchs_bars(torch):
    model = _mlp(torch)
    x = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor([0, 3, 1, 2, 2, 0])
    graph = gradviz.from_torch(model, (x, labels))
    assert_bars_are_torchs(graph, model, x, model(x, labels))


def test_linear_layers_read_columns_with_transposes_only_at_the_ends(torch):
    model = _mlp(torch)
    graph = gradviz.from_torch(model, (torch.randn(6, 3, dtype=torch.float64), torch.tensor([0, 3, 1, 2, 2, 0])))
    ops = {spec.id: (spec.op, spec.inputs) for spec in graph.file.nodes if spec.value is None}
    # torch's x Wᵀ + b on rows is the notes' W x + b on columns: xᵀ in, the logits back to rows for the loss
    assert ops == {
        "x_T": ("transpose", ("x",)),
        "fc1": ("linear", ("fc1.weight", "x_T", "fc1.bias")),
        "act": ("relu", ("fc1",)),
        "fc2": ("linear", ("fc2.weight", "act", "fc2.bias")),
        "fc2_T": ("transpose", ("fc2",)),
        "loss": ("cross_entropy", ("fc2_T", "labels")),
    }
    kinds = {spec.id: spec.op for spec in graph.file.nodes if spec.value is not None}
    assert kinds == {
        "x": "input",
        "labels": "constant",
        "fc1.weight": "parameter",
        "fc1.bias": "parameter",
        "fc2.weight": "parameter",
        "fc2.bias": "parameter",
    }


def test_a_small_cnn_with_mse_has_torchs_bars(torch):
    nn = torch.nn
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Conv2d(3, 2, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3), nn.Tanh()
    ).double()
    x = torch.randn(2, 3, 8, 8, dtype=torch.float64, requires_grad=True)
    target = torch.randn(2, 3, dtype=torch.float64)
    graph = gradviz.from_torch(model, x, loss=nn.MSELoss(), target=target)
    assert [spec.op for spec in graph.file.nodes if spec.value is None] == [
        "conv2d",
        "relu",
        "reshape",
        "transpose",
        "linear",
        "tanh",
        "transpose",
        "mse",
    ]
    conv = next(spec for spec in graph.file.nodes if spec.op == "conv2d")
    assert dict(conv.attrs) == {"stride": (2, 2), "padding": (1, 1)}
    assert_bars_are_torchs(graph, model, x, nn.MSELoss()(model(x), target))


def test_weights_are_imported_as_they_are_now_in_float64(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid())  # float32, as torch makes it
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[0.1, -0.3], [0.7, 0.2]]))
    graph = gradviz.from_torch(model, torch.ones(1, 2), loss=nn.MSELoss(), target=torch.zeros(1, 2))
    weight = next(spec for spec in graph.file.nodes if spec.id == "0.weight")
    np.testing.assert_array_equal(weight.value, model[0].weight.detach().double().numpy())
    assert weight.value.dtype == np.float64


# ----- the command line -----------------------------------------------------------------------------------

MODEL = """
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3, padding=1)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(2 * 8 * 8, 4)

    def forward(self, x):
        return self.fc(self.flat(torch.relu(self.conv(x))))

class Pooled(Net):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(x).sum()
"""


def test_import_torch_writes_a_graph_file_that_checks(torch, tmp_path, capsys):
    model = tmp_path / "model.py"
    model.write_text(textwrap.dedent(MODEL))
    out = tmp_path / "model.json"
    code = main(["import-torch", f"{model}:Net", "--input-shape", "1,3,8,8", "--loss", "cross_entropy", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    graph = read(out)
    assert graph.output == "loss" and {"conv.weight", "fc.weight", "x", "target"} <= {s.id for s in graph.nodes}
    assert main(["check", str(out)]) == 0
    again = tmp_path / "again.json"
    assert (
        main(["import-torch", f"{model}:Net", "--input-shape", "1,3,8,8", "--loss", "cross_entropy", "-o", str(again)])
        == 0
    )
    assert again.read_bytes() == out.read_bytes(), "seeded: the same command writes the same file"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{model}:Pooled", "--input-shape", "1,3,8,8"], "{model}: Pooled: layer 'pool' is a MaxPool2d"),
        (["{model}:Net", "--input-shape", "1,3,8,8"], "{model}: Net: the model's output is 1×4, not a scalar cost"),
        (["{model}:Missing", "--input-shape", "1,3,8,8"], "{model}: Missing is not an nn.Module class defined there"),
        (["{model}:Net", "--input-shape", "1,x"], "{model}: --input-shape must be sizes separated by commas"),
        (["{model}:Net", "--input-shape", "1,2,8,8", "--loss", "mse"], "{model}: Net failed: RuntimeError: "),
        (["{tmp}/nowhere.py:Net", "--input-shape", "1"], "{tmp}/nowhere.py: no such file"),
    ],
)
def test_import_torch_refuses_in_one_line_with_exit_2(torch, tmp_path, capsys, args, message):
    model = tmp_path / "model.py"
    model.write_text(textwrap.dedent(MODEL))
    filled = [arg.format(model=model, tmp=tmp_path) for arg in args]
    assert main(["import-torch", *filled, "-o", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradviz: " + message.format(model=model, tmp=tmp_path)) and err.count("\n") == 1
    assert not (tmp_path / "out.json").exists()


def test_import_torch_help_says_it_runs_the_users_code(capsys):
    assert main(["import-torch", "--help"]) == 0
    assert "RUNS FILE.py (your own code" in " ".join(capsys.readouterr().out.split())


def test_without_torch_the_import_says_how_to_get_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    with pytest.raises(TorchImportError, match=r'needs torch: pip install "gradviz\[torch\]"'):
        gradviz.from_torch(object(), None)
    model = tmp_path / "model.py"
    model.write_text("")
    assert main(["import-torch", f"{model}:Net", "--input-shape", "1", "-o", str(tmp_path / "o.json")]) == 2
    assert "needs torch" in capsys.readouterr().err


def test_importing_the_torch_import_module_does_not_load_torch():
    code = "import sys, gradviz.torch_import, gradviz.cli; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_the_readmes_torch_block_runs(torch, tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Import a PyTorch model\n", 1)[1].split("```python\n", 1)[1].split("\n```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert read(tmp_path / "mlp.json").output == "loss"
