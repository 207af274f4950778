"""The torch layer and call tables: what each layer, function and method becomes, and what has no op.

The imports end to end (whole models, the command line) are in test_torch_import.py. torch is optional:
every test that needs it asks for the ``torch`` fixture, which skips without it.
"""

import pytest

import gradviz
from gradviz.torch_import import TorchImportError
from gradviz.torch_layers import LAYERS, first_line, known_functions
from tests.torch_cases import assert_bars_are_torchs


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_known_functions_map_torch_calls_to_the_registrys_ops(torch):
    from gradviz.engine.registry import find_op  # noqa: PLC0415

    table = known_functions(torch)
    F = torch.nn.functional
    assert table[F.relu] == table[torch.relu] == "relu" and table[torch.mm] == "matmul"
    assert table[torch.flatten] == "reshape" and table[torch.t] == "transpose"
    losses = {"mse_loss", "cross_entropy"}  # converted by their own functions (reductions checked there)
    assert all(find_op(name) is not None for name in set(table.values()) - losses)


def test_first_line_of_an_error_or_its_class():
    assert first_line(ValueError("  shapes differ\n  at line 3")) == "shapes differ"
    assert first_line(KeyError()) == "KeyError"
    assert "Linear" in LAYERS and "CrossEntropyLoss" in LAYERS


def test_functional_calls_and_methods_have_torchs_bars(torch):
    nn, F = torch.nn, torch.nn.functional

    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.kernel = nn.Parameter(torch.randn(2, 1, 3, 3))
            self.W = nn.Parameter(torch.randn(4, 32))
            self.b = nn.Parameter(torch.randn(4))
            self.V = nn.Parameter(torch.randn(4, 4))

        def forward(self, x, y):
            h = torch.sigmoid(F.conv2d(x, self.kernel, padding="same"))
            h = h.view(h.size(0), -1)
            a = F.linear(h, self.W, self.b)
            z = torch.tanh(a) @ self.V + 2.0 * a - a / 3.0 + torch.matmul(a, self.V).relu()
            p = F.softmax(z, dim=1) + F.log_softmax(z.T, dim=0).T.mul(0.5)
            return F.mse_loss(p, y, reduction="sum") + (-z).mean()

    torch.manual_seed(2)
    model = Functional().double()
    x = torch.randn(2, 1, 4, 4, dtype=torch.float64, requires_grad=True)
    y = torch.randn(2, 4, dtype=torch.float64)
    graph = gradviz.from_torch(model, (x, y))
    assert {
        "conv2d",
        "sigmoid",
        "reshape",
        "linear",
        "tanh",
        "matmul",
        "relu",
        "softmax",
        "log_softmax",
        "mse",
        "mean",
        "neg",
        "add",
        "sub",
        "mul",
        "div",
        "transpose",
    } <= {spec.op for spec in graph.file.nodes}
    assert_bars_are_torchs(graph, model, x, model(x, y))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        ("pool", "Net: layer 'pool' is a MaxPool2d, which has no gradviz op"),
        ("gelu", "Net: node 'gelu' is a call of torch.nn.functional.gelu, which has no gradviz op"),
        ("index", "Net: node 'getitem' is indexing x[...], which has no gradviz op"),
        (
            "branch",
            "Net: torch.fx cannot trace it: symbolically traced variables cannot be used as inputs to control flow",
        ),
        ("groups", "Net: layer 'conv' is a conv2d with groups 2 and dilation [1, 1], which has no gradviz op"),
        ("smoothing", "Net: layer 'loss' is a cross-entropy with class weights or label smoothing"),
        ("vector", "Net: the model's output is 1×4, not a scalar cost"),
        ("shape", "Net: the example input does not fit the model: "),
    ],
)
def test_what_has_no_op_is_refused_in_one_line_naming_the_layer(torch, build, message):
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.pool, self.conv = nn.MaxPool2d(2), nn.Conv2d(2, 2, 1, groups=2 if build == "groups" else 1)
            self.loss = nn.CrossEntropyLoss(label_smoothing=0.1)

        def forward(self, x):
            if build == "pool":
                return self.pool(x).sum()
            if build == "gelu":
                return F.gelu(x).sum()
            if build == "index":
                return x[0].sum()
            if build == "branch":
                return x.sum() if x.sum() > 0 else -x.sum()
            if build == "groups":
                return self.conv(x).sum()
            if build == "smoothing":
                return self.loss(x.reshape(2, 4), torch.zeros(2, dtype=torch.long))
            return x.reshape(1, 4, 4).sum(2)

    x = torch.randn(1, 3 if build == "shape" else 2, 2, 2) if build != "vector" else torch.randn(1, 4, 4)
    if build == "shape":
        Net.forward = lambda self, x: self.conv(x).sum()
    with pytest.raises(TorchImportError) as caught:
        gradviz.from_torch(Net(), x)
    assert message in str(caught.value) and "\n" not in str(caught.value)
