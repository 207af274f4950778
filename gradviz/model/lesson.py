"""Lessons: an ordered list of stops through a pass, each with a short text, and the numbers in it.

A lesson lives in a graph file's view section (``view.stops``, format version 2). A stop says which
step of the reverse pass to show, a text in plain words with inline math between dollar signs, and
optionally the node to select and the panel to bring forward.

A number quoted in a lesson is never typed by hand: ``{{W.bar[0,1]}}`` in a text is replaced, when
the stop is shown, by that element of W's bar *at the stop's step*, read from the engine's trace. So a
lesson stays right when a student edits a value, and a lesson that quotes a bar before the pass has
reached it fails loudly (naming the stop and the node) instead of printing a number that is not there
yet. The fields a placeholder may read:

    {{W.value}} {{W.value[0,1]}}   the node's value (whole, if at most 16 numbers, or one element)
    {{W.bar}}   {{W.bar[2]}}       the node's bar as it stands after the stop's step
    {{W.shape}}                    3×2 (in math, 3 \\times 2)
    {{W.size}}                     how many numbers W holds (forward mode needs that many passes)
    {{flops}} {{naive_flops}}      the cost of the stop's step, and of summing every partial derivative

An optional format follows a colon: ``{{W.bar[0,1]:.2f}}``; the default shows 4 significant digits.
Nothing here imports Qt: the window, the HTML lesson page and the tests all read stops through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.engine.trace import Trace
from gradviz.model.story import story_of

PANELS = ("inspector", "formula", "convolution", "training")
WHOLE_ARRAY_LIMIT = 16  # a placeholder without an index quotes an array of at most this many numbers

PLACEHOLDER = re.compile(
    r"\{\{\s*(?:(?P<node>[^\s.{}\[\]:]+)\.(?P<field>value|bar|shape|size)|(?P<step_field>flops|naive_flops))"
    r"\s*(?:\[(?P<index>[^\]]*)\])?\s*(?::(?P<format>[^{}]+?))?\s*\}\}"
)
ANY_BRACES = re.compile(r"\{\{.*?\}\}")


class LessonError(ValueError):
    """A stop that cannot be shown: the message names the stop (1-based, as the panel counts) and the node."""


@dataclass(frozen=True)
class Stop:
    """One stop of a lesson, as the file holds it."""

    step: int
    text: str
    node: str | None = None
    panel: str | None = None

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"step": self.step, "text": self.text}
        if self.node:
            entry["node"] = self.node
        if self.panel:
            entry["panel"] = self.panel
        return entry


@dataclass(frozen=True)
class Segment:
    """A piece of a stop's text: plain words, or math to typeset (LaTeX for mathtext, no dollars)."""

    text: str
    math: bool = False


def stops_of(view: Mapping[str, Any]) -> tuple[Stop, ...]:
    """The stops in a file's view section (already checked against the schema), in lesson order."""
    return tuple(
        Stop(int(entry["step"]), str(entry["text"]), entry.get("node"), entry.get("panel"))
        for entry in view.get("stops", ())
    )


def stops_json(stops: Iterable[Stop]) -> list[dict[str, Any]]:
    return [stop.to_json() for stop in stops]


# ----- text and math --------------------------------------------------------------------------------


def split_math(text: str, where: str = "") -> list[Segment]:
    """``text`` cut at its dollar signs: words and math alternate. ``\\$`` is a literal dollar."""
    parts = re.split(r"(?<!\\)\$", text)
    if len(parts) % 2 == 0:
        raise LessonError(f"{where}a $ opens math that no $ closes".strip())
    return [
        Segment(part if index % 2 else part.replace("\\$", "$"), bool(index % 2))
        for index, part in enumerate(parts)
        if part
    ]


def placeholders(text: str) -> list[str]:
    """Every ``{{...}}`` in ``text``, well formed or not (the checks read them all)."""
    return ANY_BRACES.findall(text)


# ----- resolving placeholders against a trace ------------------------------------------------------------


def _number(value: float | np.ndarray, spec: str | None, math: bool) -> str:
    text = format(float(value), spec or ".4g")
    if text in ("-0", "-0.0") or re.fullmatch(r"-0\.0*", text):
        text = text[1:]  # −0 is a rounding artefact a student should not have to wonder about
    return text if math else text.replace("-", "−")


def _array(array: np.ndarray, spec: str | None, math: bool) -> str:
    if array.ndim == 0:
        return _number(array, spec, math)
    rows = array if array.ndim == 2 else array.reshape(1, -1) if array.ndim == 1 else array.reshape(-1, array.shape[-1])
    if array.ndim == 2 and array.shape[1] == 1:  # a column vector reads best on one line, marked as a column
        body = ", ".join(_number(v, spec, math) for v in array[:, 0])
        return rf"({body})^{{T}}" if math else f"({body})ᵀ"
    joined = "; ".join(", ".join(_number(v, spec, math) for v in row) for row in rows)
    return rf"[{joined}]" if not math else rf"\left[{joined}\right]"


