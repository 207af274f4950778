"""graph → text → graph gives the same file, over random valid graphs of every registered op; and the
text of a graph is a fixed point: text → graph → text gives it back."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.engine.program import NodeSpec
from gradviz.engine.registry import all_ops, get_op
from gradviz.io.graph_file import GraphFile, dumps
from gradviz.model.code_parse import parse_code
from gradviz.model.code_print import code_of
from tests.engine.op_cases import CASES, values_for

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,5}", fullmatch=True)
# ids a file may hold that are no Python name, or that mean something in the text
AWKWARD = st.sampled_from(["a-b", "my node", "1st", "x.y", "Iᵢ", "cost", "lambda", "None", "sum", "input", "T"])
SPECIAL = [0.0, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 1 / 3, -2.5]


def bare(graph: GraphFile) -> str:
    """The file without layout, nodes by id: equal files mean the same graph, wired and valued the same."""
    nodes = tuple(sorted(graph.nodes, key=lambda spec: spec.id))
    return dumps(GraphFile(nodes, graph.output, {}, {}, graph.title, graph.description))


@st.composite
def graphs(draw: st.DrawFn) -> GraphFile:
    """A few ops of random kinds, each fed by new sources or by earlier nodes of the right shape, each
    summed to a scalar and the sums added up; the cost is that total, one of the sums, or not chosen."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    used: set[str] = set()
    specs: list[NodeSpec] = []
    shapes: dict[str, tuple[int, ...]] = {}

    def fresh() -> str:
        node_id = draw(st.one_of(NAMES, AWKWARD).filter(lambda name: name not in used))
        used.add(node_id)
        return node_id

    def label() -> str | None:
        return draw(st.one_of(st.none(), st.text(min_size=1, max_size=4)))

    def add(spec: NodeSpec, shape: tuple[int, ...]) -> str:
        specs.append(spec)
        shapes[spec.id] = shape
        return spec.id

    totals = []
    for _ in range(draw(st.integers(1, 4))):
        op = get_op(draw(st.sampled_from(sorted(CASES))))
        case = draw(CASES[op.name])
        inputs = []
        for port, drawn in zip(op.ports, values_for(op, case, rng)):
            array = drawn
            reusable = sorted(node_id for node_id, shape in shapes.items() if shape == array.shape)
            if port.domain != "labels" and reusable and draw(st.booleans()):
                inputs.append(draw(st.sampled_from(reusable)))
                continue
            if port.domain != "labels" and array.size and draw(st.integers(0, 4)) == 0:
                array = np.full(array.shape, draw(st.sampled_from(SPECIAL)))  # exact zeros, -0.0, extremes
            kind = "constant" if port.domain == "labels" else draw(st.sampled_from(["input", "parameter", "constant"]))
            inputs.append(add(NodeSpec(fresh(), kind, (), {}, array, label()), array.shape))
        shape = op.shape(*(shapes[i] for i in inputs), **op.resolve_attrs(case.attrs))
        out = add(NodeSpec(fresh(), op.name, tuple(inputs), dict(case.attrs), None, label()), shape)
        totals.append(out if shape == () else add(NodeSpec(fresh(), "sum", (out,)), ()))
    total = totals[0]
    for other in totals[1:]:
        total = add(NodeSpec(fresh(), draw(st.sampled_from(["add", "mul", "sub"])), (total, other)), ())
    output = draw(st.sampled_from([total, *totals, None]))
    title = draw(st.text(max_size=12).filter(lambda text: "\n" not in text))  # a title is one line
    return GraphFile(tuple(specs), output, {}, {}, title, draw(st.text(max_size=20)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_graph_to_text_to_graph_is_the_same_file(graph):
    text = code_of(graph)
    back = parse_code(text)
    assert bare(back) == bare(graph)
    assert code_of(back) == text


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_the_text_lists_sources_first_then_ops_after_their_inputs(graph):
    order = [spec.id for spec in parse_code(code_of(graph)).nodes]
    by_id = {spec.id: spec for spec in graph.nodes}
    sources = [node_id for node_id in order if get_op(by_id[node_id].op).is_source]
    assert order[: len(sources)] == [spec.id for spec in graph.nodes if get_op(spec.op).is_source]
    for position, node_id in enumerate(order):
        assert all(order.index(parent) < position for parent in by_id[node_id].inputs)


def test_the_generator_reaches_every_registered_op():
    assert {op.name for op in all_ops() if not op.is_source} <= set(CASES)
