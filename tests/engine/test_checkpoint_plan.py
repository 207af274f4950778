"""The checkpoint plan read off a chain by hand: segments, the values kept across boundaries, the edges.

How a checkpointed trace plays from the plan (and equals the full trace) is in test_checkpoints.py.
"""

from __future__ import annotations

from gradviz.engine.build import Builder
from gradviz.engine.checkpoint_plan import ITEM_BYTES, held_bytes, plan, reverse_edges


def chain():
    """x → h1 → h2 → h3 → h4 → c: forward steps 0 to 5, one op per step from h1, five edges back."""
    g = Builder()
    node = g.input("x", [0.1, 0.2, 0.3])
    for i in range(1, 5):
        node = g.op("tanh", node, id=f"h{i}")
    return g.program(g.op("sum", node, id="c"))


def test_forward_segments_cut_the_steps_and_keep_what_crosses_a_boundary():
    segments = plan(chain(), 2)
    # steps [0, 1] [2, 3] [4, 5]: x is a source (no op), so the first segment computes h1 alone
    assert [[op.node.id for op in segment] for segment in segments.forward_segments] == [
        ["h1"],
        ["h2", "h3"],
        ["h4", "c"],
    ]
    # h1 (step 1) is read at step 2 and h3 (step 3) at step 4, each past its segment's end: kept
    assert segments.kept_values == {"h1", "h3"}
    assert plan(chain(), 6).kept_values == frozenset()  # one segment: nothing is read across a boundary


def test_the_reverse_edges_run_from_the_cost_back_to_the_source():
    edges = reverse_edges(chain())
    assert [(edge.node.id, edge.port, edge.parent.id) for edge in edges] == [
        ("c", 0, "h4"),
        ("h4", 0, "h3"),
        ("h3", 0, "h2"),
        ("h2", 0, "h1"),
        ("h1", 0, "x"),
    ]
    # with one edge per reverse segment, each segment reads the bar the one before it made
    assert plan(chain(), 1).live_bars[1:] == (("h4",), ("h3",), ("h2",), ("h1",))


def test_the_chosen_length_is_the_one_reported_and_the_bytes_are_whole_items():
    program = chain()
    chosen = plan(program)
    assert chosen.bytes == held_bytes(program)
    assert chosen.bytes % ITEM_BYTES == 0 and chosen.bytes > 0
