"""Reading the code form: numpy-like lines read into a graph without running them, errors at line and column."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from gradviz.engine.build import Builder
from gradviz.engine.tracer import run
from gradviz.io.graph_file import GraphFile, compile_file
from gradviz.model.code import CodeError
from gradviz.model.code_parse import parse_code
from tests.model.code_cases import ISSUE_EXAMPLE, bare, specs

# ----- reading -----------------------------------------------------------------------------------


def test_the_issue_example_is_the_graph_built_by_hand():
    g = Builder()
    W = g.parameter("W", [[0.1, -0.3], [0.7, 0.2]])
    x = g.input("x", [[1.0], [2.0]])
    y = g.constant("y", [[0.5], [0.0]])
    g.op("mse", g.op("matmul", W, x, id="a"), y, id="c", reduction="sum")
    assert bare(parse_code(ISSUE_EXAMPLE)) == bare(GraphFile(g.specs, "c"))


def test_the_issue_example_computes_what_the_notes_say():
    trace = run(compile_file(parse_code(ISSUE_EXAMPLE)))
    # a = W x = [0.1 - 0.6, 0.7 + 0.4] = [-0.5, 1.1]; c = (-0.5 - 0.5)² + (1.1 - 0)² = 1 + 1.21
    assert trace.output_value == pytest.approx(2.21)
    np.testing.assert_allclose(trace.bar("x"), np.array([[0.1, 0.7], [-0.3, 0.2]]) @ [[-2.0], [2.2]])


def test_intermediate_expressions_get_readable_unique_ids():
    graph = parse_code(
        "W = parameter(ones((2, 2)))\nx = input([1.0, 2.0])\ny = constant([0.0, 1.0])\n"
        "W_at_x = parameter(1.0)\n"
        "c = sum((W @ x - y) ** 2) + -W_at_x\n"
    )
    assert specs(graph)[4:] == [
        ("W_at_x_2", "matmul", ("W", "x"), {}),  # W_at_x is a line's name: the expression takes another
        ("W_at_x_2_minus_y", "sub", ("W_at_x_2", "y"), {}),
        ("W_at_x_2_minus_y_pow_2", "pow", ("W_at_x_2_minus_y",), {"exponent": 2}),
        ("sum", "sum", ("W_at_x_2_minus_y_pow_2",), {}),  # too long to read: the op's name
        ("neg_W_at_x", "neg", ("W_at_x",), {}),
        ("c", "add", ("sum", "neg_W_at_x"), {}),
    ]
    assert graph.output == "c"


def test_operators_transpose_negation_and_literal_constants():
    graph = parse_code(
        "A = parameter([[1.0, 2.0], [3.0, 4.0]])\nB = A.T\nC = -B\nD = 2 * C\nE = C / 0.5\nc = sum(D + E)"
    )
    assert specs(graph)[1:4] == [
        ("B", "transpose", ("A",), {}),
        ("C", "neg", ("B",), {}),
        ("const_2", "constant", (), {}),
    ]
    assert graph.nodes[3].value == 2.0 and graph.nodes[5].id == "const_0_5"
    assert run(compile_file(graph)).output_value == pytest.approx(-4 * 10.0)  # 2·(−10) + (−10)/0.5


def test_every_registered_op_is_callable_by_name_with_its_attributes():
    text = (
        "x = input(arange(1, 7))\nM = reshape(x, shape=[2, 3])\nS = softmax(M, axis=0)\n"
        'c = logsumexp(sum(S, axis=1, keepdims=False), axis=0, label="ℓ")'
    )
    graph = parse_code(text)
    assert specs(graph)[1:3] == [("M", "reshape", ("x",), {"shape": [2, 3]}), ("S", "softmax", ("M",), {"axis": 0})]
    assert graph.nodes[-1].label == "ℓ" and graph.nodes[-1].attrs == {"axis": 0}
    np.testing.assert_array_equal(graph.nodes[0].value, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("zeros((2, 3))", np.zeros((2, 3))),
        ("ones(4)", np.ones(4)),
        ("eye(3)", np.eye(3)),
        ("eye(2, 3)", np.eye(2, 3)),
        ("arange(5)", np.arange(5.0)),
        ("arange(1, 2, 0.25)", np.array([1.0, 1.25, 1.5, 1.75])),
        ("randn((2, 2), seed=7)", np.random.default_rng(7).standard_normal((2, 2))),
    ],
)
def test_value_helpers_build_numpys_arrays(call, expected):
    value = parse_code(f"x = input({call})\nc = sum(x)").nodes[0].value
    np.testing.assert_array_equal(value, expected)


def test_cost_is_the_last_assignment_or_the_line_called_cost():
    base = "x = input([1.0, 2.0])\n"
    assert parse_code(base + "c = sum(x)\nd = sum(x * x)").output == "d"
    assert parse_code(base + "cost = sum(x)\nd = sum(x * x)").output == "cost"
    assert parse_code(base + "c = sum(x)\nd = sum(x * x)\ncost = c").output == "c"
    assert parse_code(base + "h = tanh(x)\ncost = None").output is None
    assert parse_code('"""Title"""').output is None


def test_the_docstring_is_the_title_and_description():
    graph = parse_code('"""Linear layer\n\nWhat it teaches.\n\nMore."""\nx = input(1.0)\nc = x * x')
    assert (graph.title, graph.description) == ("Linear layer", "What it teaches.\n\nMore.")


def test_ids_that_are_no_python_names_are_given_with_id():
    graph = parse_code('a_b = input(1.0, id="a-b")\ncost_2 = sin(a_b, id="cost")\nc = cost_2 * a_b')
    assert specs(graph) == [("a-b", "input", (), {}), ("cost", "sin", ("a-b",), {}), ("c", "mul", ("cost", "a-b"), {})]


# ----- errors --------------------------------------------------------------------------------------


ERRORS = {
    "shape": (
        "W = parameter([[1.0, 2.0], [3.0, 4.0]])\nx = input([[1.0], [2.0], [3.0]])\ny = constant(1.0)\n"
        "a = W @ x\nc = sum(a)",
        "line 4, col 5: matmul: inner sizes 2 and 3 differ",
    ),
    "nested shape": (
        "x = input([1.0, 2.0])\ny = input([1.0, 2.0, 3.0])\nc = sum(tanh(x) + y)",
        "line 3, col 9: add: shapes 2 and 3 do not broadcast",
    ),
    "unknown function": (
        "x = input(1.0)\nc = matmull(x, x)",
        "line 2, col 5: matmull is not an op, a source or a value helper; did you mean matmul?",
    ),
    "import": ("import os\nx = input(1.0)", "line 1, col 1: import is not allowed"),
    "from import": ("x = input(1.0)\nfrom os import system", "line 2, col 1: import is not allowed"),
    "attribute": ("x = input([1.0])\nc = x.sum", "line 2, col 5: attribute access .sum is not allowed"),
    "method call": ("x = input([1.0])\nc = x.sum()", "line 2, col 5: attribute access .sum is not allowed"),
    "lambda": ("f = lambda x: x", "line 1, col 5: lambda is not allowed"),
    "for loop": ("x = input(1.0)\nfor i in [1, 2]:\n    y = x", "line 2, col 1: a for loop is not allowed"),
    "while loop": ("while True:\n    pass", "line 1, col 1: a while loop is not allowed"),
    "def": ("def f(x):\n    return x", "line 1, col 1: def is not allowed"),
    "used before assignment": (
        "c = sum(x)\nx = input([1.0])",
        "line 1, col 9: x is used before it is assigned (on line 2)",
    ),
    "undefined": ("c = sum(x)", "line 1, col 9: x is not defined"),
    "assigned twice": ("x = input(1.0)\nx = input(2.0)", "line 2, col 1: x is assigned twice (first on line 1)"),
    "attribute checked by the op": (
        'x = input([1.0])\nc = sum(x, axis="rows")',
        "line 2, col 12: sum: attribute 'axis' must be an axis",
    ),
    "unknown attribute": ("x = input([1.0])\nc = sum(x, axes=0)", "line 2, col 12: sum has no attribute 'axes'"),
    "arity": ("x = input([1.0])\nc = matmul(x)", "line 2, col 5: matmul takes 2 inputs (a, b), not 1"),
    "cost not scalar": (
        "x = input([1.0, 2.0])\nh = tanh(x)",
        "line 2, col 5: the cost h must be a scalar, but its shape is 2",
    ),
    "ragged value": ("x = input([[1.0], [2.0, 3.0]])", "line 1, col 11: a value's nested lists must have equal"),
    "text in a value": ("x = input(['one'])", "line 1, col 11: a value is a number or nested lists"),
    "overflow": ("x = input(1e999)", "line 1, col 11: a number here is too large for float64"),
    "huge helper": ("x = input(zeros((100000, 100000)))", "line 1, col 11: zeros: more than 1,000,000 numbers"),
    "bare value": ("x = [1.0, 2.0]", "line 1, col 5: wrap the value in a source"),
    "alias": ("x = input(1.0)\ny = x", "line 2, col 5: y = x makes no new node"),
    "other operator": ("x = input(1.0)\nc = x % 2", "line 2, col 5: the operator % is not an op"),
    "power of a node": ("x = input(1.0)\nc = x ** x", "line 2, col 10: the exponent of ** must be a number"),
    "labels must be whole": (
        "z = parameter([[1.0, 2.0]])\nt = constant([0.5])\nc = cross_entropy(z, t)",
        "line 2, col 5: labels must be whole numbers",
    ),
    "syntax": ("x = input(1.0\nc = x", "line 1, col 10: not Python"),
    "unicode columns": ("é = input([1.0])\nc = sum(é, axis='a')", "line 2, col 12: sum: attribute 'axis' must be"),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_are_one_line_at_the_line_and_column(name):
    text, expected = ERRORS[name]
    with pytest.raises(CodeError) as caught:
        parse_code(text)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


HOSTILE = [
    "import os\nos.system('touch {path}')",
    "x = input(1.0)\nopen('{path}', 'w').write('pwned')",
    "x = input(1.0)\nc = open('{path}', 'w')",
    "__import__('os').system('touch {path}')",
    "exec(\"open('{path}', 'w')\")",
    "c = eval(\"open('{path}', 'w')\")",
    "print('pwned')",
    "x = input([1.0])\nc = sum(x, axis=print('pwned'))",
    "x = input([float(open('{path}', 'w').write('1'))])",
    "x = input(1.0)\nc = x.__class__.__bases__[0].__subclasses__()",
    "with open('{path}', 'w') as f:\n    f.write('pwned')",
    "x = input(1.0)\n(lambda: open('{path}', 'w'))()",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_refused_and_never_run(hostile, tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the text was run")

    monkeypatch.setattr(builtins, "eval", never)
    monkeypatch.setattr(builtins, "exec", never)
    path = tmp_path / "pwned"
    with pytest.raises(CodeError):
        parse_code(hostile.format(path=path))
    assert not path.exists()
    assert capsys.readouterr().out == ""


def test_names_of_builtins_are_just_names(capsys):
    graph = parse_code("print = input([1.0, 2.0])\nopen = tanh(print)\nc = sum(open)")
    assert specs(graph) == [("print", "input", (), {}), ("open", "tanh", ("print",), {}), ("c", "sum", ("open",), {})]
    assert capsys.readouterr().out == ""
