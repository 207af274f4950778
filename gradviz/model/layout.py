"""Automatic layout: layers left to right by topological generation, keeping what the user placed.

Column k holds the nodes whose longest path from a source has k edges, so every wire runs left to
right, as data flows. Nodes in ``keep`` stay where they are; the others take their layered place,
moved down past any node already there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gradviz.engine.program import NodeSpec

COLUMN, ROW = 250.0, 200.0
NODE_WIDTH, NODE_HEIGHT = 190.0, 185.0  # room for the value and bar badges shown while stepping


def layered_positions(specs: Iterable[NodeSpec], kept: Mapping[str, tuple[float, float]] | None = None
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
    written = {spec.id: i for i, spec in enumerate(specs)}
    for depth in sorted(set(column.values())):
        ops = [node_id for node_id in graph if column[node_id] == depth and node_id not in sources]

        def height(node_id: str) -> float:
            above = [positions[parent][1] for parent in by_id[node_id].inputs if parent in positions]
            return sum(above) / len(above) if above else written[node_id] * ROW
        for node_id in sorted(ops, key=lambda n: (height(n), written[n])):
            if node_id not in kept:
                positions[node_id] = _free((depth * COLUMN, _snap(height(node_id))), positions)
    for node_id in sorted(sources, key=written.__getitem__):
        if node_id in kept:
            continue
        child = min(graph.successors(node_id), key=lambda c: (column[c], written[c]))
        port = list(by_id[child].inputs).index(node_id)
        x, y = positions[child]
        positions[node_id] = _free(((column[child] - 1) * COLUMN if column[child] else x - COLUMN,
                                    y + _snap(port * 0.8 * ROW)), positions)
    return {spec.id: positions[spec.id] for spec in specs}


def _snap(y: float) -> float:
    return round(y / (ROW / 2)) * (ROW / 2)


def _free(spot: tuple[float, float], positions: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """``spot``, or the first place below it that no node occupies."""
    x, y = spot
    while _overlaps((x, y), positions.values()):
        y += ROW / 2
    return x, y


def _overlaps(spot: tuple[float, float], taken: Iterable[tuple[float, float]]) -> bool:
    return any(abs(spot[0] - x) < NODE_WIDTH and abs(spot[1] - y) < NODE_HEIGHT for x, y in taken)


def copies(specs: list[NodeSpec], positions: Mapping[str, tuple[float, float]], taken: set[str],
           offset: tuple[float, float] = (40.0, 40.0)) -> list[tuple[NodeSpec, tuple[float, float]]]:
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
        inputs = tuple(renamed.get(parent, parent if parent in taken else None) for parent in spec.inputs)
        x, y = positions.get(spec.id, (0.0, 0.0))
        copy = NodeSpec(renamed[spec.id], spec.op, inputs, dict(spec.attrs), spec.value, spec.label)
        result.append((copy, (x + offset[0], y + offset[1])))
    return result
