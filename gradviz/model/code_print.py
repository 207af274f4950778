"""Graph → text: a graph written as the numpy-like lines ``code_parse`` reads back to the same graph.

Sources come first, in the order the graph lists them, then one line per op in topological order
(ties kept in the graph's order, as the compiler breaks them). Every value is written exactly:
floats by ``repr``, the shortest text that reads back as the same float, and a helper such as
``zeros((3, 3))`` only where it builds exactly the same numbers. An op is written with its operator
(``W @ x``, ``x.T``, ``-x``, ``x ** 2``) when that says everything about the node, else as a call
with its attributes, label and, for an id that is no Python name, ``id=`` as keywords.
"""

from __future__ import annotations

import heapq
import json
import keyword
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gradviz.engine.program import NodeSpec, label_sources
from gradviz.engine.registry import find_op
from gradviz.model.code import BINARY, COST, helper_call
from gradviz.model.graph_record import GraphFile

WIDTH = 100  # a value longer than this is written one row per line
MATRIX = 48  # ... and so is a matrix longer than this, so that its rows read as rows


def code_of(graph: GraphFile) -> str:
    """The text of ``graph``: a docstring with its title and description, then one line per node."""
    specs = canonical_order(graph.nodes)
    names = variable_names(specs, graph.output)
    integers = label_sources(specs)
    sources = [spec for spec in specs if _is_source(spec)]
    ops = specs[len(sources) :]
    sections = [[_docstring(graph.title, graph.description)]] if graph.title or graph.description else []
    sections.append([_line(spec, names, spec.id in integers) for spec in sources])
    sections.append([_line(spec, names, False) for spec in ops])
    sections.append(_cost_line(specs, names, graph.output))
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def canonical_order(specs: Sequence[NodeSpec]) -> list[NodeSpec]:
    """Sources in the written order, then ops with every node after its inputs, ties in written order.

    Unconnected ports and inputs naming no node are ignored; nodes on a cycle (only a hand-edited file
    holds one) come last, in written order, and reading the text back names the problem.
    """
    written = {spec.id: i for i, spec in enumerate(specs)}
    ops = [spec for spec in specs if not _is_source(spec)]
    op_ids = {spec.id for spec in ops}
    waiting = {spec.id: {p for p in spec.inputs if p in op_ids and p != spec.id} for spec in ops}
    children: dict[str, list[str]] = {}
    for child, parents in waiting.items():
        for parent in parents:
            children.setdefault(parent, []).append(child)
    ready = [written[node_id] for node_id, parents in waiting.items() if not parents]
    heapq.heapify(ready)
    order: list[NodeSpec] = []
    while ready:
        spec = specs[heapq.heappop(ready)]
        order.append(spec)
        for child in children.get(spec.id, ()):
            waiting[child].discard(spec.id)
            if not waiting[child]:
                heapq.heappush(ready, written[child])
    placed = {spec.id for spec in order}
    return [spec for spec in specs if _is_source(spec)] + order + [spec for spec in ops if spec.id not in placed]


def variable_names(specs: Sequence[NodeSpec], output: str | None) -> dict[str, str]:
    """The Python name of each node: its id where the id is one, else a name made from it.

    ``cost`` is kept for the output: a node called cost that is not the output gets another name.
    """

    def usable(name: str) -> bool:
        return (
            name.isidentifier()
            and not keyword.iskeyword(name)
            and name != "__debug__"
            and unicodedata.normalize("NFKC", name) == name
        )

    names = {spec.id: spec.id for spec in specs if usable(spec.id) and (spec.id != COST or spec.id == output)}
    taken = set(names.values()) | {COST}
    for spec in specs:
        if spec.id in names:
            continue
        stem = re.sub(r"\W", "_", unicodedata.normalize("NFKC", spec.id)) or "node"
        stem = stem if usable(stem) and stem != COST else f"n_{stem}"
        name, count = stem, 1
        while name in taken:
            count += 1
            name = f"{stem}_{count}"
        names[spec.id] = name
        taken.add(name)
    return names


