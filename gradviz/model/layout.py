"""Automatic layout: layers left to right by topological generation, keeping what the user placed.

Column k holds the nodes whose longest path from a source has k edges, so every wire runs left to
right, as data flows. Nodes in ``keep`` stay where they are; the others take their layered place,
moved down past any node already there.

Finding that free place asks only the nodes in reach (``_Taken``: per x, the spans of y already
blocked, merged and sorted), so laying out N nodes costs O(N log N), not a scan of every placed node
per candidate slot (O(N²): 25 s for a 10,000-node file).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Iterable, Mapping
from math import ceil

from gradviz.engine.program import NodeSpec

COLUMN, ROW = 250.0, 200.0
NODE_WIDTH, NODE_HEIGHT = 190.0, 185.0  # room for the value and bar badges shown while stepping


def layered_positions(
    specs: Iterable[NodeSpec], kept: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, tuple[float, float]]:
    """A position for every node: ``kept`` ones unchanged, the rest by layer, clear of the others.

    Ops go in the column of their longest path from a source, ordered by their inputs' heights so
    wires cross less; each source goes one column left of its first reader, level with the port it
    feeds, so a parameter sits beside the layer that uses it rather than far away in column 0.
    """
    import networkx as nx  # noqa: PLC0415 - 0.24 s to import: the window starts without it

    specs = list(specs)
    kept = dict(kept or {})
    graph = nx.DiGraph()
    graph.add_nodes_from(spec.id for spec in specs)
    graph.add_edges_from((parent, spec.id) for spec in specs for parent in spec.inputs if parent in graph)
    while not nx.is_directed_acyclic_graph(graph):  # a hand-edited cycle (shown red): lay it out as if cut
        graph.remove_edge(*nx.find_cycle(graph)[-1][:2])
    by_id = {spec.id: spec for spec in specs}
    column = {node_id: depth for depth, layer in enumerate(nx.topological_generations(graph)) for node_id in layer}
    sources = {node_id for node_id in graph if graph.in_degree(node_id) == 0 and graph.out_degree(node_id) > 0}
    for node_id in sources:
        column[node_id] = max(0, min(column[child] for child in graph.successors(node_id)) - 1)
    positions = dict(kept)
    taken = _Taken(kept.values())
    written = {spec.id: i for i, spec in enumerate(specs)}
    by_depth: dict[int, list[str]] = defaultdict(list)
    for node_id in graph:
        if node_id not in sources:
            by_depth[column[node_id]].append(node_id)

    def height(node_id: str) -> float:
        above = [positions[parent][1] for parent in by_id[node_id].inputs if parent in positions]
        return sum(above) / len(above) if above else written[node_id] * ROW

    for depth in sorted(by_depth):
        for node_id in sorted(by_depth[depth], key=lambda n: (height(n), written[n])):
            if node_id not in kept:
                positions[node_id] = taken.place(depth * COLUMN, _snap(height(node_id)))
    for node_id in sorted(sources, key=written.__getitem__):
        if node_id in kept:
            continue
        child = min(graph.successors(node_id), key=lambda c: (column[c], written[c]))
        port = list(by_id[child].inputs).index(node_id)
        x, y = positions[child]
        positions[node_id] = taken.place(
            (column[child] - 1) * COLUMN if column[child] else x - COLUMN, y + _snap(port * 0.8 * ROW)
        )
    return {spec.id: positions[spec.id] for spec in specs}


def _snap(y: float) -> float:
    return round(y / (ROW / 2)) * (ROW / 2)


class _Taken:
    """The places nodes occupy, to find the first free slot below a spot without scanning every node.

    A node at (x, y) blocks any spot (x', y') with |x − x'| < NODE_WIDTH and |y − y'| < NODE_HEIGHT. Per
    distinct x the blocked y's are kept as sorted, disjoint open intervals (touching ones stay apart: the
    point between them is free), so a spot is tested against the few x's within reach, by bisection.
    """

    STEP = ROW / 2  # a blocked spot moves down by half a row until it is free

    def __init__(self, positions: Iterable[tuple[float, float]] = ()) -> None:
        self._xs: list[float] = []
        self._spans: dict[float, tuple[list[float], list[float]]] = {}
        for x, y in positions:
            self.add(x, y)

    def add(self, x: float, y: float) -> None:
        """Mark the node at (``x``, ``y``) as taking its place."""
        if x not in self._spans:
            insort(self._xs, x)
            self._spans[x] = ([], [])
        starts, ends = self._spans[x]
        low, high = y - NODE_HEIGHT, y + NODE_HEIGHT
        first = bisect_right(ends, low)  # the first interval ending after low (one ending at low only touches)
        last = first
        while last < len(starts) and starts[last] < high:  # every interval the new one overlaps merges in
            low, high = min(low, starts[last]), max(high, ends[last])
            last += 1
        starts[first:last], ends[first:last] = [low], [high]

    def place(self, x: float, y: float) -> tuple[float, float]:
        """(``x``, y) for the first y = ``y`` + k·STEP (k ≥ 0) no node blocks, and mark it taken."""
        near_xs = self._xs[bisect_right(self._xs, x - NODE_WIDTH) : bisect_left(self._xs, x + NODE_WIDTH)]
        reach = [self._spans[near] for near in near_xs if abs(near - x) < NODE_WIDTH]
        moved = True
        while moved:
            moved = False
            for starts, ends in reach:
                i = bisect_left(starts, y) - 1  # the last interval starting strictly above y
                if i >= 0 and y < ends[i]:
                    y += max(1, ceil((ends[i] - y) / self.STEP)) * self.STEP
                    moved = True
        self.add(x, y)
        return x, y


def copies(
    specs: list[NodeSpec],
    positions: Mapping[str, tuple[float, float]],
    taken: set[str],
    offset: tuple[float, float] = (40.0, 40.0),
) -> list[tuple[NodeSpec, tuple[float, float]]]:
    """Copies of ``specs`` with fresh ids; wires among them follow the copies, wires to nodes in ``taken``
    stay, and wires to nodes that are not there are left unconnected."""
    renamed: dict[str, str] = {}
    for spec in specs:
        count, stem = 1, spec.id.rstrip("0123456789") or spec.id
        while f"{stem}{count}" in taken or f"{stem}{count}" in renamed.values():
            count += 1
        renamed[spec.id] = f"{stem}{count}"
    result = []
    for spec in specs:
        inputs = tuple(
            None if parent is None else renamed.get(parent, parent if parent in taken else None)
            for parent in spec.inputs
        )
        x, y = positions.get(spec.id, (0.0, 0.0))
        copy = NodeSpec(renamed[spec.id], spec.op, inputs, dict(spec.attrs), spec.value, spec.label)
        result.append((copy, (x + offset[0], y + offset[1])))
    return result
