"""Where a reverse trace too big to keep whole keeps its arrays, read off the program before anything runs.

A full trace keeps every value, contribution and running bar: steps × tensor size. Played from checkpoints
(see checkpoints.py) it keeps only what recomputing a stretch of steps needs, and recomputes that stretch
(a *segment*) when one of its steps is read:

- the forward pass is cut into segments of ``length`` steps. A segment recomputes its values from the
  sources and constants and from the values of earlier ops it reads; those values (``kept_values``) are
  kept. On a chain that is one value per segment boundary, on any graph the ones read across a boundary.
- the reverse pass is cut into segments of ``length`` edges (a contribution and its addition each). A
  segment starts from the running bars it reads that were made before it (``live_bars``): a bar that the
  segment adds into or sends on through its node's rule. Its values come from the forward segments.
- a few recomputed segments of each pass are kept (least recently used), so stepping through a segment
  computes it once and stepping on or back across a boundary recomputes one segment of each pass (after a
  seek, a reverse segment may need both forward segments its rules read).

Which arrays those are follows from the graph's structure alone, so the memory the checkpointed form needs
(``Plan.bytes``) is known before allocating, like the full trace's (budget.estimate reports both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isqrt, prod
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from gradviz.engine.program import Node, Program

ITEM_BYTES = 8  # every array is float64 or int64 (budget.ITEM_BYTES is this one)
FORWARD_SEGMENTS_KEPT = 3  # recomputed forward segments kept: a reverse segment on a chain reads two, and
# the next one shares one of them (with two kept, the shared one was the least recently used, and evicted)
REVERSE_SEGMENTS_KEPT = 2  # and reverse ones: stepping back and forth across a boundary computes nothing


class ForwardOp(NamedTuple):
    """One op of a forward segment, as ``Program.forward_plan`` gives it."""

    node: Node
    forward: Callable[..., Any]
    inputs: tuple[str, ...]
    attrs: dict[str, Any]


class ReverseEdge(NamedTuple):
    """One edge of the reverse pass, in the trace's order: ``node``'s bar flows through ``port`` into ``parent``."""

    node: Node
    attrs: dict[str, Any]
    port: int
    parent: Node
    rule: Callable[..., Any]


@dataclass(frozen=True)
class Plan:
    """Where a checkpointed reverse trace of one program keeps its arrays, and how many bytes that takes."""

    length: int  # forward steps per forward segment, edges per reverse segment
    forward_segments: tuple[tuple[ForwardOp, ...], ...]  # the ops of each forward segment, in order
    kept_values: frozenset[str]  # op nodes whose values are kept: a later forward segment reads them
    edges: tuple[ReverseEdge, ...]  # the reverse pass: the backward step of edge e is seed + 1 + 2e
    live_bars: tuple[tuple[str, ...], ...]  # per reverse segment, the bars made before it that it reads
    bytes: int  # what the trace holds at most: sources, kept values and bars, the segments kept


def _size(node: Node) -> int:
    return prod(node.shape)


def reverse_edges(program: Program) -> tuple[ReverseEdge, ...]:
    """The edges the tracer records, in its order: a node's edges are followed only once something downstream
    of it reached the output (it has a bar), which the graph's structure decides."""
    has_bar = {program.output}
    edges = []
    for node, attrs, node_edges in program.backward_plan:
        if node.id in has_bar:
            for port, parent, rule in node_edges:
                edges.append(ReverseEdge(node, attrs, port, parent, rule))
                has_bar.add(parent.id)
    return tuple(edges)


class _Structure(NamedTuple):
    """What every candidate segment length is measured on: read once per program, sizes in elements. Plain
    numbers only, so that the estimate of a graph well within the budget costs little more than the full one."""

    nodes: int
    op_at: tuple[tuple[int, int, int], ...]  # per op: its forward step, its size, the last step reading it
    edge_sizes: tuple[int, ...]  # per edge: what it makes, its contribution (and from a second one, a new bar)
    versions: tuple[tuple[str, int, int, int], ...]  # per running bar: node, edge making it, last edge reading it, size
    sources: int  # every source's and constant's value