# ----- one line per node ---------------------------------------------------------------------------


def _is_source(spec: NodeSpec) -> bool:
    op = find_op(spec.op)
    return op is not None and op.is_source


def _line(spec: NodeSpec, names: Mapping[str, str], integer: bool) -> str:
    head = f"{names[spec.id]} = "
    keywords = [f"{name}={_literal(value)}" for name, value in spec.attrs.items()]
    keywords += [f"label={_literal(spec.label)}"] * bool(spec.label)
    keywords += [f"id={_literal(spec.id)}"] * (names[spec.id] != spec.id)
    if _is_source(spec):
        start = f"{head}{spec.op}("
        return start + ", ".join([_value(spec.value, integer, len(start)), *keywords]) + ")"
    inputs = [names.get(parent, "None") if parent is not None else "None" for parent in spec.inputs]
    operator = None if keywords[len(spec.attrs) :] else _operator(spec, inputs)
    return head + (operator or f"{spec.op}({', '.join([*inputs, *keywords])})")


def _operator(spec: NodeSpec, inputs: list[str]) -> str | None:
    """The node as an operator expression, when that is all there is to say about it."""
    if "None" in inputs:
        return None
    if spec.op in BINARY and len(inputs) == 2 and not spec.attrs:
        return f"{inputs[0]} {BINARY[spec.op]} {inputs[1]}"
    if spec.op == "neg" and len(inputs) == 1 and not spec.attrs:
        return f"-{inputs[0]}"
    if spec.op == "transpose" and len(inputs) == 1 and not spec.attrs:
        return f"{inputs[0]}.T"
    exponent = spec.attrs.get("exponent")
    if spec.op == "pow" and len(inputs) == 1 and list(spec.attrs) == ["exponent"] and _is_number(exponent):
        return f"{inputs[0]} ** {_literal(exponent)}"
    return None


def _cost_line(specs: Sequence[NodeSpec], names: Mapping[str, str], output: str | None) -> list[str]:
    """Nothing when the last line (or a line called cost) makes the cost; else the line choosing it."""
    if output is None or output not in names:
        return [f"{COST} = None"] if specs else []
    if names[output] == COST or specs[-1].id == output:
        return []
    return [f"{COST} = {names[output]}"]


def _docstring(title: str, description: str) -> str:
    """Title, a blank line, the description; a title is one line, so a line break in it becomes a space."""
    text = " ".join(title.split("\n")) + (f"\n\n{description}" if description else "")
    plain = (
        '"""' not in text
        and "\\" not in text
        and not text.endswith('"')
        and all(line.isprintable() for line in text.split("\n"))
    )
    return f'"""{text}"""' if plain else _literal(text)


# ----- literals ------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _literal(value: Any) -> str:
    """An attribute, label or number as Python text that reads back as the same value."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are Python's too
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return repr(value)  # int, bool, None


def _value(value: Any, integer: bool, column: int) -> str:
    """A source's value: a helper call if one builds it exactly, else its numbers, a row per line if long."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return _literal(value)  # not a value at all: written as it is, and reading it back says why
    whole = integer and bool(np.all(np.isfinite(array))) and np.array_equal(array, np.round(array))
    helper = None if whole else helper_call(array)
    if helper:
        return helper
    numbers = array.astype(np.int64).tolist() if whole else array.tolist()
    return _nested(numbers, column)


def _nested(numbers: Any, column: int) -> str:
    """Numbers on one line if short; else each item of the outer list on its own line, aligned."""
    flat = _literal(numbers)
    matrix = isinstance(numbers, list) and len(numbers) > 1 and isinstance(numbers[0], list)
    if not isinstance(numbers, list) or (column + len(flat) <= WIDTH and not (matrix and len(flat) > MATRIX)):
        return flat
    return "[" + (",\n" + " " * (column + 1)).join(_nested(item, column + 1) for item in numbers) + "]"
