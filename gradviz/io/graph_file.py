"""Reading and writing graph files (JSON, ``"format": "gradviz-graph"``).

Reading goes text → JSON → version check and migrations → schema → plain records (``GraphFile``),
and only then, in ``compile_file``, to a live Program. Every failure on the way, from binary garbage
to a shape mismatch, is one ``GraphFileError`` whose message names the file, the node and the field.

Writing is strict and canonical (fixed key order, one node per line, floats as Python's shortest
repr), so saving what was loaded gives the same bytes again, and it is atomic: a failed save leaves
the old file as it was.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import numpy as np
import orjson

from gradviz.engine.errors import GradvizError, NodeError
from gradviz.engine.program import NodeSpec, Program, label_sources
from gradviz.io.atomic import write_atomic
from gradviz.io.errors import GraphFileError
from gradviz.io.file_bytes import read_bytes, utf8
from gradviz.io.migrations import CURRENT_VERSION, VersionError, migrate
from gradviz.io.paths import SCHEMA
from gradviz.model.compile import compile_graph
from gradviz.model.graph_record import GraphFile  # the record is the model's; callers still find it here

FORMAT = "gradviz-graph"

VIEW_KEYS = ("zoom", "center", "step", "mode", "hint", "stops")
STOP_KEYS = ("step", "text", "node", "panel")
LAYOUT_LIMIT = 1e9  # the schema's bound on a canvas coordinate: far past any canvas, and safe to draw


@cache
def _validator() -> Any:
    """The published schema compiled to Python once (fastjsonschema: ~20× jsonschema on big values)."""
    return fastjsonschema.compile(json.loads(SCHEMA.read_text(encoding="utf-8")))


@cache
def _structure_validator() -> Any:
    """The published schema with a node's value left to ``_plain_tensor``. The compiled schema checks a
    value one Python call per number and per list: four fifths of reading a 2000-node file with 500
    values of 10×10. A value ``_plain_tensor`` refuses is checked by the whole schema, for its message."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema["$defs"]["tensor"] = {}
    return fastjsonschema.compile(schema)


NUMBERS = frozenset({int, float})  # JSON numbers as parsed (bool, a subclass of int, is not one)
NUMBERS_OR_LISTS = NUMBERS | {list}


def _plain_tensor(value: Any) -> bool:
    """Whether ``value`` is what the schema calls a tensor (a number, or a list of tensors), a row at a time."""
    if type(value) is not list:
        return type(value) in NUMBERS
    kinds = set(map(type, value))
    return kinds <= NUMBERS or (kinds <= NUMBERS_OR_LISTS and all(map(_plain_tensor, value)))


# ----- reading ------------------------------------------------------------------------------------