def _structure(program: Program) -> _Structure:
    index, sizes = program.index, {node.id: _size(node) for node in program.nodes}
    last_read: dict[str, int] = {}
    for node, _forward, inputs, _attrs in program.forward_plan:
        for input_id in inputs:
            last_read[input_id] = index[node.id]
    op_at = tuple(
        (index[node.id], sizes[node.id], last_read.get(node.id, -1)) for node, _f, _i, _a in program.forward_plan
    )
    # as reverse_edges walks them; a running bar is read by the next addition into its node, or (the complete
    # one) by its node's own edges. The nodes with a bar are those some edge made one for, and the output.
    made: dict[str, list[int]] = {program.output: [-1]}  # the seed is made before the first edge
    last_sent: dict[str, int] = {}
    edge_sizes: list[int] = []
    for node, _attrs, node_edges in program.backward_plan:
        if node.id in made:
            for _port, parent, _rule in node_edges:
                edge_sizes.append(sizes[parent.id] * (2 if parent.id in made else 1))
                made.setdefault(parent.id, []).append(len(edge_sizes) - 1)
                last_sent[node.id] = len(edge_sizes) - 1
    versions: list[tuple[str, int, int, int]] = []
    for node_id, made_at in made.items():
        reads, size = [*made_at[1:], last_sent.get(node_id, -1)], sizes[node_id]
        versions.extend((node_id, e, read, size) for e, read in zip(made_at, reads))
    sources = sum(sizes[node.id] for node in program.sources_and_constants)
    return _Structure(len(program.nodes), op_at, tuple(edge_sizes), tuple(versions), sources)


def _kept(position: int, last_read: int, length: int) -> bool:
    """Whether a value made at forward step ``position`` is read past the next segment boundary."""
    return last_read >= (position // length + 1) * length


def _held(structure: _Structure, length: int) -> int:
    """The bytes of the checkpointed trace with segments of ``length``: sources, kept values and running bars,
    the largest segments kept at once, the seed."""
    kept = sum(size for position, size, read in structure.op_at if _kept(position, read, length))
    bars = 1 + sum(  # the seed, and every other bar read by a segment after the one making it
        size for _id, made, read, size in structure.versions if made >= 0 and made // length < read // length
    )
    forward = [0] * -(-structure.nodes // length)
    for position, size, _read in structure.op_at:
        forward[position // length] += size
    reverse = [0] * -(-len(structure.edge_sizes) // length)
    for e, size in enumerate(structure.edge_sizes):
        reverse[e // length] += size
    largest = sum(sorted(forward)[-FORWARD_SEGMENTS_KEPT:]) + sum(sorted(reverse)[-REVERSE_SEGMENTS_KEPT:])
    return (structure.sources + kept + bars + largest) * ITEM_BYTES


def _plan(program: Program, structure: _Structure, length: int) -> Plan:
    ops = tuple(ForwardOp(*entry) for entry in program.forward_plan)
    segments: list[list[ForwardOp]] = [[] for _ in range(-(-structure.nodes // length))]
    for op, (position, _size, _read) in zip(ops, structure.op_at):
        segments[position // length].append(op)
    kept = frozenset(
        op.node.id for op, (position, _size, read) in zip(ops, structure.op_at) if _kept(position, read, length)
    )
    live: list[list[str]] = [[] for _ in range(-(-len(structure.edge_sizes) // length))]
    for node_id, made, read, _size in structure.versions:
        for segment in range(made // length + 1, read // length + 1):  # after the one making it, to its reader's
            live[segment].append(node_id)
    return Plan(
        length,
        tuple(tuple(segment) for segment in segments),
        kept,
        reverse_edges(program),
        tuple(tuple(nodes) for nodes in live),
        _held(structure, length),
    )


_chosen: WeakKeyDictionary[Program, tuple[_Structure, int]] = WeakKeyDictionary()


def _choose(program: Program) -> tuple[_Structure, int]:
    """The program's structure and the segment length needing the fewest bytes among lengths around √steps (on
    a chain of equal tensors, n/L kept values and bars against a few segments of L: least near √n); cached."""
    if program not in _chosen:
        structure = _structure(program)
        base = max(1, isqrt(max(len(program.nodes), len(structure.edge_sizes))))
        lengths = sorted({max(1, base * 4 // scale) for scale in (1, 2, 4, 8, 16)})
        _chosen[program] = structure, min(lengths, key=lambda length: _held(structure, length))
    return _chosen[program]


def held_bytes(program: Program) -> int:
    """What the checkpointed trace of ``program`` holds at most, with the length ``plan`` chooses."""
    structure, length = _choose(program)
    return _held(structure, length)


def plan(program: Program, length: int | None = None) -> Plan:
    """Where the checkpointed trace of ``program`` keeps its arrays, with segments of ``length`` or (unless
    given) of the length needing the fewest bytes."""
    if length is not None:
        return _plan(program, _structure(program), length)
    return _plan(program, *_choose(program))
