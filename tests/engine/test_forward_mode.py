"""Forward mode (notes 20.1): one pass per source element, each carrying tangents to the cost."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradviz.engine.forward_mode import ForwardTrace, forward_mode
from gradviz.engine.program import NodeSpec, Program
from gradviz.io.graph_file import load
from gradviz.io.paths import EXAMPLES


def test_the_linear_layer_gradient_is_the_notes_formula():
    """L = Σ (W x − y)²: ∂L/∂W = 2 (W x − y) xᵀ and ∂L/∂x = 2 Wᵀ (W x − y), worked out by hand."""
    graph, program = load(EXAMPLES / "linear_layer.json")
    values = {spec.id: np.array(spec.value) for spec in graph.nodes if spec.value is not None}
    W, x, y = values["W"], values["x"], values["y"]
    residual = W @ x - y
    result = forward_mode(program)
    np.testing.assert_allclose(result.gradients["W"], 2 * residual @ x.T)
    np.testing.assert_allclose(result.gradients["x"], 2 * W.T @ residual)
    assert result.passes == W.size + x.size  # one pass per number: the cost the notes warn about


def two_branches() -> Program:
    """c = Σ sin(x) + Σ exp(w): a pass seeded in x never touches exp(w)."""
    return Program(
        [
            NodeSpec("x", "input", value=[0.1, 0.2]),
            NodeSpec("w", "parameter", value=[[0.3, 0.4, 0.5]]),
            NodeSpec("s", "sin", ("x",)),
            NodeSpec("e", "exp", ("w",)),
            NodeSpec("a", "sum", ("s",)),
            NodeSpec("b", "sum", ("e",)),
            NodeSpec("c", "add", ("a", "b")),
        ],
        "c",
    )


def test_a_pass_walks_only_the_nodes_its_source_reaches_and_counts_their_flops():
    program = two_branches()
    result = forward_mode(program)
    reached = {"x": ["x", "s", "a", "c"], "w": ["w", "e", "b", "c"]}
    for pass_index in range(result.passes):
        walked = [step.node.id for step in result.steps if step.pass_index == pass_index]
        source = result.steps[[step.pass_index for step in result.steps].index(pass_index)].source_id
        assert walked == reached[source]

    def flops(node_id: str) -> int:
        node = program.node(node_id)
        return 0 if node.op.is_source else node.op.flops(*(program.node(p).shape for p in node.inputs), **node.attrs)

    expected = sum(program.node(source).value.size * sum(map(flops, nodes)) for source, nodes in reached.items())
    assert result.flops == expected
    np.testing.assert_allclose(result.gradients["x"], np.cos([0.1, 0.2]))
    np.testing.assert_allclose(result.gradients["w"], np.exp([[0.3, 0.4, 0.5]]))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (1, 3), elements=st.floats(-3, 3)))  # an override keeps the node's shape
def test_overrides_give_what_a_program_holding_those_values_gives(value):
    program = two_branches()
    changed = Program(
        [
            NodeSpec("x", "input", value=[0.1, 0.2]),
            NodeSpec("w", "parameter", value=value),
            *(NodeSpec(n.id, n.op.name, n.inputs) for n in program.nodes[2:]),
        ],
        "c",
    )
    overridden = forward_mode(program, {"w": value}, record=False)
    assert overridden.steps == () and overridden.passes == 2 + 3
    np.testing.assert_allclose(overridden.gradients["w"], forward_mode(changed).gradients["w"])
    np.testing.assert_allclose(overridden.gradients["w"], np.exp(value))


def test_an_overflowing_tangent_is_flagged_not_hidden():
    program = Program(
        [NodeSpec("x", "input", value=[1000.0]), NodeSpec("e", "exp", ("x",)), NodeSpec("c", "sum", ("e",))], "c"
    )
    steps = forward_mode(program).steps
    assert [step.nonfinite for step in steps] == [False, True, True]


def test_the_trace_state_holds_only_the_current_pass_tangents():
    trace = ForwardTrace(two_branches())
    second_pass_start = next(i for i, step in enumerate(trace.steps) if step.pass_index == 1)
    state = trace.state(second_pass_start)
    assert set(state.bars) == {"x"}  # the first pass's tangents are gone: each pass starts from its seed
    np.testing.assert_array_equal(state.bars["x"], [0.0, 1.0])
    assert trace.state(-1).values == {}  # before the first step nothing is known