def _element(array: np.ndarray, index_text: str | None, node: str, spec: str | None, *, math: bool, where: str) -> str:
    if index_text is None:
        if array.size > WHOLE_ARRAY_LIMIT:
            raise LessonError(f"{where}node {node!r}: give an index, its {array.size} numbers are too many to quote")
        return _array(array, spec, math)
    try:
        index = tuple(int(part) for part in index_text.split(",")) if index_text.strip() else ()
    except ValueError:
        raise LessonError(f"{where}node {node!r}: index [{index_text}] is not whole numbers") from None
    if len(index) != array.ndim or any(not -size <= i < size for i, size in zip(index, array.shape)):
        shape = "×".join(map(str, array.shape)) or "scalar"
        raise LessonError(f"{where}node {node!r}: index [{index_text}] is outside its shape {shape}")
    return _number(array[index], spec, math)


def _resolve_one(match: re.Match, trace: Trace, step: int, math: bool, where: str) -> str:
    spec = match.group("format")
    if spec is not None:
        try:
            format(1.5, spec)
        except ValueError:
            raise LessonError(f"{where}{match.group(0)}: {spec!r} is not a number format") from None
    if match.group("step_field"):
        if not 0 <= step < len(trace):
            raise LessonError(f"{where}{match.group(0)}: the stop is at no step")
        step = story_of(trace).shown_step(step).index  # an edge's cost is its contribution's, not its addition's
        count = trace.flops(step) if match.group("step_field") == "flops" else trace.naive_flops(step)
        if count is None:
            raise LessonError(f"{where}{match.group(0)}: step {step} is no product whose naive cost is known")
        return format(count, ",").replace(",", r"{,}" if math else ",")
    node, field = match.group("node"), match.group("field")
    try:
        spec_node = trace.program.node(node)
    except (KeyError, ValueError, LookupError):
        raise LessonError(f"{where}{match.group(0)} names node {node!r}, which is no node") from None
    if field == "shape":
        shape = spec_node.shape
        return (r" \times " if math else "×").join(map(str, shape)) if shape else "scalar"
    if field == "size":
        return str(int(np.prod(spec_node.shape, dtype=np.int64)))
    array = trace.value_at(node, step) if field == "value" else trace.bar_at(node, step)
    if array is None:
        missing = "value is not computed" if field == "value" else "bar has not been reached"
        raise LessonError(f"{where}node {node!r}: its {missing} yet at step {step}")
    return _element(np.asarray(array), match.group("index"), node, spec, math=math, where=where)


def landing(stop: Stop, trace: Trace) -> int:
    """The exact step the window shows at ``stop``: a step inside a told step (an edge's contribution, told
    with its addition) lands where that told step ends, as every seek of the player does (Story.landing)."""
    return story_of(trace).landing(stop.step)


def resolve(stop: Stop, trace: Trace, number: int) -> list[Segment]:
    """The text of ``stop`` (the ``number``-th, from 1) with every placeholder computed from ``trace`` at the
    step the stop lands on (``landing``: what the canvas shows there), cut into words and math. LessonError
    names the stop and the node when one cannot be."""
    where = f"stop {number} (step {stop.step}): "
    if not -1 <= stop.step < len(trace):
        raise LessonError(f"{where}the step is outside the pass (-1..{len(trace) - 1})")
    step = landing(stop, trace)
    segments = []
    for segment in split_math(stop.text, where):

        def computed(match: re.Match, math: bool = segment.math) -> str:
            return _resolve_one(match, trace, step, math, where)

        text = PLACEHOLDER.sub(computed, segment.text)
        stray = placeholders(text)
        if stray:
            raise LessonError(
                f"{where}{stray[0]} is not a placeholder (write {{{{node.value[i,j]}}}}, "
                "{{node.bar[i]}}, {{node.shape}}, {{node.size}} or {{flops}})"
            )
        segments.append(Segment(text, segment.math))
    return segments


def resolved_text(stop: Stop, trace: Trace, number: int) -> str:
    """The stop's text with its numbers in, math back between dollar signs (for a caption or a check)."""
    return "".join(f"${segment.text}$" if segment.math else segment.text for segment in resolve(stop, trace, number))


def check_lesson(stops: Sequence[Stop], trace: Trace) -> list[str]:
    """One message per stop that cannot be shown (a bad placeholder, a step or node that is not there)."""
    node_ids = {node.id for node in trace.program.nodes}
    problems = []
    for number, stop in enumerate(stops, start=1):
        if stop.node is not None and stop.node not in node_ids:
            problems.append(f"stop {number} (step {stop.step}): selects node {stop.node!r}, which is no node")
            continue
        try:
            resolve(stop, trace, number)
        except LessonError as error:
            problems.append(str(error))
    return problems


# ----- following a lesson -----------------------------------------------------------------------------


def stop_for_step(stops: Sequence[Stop], step: int) -> int | None:
    """The position of the last stop at or before ``step`` (None before the first stop)."""
    found = None
    for position, stop in enumerate(stops):
        if stop.step <= step:
            found = position
    return found


def insertion_point(stops: Sequence[Stop], step: int) -> int:
    """Where a new stop at ``step`` goes so the lesson still moves forward through the pass: after every
    stop at or before that step."""
    return sum(1 for stop in stops if stop.step <= step)
