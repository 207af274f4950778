"""The story the window tells: one step per edge, "+=" only where a bar sums several contributions.

Expected counts come from reading the example graphs, not from the code: a presented trace has one
step per node (forward), the seed, and one step per edge the reverse pass follows.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.build import Builder
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.tracer import run
from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES
from gradviz.model.document import GraphDocument
from gradviz.model.playback import Playback
from gradviz.model.story import ordinal, story_of


def _example(name: str):
    return run(GraphDocument(read(EXAMPLES / f"{name}.json")).program())


def _edges(story) -> list[int]:
    return [position for position in range(len(story)) if len(story.told[position].steps) == 2]


def _adds(story) -> list[int]:
    """Presented steps whose formula adds to a bar already started."""
    return [position for position in _edges(story) if " += " in story.formula(position)]


def test_the_chain_rule_example_is_a_chain_so_every_bar_is_one_assignment():
    # x → sin → tanh → square → exp → sum: 6 nodes, each feeding only the next, so 5 edges back and no
    # bar ever sums anything
    story = story_of(_example("chain_rule"))
    assert len(story) == 6 + 1 + 5
    assert len(_edges(story)) == 5 and _adds(story) == []
    assert story.formula(_edges(story)[-1]) == "x̄ = i̅1̅ ⊙ cos(x)"  # the last edge: sin's rule into x
    assert all(" = " in story.formula(position) for position in _edges(story))


def test_the_mlp_has_no_fan_out_either():
    # 11 nodes; edges back: loss→logits, logits→a2, a2→W2/h1/b2, h1→a1, a1→W1/x/b1 (labels is a constant)
    story = story_of(_example("mlp_cross_entropy"))
    assert len(story) == 11 + 1 + 9 and _adds(story) == []


def test_a_node_feeding_three_nodes_sums_three_contributions():
    # A feeds inv (C₁), det (C₂) and solve (C₃); every other node feeds one node. 11 nodes, 11 edges back:
    # c←partial,s3; partial←s1,C₂; s1←S; s3←C₃; S←C₁ (G is a constant); C₁←A; C₂←A; C₃←A,B
    story = story_of(_example("giles_matrix_results"))
    assert len(story) == 11 + 1 + 11
    into_a = [position for position in _edges(story) if story.formula(position).startswith("Ā")]
    assert len(into_a) == 3
    first, second, third = into_a
    assert story.formula(first).startswith("Ā = ") and _adds(story) == [second, third]
    assert "A feeds 3 nodes (C₃, C₂ and C₁), this is the 1st of 3" in story.sentence(first)
    assert story.sentence(second).endswith("this is the 2nd of 3")
    assert story.sentence(third).endswith("this is the 3rd of 3: Ā is complete")
    assert story.shapes(second) == "(3×3) += (scalar) (scalar) (3×3)⁻ᵀ"


def test_a_broadcast_bar_says_it_sums_over_the_axis():
    g = Builder()  # b (1×2) is stretched over the 3 rows of a
    s = g.op("add", g.input("a", np.ones((3, 2))), g.parameter("b", [[1.0, 2.0]]), id="s")
    story = story_of(run(g.program(g.op("sum", s, id="c"))))
    into_b = next(position for position in _edges(story) if story.formula(position).startswith("b̄"))
    assert story.formula(into_b) == "b̄ = Σ over axis 0 of s̄"
    assert "b (1×2) was broadcast to 3×2 along axis 0" in story.sentence(into_b)
    assert story.formula(into_b, latex=True) == r"\bar{b} = \sum_{\mathrm{axis}\ 0} \bar{s}"


def test_a_node_used_twice_by_one_node_says_so():
    g = Builder()
    x = g.input("x", [1.0, 2.0])
    story = story_of(run(g.program(g.op("sum", g.op("mul", x, x, id="y"), id="c"))))
    first, second = [position for position in _edges(story) if story.formula(position).startswith("x̄")]
    assert story.formula(first) == "x̄ = ȳ ⊙ x" and story.formula(second) == "x̄ += ȳ ⊙ x"
    assert "x is used 2 times (y twice), this is the 2nd of 2" in story.sentence(second)


def test_the_seed_is_one_step_and_forward_steps_are_told_one_for_one():
    trace = _example("linear_layer")
    story = story_of(trace)
    for index in range(trace.seed_index + 1):
        assert story.told[index].steps == (index,) and story.index(index) == index
    assert story.formula(trace.seed_index) == "L̄ = 1"


def test_forward_mode_is_told_one_for_one_with_dots():
    trace = ForwardTrace(GraphDocument(read(EXAMPLES / "linear_layer.json")).program())
    story = story_of(trace)
    assert len(story) == len(trace)
    assert all("d" + step.node.name not in story.sentence(step.index) for step in trace.steps)
    assert "ẋ" in story.sentence(0) or "Ẇ" in story.sentence(0)


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 102, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "102nd",
        "111th",
    ]


@st.composite
def _graphs(draw):
    """A random graph of elementwise ops over one input: nodes may feed several nodes, or none."""
    count = draw(st.integers(1, 7))
    inputs = [tuple(draw(st.lists(st.integers(0, k), min_size=2, max_size=2))) for k in range(count)]
    ops = [draw(st.sampled_from(["add", "mul", "sin"])) for _ in range(count)]
    return inputs, ops


@settings(max_examples=60, deadline=None)
@given(_graphs())
def test_one_step_per_edge_and_an_addition_for_every_extra_use(graph):
    inputs, ops = graph
    g = Builder()
    names = [g.input("n0", [0.3, -0.7])]
    uses: list[list[str]] = [[]]  # node k → the nodes reading it, once per port
    for k, (chosen, op) in enumerate(zip(inputs, ops), start=1):
        parents = chosen[:1] if op == "sin" else chosen
        names.append(g.op(op, *(names[p] for p in parents), id=f"n{k}"))
        uses.append([])
        for p in parents:
            uses[p].append(k)
    output = g.op("sum", names[-1], id="c")
    trace = run(g.program(output))
    story = story_of(trace)
    # independent count: a node reaches c if it is the last or feeds one that does; only edges between
    # nodes reaching c carry a bar back
    reaches = [False] * len(names)
    reaches[-1] = True
    for k in reversed(range(len(names) - 1)):
        reaches[k] = any(reaches[user] for user in uses[k])
    followed = [[user for user in uses[k] if reaches[user]] for k in range(len(names))]
    edges = 1 + sum(len(users) for users in followed)  # the sum's edge, then every op's
    extra = sum(max(0, len(users) - 1) for users in followed)
    assert len(story) == len(names) + 1 + 1 + edges  # the nodes, c, the seed, the edges
    assert len(_edges(story)) == edges and len(_adds(story)) == extra
    # the presented steps cover the trace exactly once, in order
    assert [index for told in story.told for index in told.steps] == list(range(len(trace)))
    # → from before the start visits every presented step's exact end, and ← comes back the same way
    cursor, visited = Playback(trace), []
    while not cursor.at_end:
        visited.append(cursor.step())
    assert visited == [told.index for told in story.told]
    while cursor.index >= 0:
        visited.append(cursor.back())
    ends = [told.index for told in story.told]
    assert visited[len(story) :] == [*ends[-2::-1], -1]