def _document(data: str | bytes, path: str | Path | None) -> dict[str, Any]:
    if isinstance(data, bytes):
        data = utf8(data, path)  # a byte-order mark dropped, UTF-16 and UTF-32 named
    if isinstance(data, bytes) and b"\x00" in data[:1024]:
        raise GraphFileError(path, "not a text file (binary data)")
    try:
        # orjson: strict JSON (no NaN or Infinity tokens), and 3× faster than json.loads on big values
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "depth" in error.msg or "recursion" in error.msg:  # orjson refuses nesting past 1024 levels
            raise GraphFileError(path, "nested too deeply to be a graph") from None
        if "UTF-8" in error.msg:
            raise GraphFileError(path, "not a text file (it is not UTF-8)") from None
        raise GraphFileError(path, f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(document, dict):
        raise GraphFileError(path, f"not a gradviz graph: the top level is a JSON {type(document).__name__}")
    return document


def _check_format_and_version(document: dict[str, Any], path: str | Path | None) -> dict[str, Any]:
    if document.get("format") != FORMAT:
        found = document.get("format")
        raise GraphFileError(path, f"not a gradviz graph (format is {found!r}, expected {FORMAT!r})", field="format")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise GraphFileError(path, f"version must be an integer, not {version!r}", field="version")
    try:
        return migrate(document, version)
    except VersionError as error:
        raise GraphFileError(path, str(error), field="version") from None


def _schema_error(
    error: fastjsonschema.JsonSchemaValueException, document: dict[str, Any], path: str | Path | None
) -> GraphFileError:
    """The validator's complaint as file, node and field (``nodes[3].inputs`` → node 'a', 'inputs')."""
    steps = [str(step) for step in error.path[1:]]
    message = error.message.split(" ", 1)[1] if " " in error.message else error.message
    missing = re.fullmatch(r"must contain \[(.*?)\] properties", message)
    if missing:
        first = missing.group(1).split(",")[0].strip(" '")
        steps, message = [*steps, first], "missing"
    if len(steps) >= 2 and steps[0] == "layout":  # layout.a.0 → node 'a', field 'layout'
        if "bigger" in message or "smaller" in message:
            message = f"a coordinate must be within ±{LAYOUT_LIMIT:.0e}"
        return GraphFileError(path, message, node=steps[1], field="layout")
    if len(steps) >= 2 and steps[0] == "nodes" and steps[1].isdigit():
        node = document["nodes"][int(steps[1])]
        named = isinstance(node, dict) and isinstance(node.get("id"), str)
        field_name = ".".join(steps[2:]) or None
        if named:
            return GraphFileError(path, message, node=node["id"], field=field_name)
        where = f"node #{int(steps[1]) + 1}" + (f", field {field_name!r}" if field_name else "")
        return GraphFileError(path, f"{where}: {message}")
    return GraphFileError(path, message, field=".".join(steps) or None)


def _array(value: Any, node_id: str, path: str | Path | None) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise GraphFileError(
            path, "value must be a number or nested lists of equal lengths (it is ragged)", node=node_id, field="value"
        ) from None
    if not np.all(np.isfinite(array)):
        raise GraphFileError(path, "value holds a number too large for float64", node=node_id, field="value")
    return array


def parse(data: str | bytes, path: str | Path | None = None) -> GraphFile:
    """A graph file's text (or bytes) as records; GraphFileError naming ``path`` if it is bad."""
    try:
        document = _check_format_and_version(_document(data, path), path)
        try:
            _structure_validator()(document)
            if not all(_plain_tensor(node["value"]) for node in document["nodes"] if "value" in node):
                _validator()(document)  # it names the node and the element that is not a number
        except fastjsonschema.JsonSchemaValueException as error:
            raise _schema_error(error, document, path) from None
        nodes = tuple(
            NodeSpec(
                id=node["id"],
                op=node["op"],
                inputs=tuple(node.get("inputs", ())),
                attrs=node.get("attrs", {}),
                value=_array(node["value"], node["id"], path) if "value" in node else None,
                label=node.get("label"),
            )
            for node in document["nodes"]
        )
    except RecursionError:
        raise GraphFileError(path, "nested too deeply to be a graph") from None
    layout = {node_id: (float(x), float(y)) for node_id, (x, y) in document.get("layout", {}).items()}
    view = {key: document["view"][key] for key in VIEW_KEYS if key in document.get("view", {})}
    return GraphFile(
        nodes, document.get("output"), layout, view, document.get("title", ""), document.get("description", "")
    )


def read(path: str | Path) -> GraphFile:
    """Parse the graph file at ``path`` (a regular file of at most 256 MB: see file_bytes)."""
    return parse(read_bytes(path), path)


def compile_file(graph: GraphFile, path: str | Path | None = None) -> Program:
    """The Program of ``graph``; graph errors (cycles, shapes, attributes) as GraphFileError."""
    try:
        return compile_graph(graph.nodes, graph.output)
    except NodeError as error:
        field_name = "output" if error.node_id == graph.output and error.field is None else error.field
        raise GraphFileError(path, error.reason, node=error.node_id, field=field_name) from None
    except GradvizError as error:
        raise GraphFileError(path, str(error), field="output" if "output" in str(error) else None) from None


def load(path: str | Path) -> tuple[GraphFile, Program]:
    """Read and compile the graph file at ``path``."""
    graph = read(path)
    return graph, compile_file(graph, path)


# ----- writing ------------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _node_json(spec: NodeSpec, integer: bool) -> str:
    entry: dict[str, Any] = {"id": spec.id, "op": spec.op}
    if spec.label:
        entry["label"] = spec.label
    if spec.inputs:
        entry["inputs"] = list(spec.inputs)
    if spec.attrs:
        entry["attrs"] = {name: list(v) if isinstance(v, tuple) else v for name, v in spec.attrs.items()}
    if spec.value is not None:
        array = np.asarray(spec.value, dtype=np.int64 if integer else np.float64)
        entry["value"] = array.tolist()
    return _json(entry)


def dumps(graph: GraphFile) -> str:
    """The canonical text of ``graph``: fixed key order, one node and one position per line."""
    integers = label_sources(graph.nodes)
    lines = ["{", f'  "format": "{FORMAT}",', f'  "version": {CURRENT_VERSION},']
    if graph.title:
        lines.append(f'  "title": {_json(graph.title)},')
    if graph.description:
        lines.append(f'  "description": {_json(graph.description)},')
    if graph.output is not None:
        lines.append(f'  "output": {_json(graph.output)},')
    nodes = ",\n".join(f"    {_node_json(spec, spec.id in integers)}" for spec in graph.nodes)
    sections = [f'  "nodes": [\n{nodes}\n  ]' if nodes else '  "nodes": []']
    if graph.layout:
        positions = ",\n".join(
            f"    {_json(node_id)}: {_json([float(x), float(y)])}" for node_id, (x, y) in graph.layout.items()
        )
        sections.append(f'  "layout": {{\n{positions}\n  }}')
    view = {key: graph.view[key] for key in VIEW_KEYS if key in graph.view and key != "stops"}
    stops = graph.view.get("stops")
    if stops:
        # one stop per line, keys in a fixed order: a lesson's diff reads stop by stop
        lines_of_stops = ",\n".join(
            f"    {_json({key: stop[key] for key in STOP_KEYS if key in stop})}" for stop in stops
        )
        view_items = [f"{_json(key)}: {_json(value)}" for key, value in view.items()]
        sections.append(
            '  "view": {' + "".join(f"{item}, " for item in view_items) + f'"stops": [\n{lines_of_stops}\n  ]}}'
        )
    elif view:
        sections.append(f'  "view": {_json(view)}')
    return "\n".join(lines) + "\n" + ",\n".join(sections) + "\n}\n"


def save(graph: GraphFile, path: str | Path) -> None:
    """Write ``graph`` to ``path`` atomically (see gradviz.io.atomic: through symlinks, never over a
    read-only file). If anything fails, the old file is untouched."""
    try:
        write_atomic(path, dumps(graph))
    except (OSError, ValueError, TypeError) as error:  # ValueError: a value JSON cannot hold (inf)
        raise GraphFileError(path, f"cannot save: {error}") from None
