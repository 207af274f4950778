"""Automatic layout: wires run left to right, nothing placed overlaps, the same graph gives the same
places, and a graph of 10,000 nodes lays out (the spatial index makes it O(N log N))."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.engine.program import NodeSpec
from gradviz.model.layout import COLUMN, NODE_HEIGHT, NODE_WIDTH, ROW, layered_positions


def reference_positions(specs, kept=None):
    """The first version of the layout, scanning every placed node per candidate slot (O(N²)): the
    oracle the indexed version must agree with, place for place."""
    specs, kept = list(specs), dict(kept or {})
    graph = nx.DiGraph()
    graph.add_nodes_from(spec.id for spec in specs)
    graph.add_edges_from((parent, spec.id) for spec in specs for parent in spec.inputs if parent in graph)
    by_id = {spec.id: spec for spec in specs}
    column = {node_id: depth for depth, layer in enumerate(nx.topological_generations(graph)) for node_id in layer}
    sources = {node_id for node_id in graph if graph.in_degree(node_id) == 0 and graph.out_degree(node_id) > 0}
    for node_id in sources:
        column[node_id] = max(0, min(column[child] for child in graph.successors(node_id)) - 1)
    positions = dict(kept)
    written = {spec.id: i for i, spec in enumerate(specs)}

    def snap(y):
        return round(y / (ROW / 2)) * (ROW / 2)

    def free(x, y):
        while any(abs(x - px) < NODE_WIDTH and abs(y - py) < NODE_HEIGHT for px, py in positions.values()):
            y += ROW / 2
        return x, y

    def height(node_id):
        above = [positions[parent][1] for parent in by_id[node_id].inputs if parent in positions]
        return sum(above) / len(above) if above else written[node_id] * ROW

    for depth in sorted(set(column.values())):
        ops = [node_id for node_id in graph if column[node_id] == depth and node_id not in sources]
        for node_id in sorted(ops, key=lambda n: (height(n), written[n])):
            if node_id not in kept:
                positions[node_id] = free(depth * COLUMN, snap(height(node_id)))
    for node_id in sorted(sources, key=written.__getitem__):
        if node_id in kept:
            continue
        child = min(graph.successors(node_id), key=lambda c: (column[c], written[c]))
        port = list(by_id[child].inputs).index(node_id)
        x, y = positions[child]
        positions[node_id] = free(
            (column[child] - 1) * COLUMN if column[child] else x - COLUMN, y + snap(port * 0.8 * ROW)
        )
    return {spec.id: positions[spec.id] for spec in specs}


@st.composite
def graphs(draw):
    """Random DAGs of sources and one- or two-input ops, with some nodes kept at user positions."""
    count = draw(st.integers(1, 30))
    specs = []
    for i in range(count):
        arity = 0 if i == 0 else draw(st.integers(0, min(2, i)))
        parents = draw(st.lists(st.integers(0, i - 1), min_size=arity, max_size=arity)) if arity else []
        specs.append(
            NodeSpec(f"n{i}", "add" if arity == 2 else "neg" if arity else "input", tuple(f"n{p}" for p in parents))
        )
    kept_ids = draw(st.sets(st.sampled_from([spec.id for spec in specs]), max_size=count // 3))
    coordinate = st.floats(-2000, 2000, allow_nan=False).map(lambda v: round(v, 1))
    kept = {node_id: (draw(coordinate), draw(coordinate)) for node_id in sorted(kept_ids)}
    return specs, kept


def overlapping(a, b) -> bool:
    return abs(a[0] - b[0]) < NODE_WIDTH and abs(a[1] - b[1]) < NODE_HEIGHT


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_the_index_places_every_node_where_the_full_scan_did(graph):
    specs, kept = graph
    assert layered_positions(specs, kept) == reference_positions(specs, kept)


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_placed_nodes_overlap_nothing_and_kept_ones_stay(graph):
    specs, kept = graph
    positions = layered_positions(specs, kept)
    assert set(positions) == {spec.id for spec in specs}
    for node_id, where in kept.items():
        assert positions[node_id] == where
    placed = [node_id for node_id in positions if node_id not in kept]
    for node_id in placed:
        assert not any(overlapping(positions[node_id], positions[other]) for other in positions if other != node_id)


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_wires_run_left_to_right_and_the_layout_is_deterministic(graph):
    specs, _kept = graph
    positions = layered_positions(specs)
    for spec in specs:
        for parent in spec.inputs:
            assert positions[parent][0] < positions[spec.id][0]
    assert layered_positions(specs) == positions
    assert layered_positions(list(specs)) == positions


def test_ten_thousand_nodes_lay_out_without_overlaps():
    """A chain of 5,000 with a parameter beside each link, then 100 ops all reading one node (a wide
    column, where every new node goes below all the others). Overlaps are checked column by column,
    sorted, since every node sits on a column (nothing is kept)."""
    specs = [NodeSpec("x", "input")]
    for k in range(5000):
        specs.append(NodeSpec(f"w{k}", "parameter"))
        specs.append(NodeSpec(f"h{k}", "add", (specs[-2].id if k else "x", f"w{k}")))
    specs += [NodeSpec(f"fan{k}", "neg", ("h4999",)) for k in range(100)]
    positions = layered_positions(specs)
    assert len(positions) == len(specs) == 10_101
    columns = defaultdict(list)
    for x, y in positions.values():
        assert x % COLUMN == 0
        columns[x].append(y)
    for ys in columns.values():
        ys.sort()
        assert all(below - above >= NODE_HEIGHT for above, below in pairwise(ys))
    assert len(columns[positions["fan0"][0]]) == 100  # the wide column holds all 100, stacked
