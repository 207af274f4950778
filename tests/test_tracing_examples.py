"""The rest of the lecture notes' examples written as traced Python functions: each records exactly the graph
of the hand-built file (same ids, ops, wiring, attributes) with the same values and bars. With
tests/test_tracing.py (linear layer, squared error, MLP) and tests/model/test_code_examples.py (the code
form), every shipped example exists in each way in: the file, the code form and a traced function."""

import gradviz
from gradviz import gnp
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from tests.test_tracing import _assert_same_graph, _sources


def _trace_like(name: str, function, **roles):
    hand = read(EXAMPLES / f"{name}.json")
    _assert_same_graph(gradviz.trace(function, **roles, **_sources(hand)), hand)


def test_chain_rule_traced():
    def L(x):
        i1 = gnp.sin(x)
        a = gnp.tanh(i1)
        y = gnp.square(a)
        i2 = gnp.exp(y)
        return gnp.sum(i2)

    _trace_like("chain_rule", L)


def test_correlation_impulse_traced():
    def L(I_i, k, G):
        I_o = gnp.correlate2d(I_i, k, mode="same")
        weighted = I_o * G
        return gnp.sum(weighted)

    _trace_like("correlation_impulse", L, params=["k"], constants=["G"])


def test_elementwise_traced():
    def c(a, y):
        h = gnp.tanh(a)
        return gnp.mse(h, y)

    _trace_like("elementwise", c, constants=["y"])


def test_giles_matrix_results_traced():
    def c(A, B, G):
        C1 = gnp.inv(A)
        C2 = gnp.det(A)
        C3 = gnp.solve(A, B)
        weighted = C1 * G
        s1 = gnp.sum(weighted)
        s3 = gnp.sum(C3)
        partial = s1 + C2
        return partial + s3

    _trace_like("giles_matrix_results", c, params=["A"], constants=["G"])


def test_matmul_traced():
    def c(X, Y, T):
        Z = X @ Y
        return gnp.mse(Z, T)

    _trace_like("matmul", c, params=["X"], constants=["T"])


def test_tiny_cnn_traced():
    def loss(x, w, b, V, label):
        conv = gnp.conv2d(x, w, b, padding=1)
        h = gnp.relu(conv)
        flat = gnp.reshape(h, shape=[1, 50])
        logits = flat @ V
        return gnp.cross_entropy(logits, label)

    _trace_like("tiny_cnn", loss, params=["w", "b", "V"], constants=["label"])
