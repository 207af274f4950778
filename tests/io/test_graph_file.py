"""Graph files: round trips and one readable error for every bad file.

Saving is tested in test_atomic, reading old versions in test_migrations.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.io import migrations
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, compile_file, dumps, parse, read, save
from gradviz.io.paths import EXAMPLES, SCHEMA

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
VALID = {
    "format": "gradviz-graph",
    "version": 1,
    "output": "c",
    "nodes": [
        {"id": "W", "op": "parameter", "value": [[0.1, -0.3], [0.7, 0.2]]},
        {"id": "x", "op": "input", "value": [[1.0], [2.0]]},
        {"id": "a", "op": "matmul", "inputs": ["W", "x"]},
        {"id": "y", "op": "constant", "value": [[0.5], [0.0]]},
        {"id": "c", "op": "mse", "inputs": ["a", "y"], "attrs": {"reduction": "sum"}},
    ],
    "layout": {"W": [0, 0], "x": [0, 120], "a": [200, 60], "y": [200, 180], "c": [400, 100]},
}


def same_graph(one: GraphFile, other: GraphFile) -> None:
    assert (one.output, one.title, one.description) == (other.output, other.title, other.description)
    assert dict(one.layout) == dict(other.layout) and dict(one.view) == dict(other.view)
    assert len(one.nodes) == len(other.nodes)
    for a, b in zip(one.nodes, other.nodes, strict=True):
        assert (a.id, a.op, tuple(a.inputs), a.label) == (b.id, b.op, tuple(b.inputs), b.label)
        assert json.dumps(dict(a.attrs)) == json.dumps(dict(b.attrs))
        if a.value is None:
            assert b.value is None
        else:
            np.testing.assert_array_equal(a.value, b.value)


def test_the_issue_example_loads_and_computes():
    graph = parse(json.dumps(VALID), "example.json")
    program = compile_file(graph)
    assert [node.id for node in program.nodes] == ["W", "x", "a", "y", "c"]
    assert graph.layout["a"] == (200.0, 60.0)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_round_trips(path, tmp_path):
    loaded = read(path)
    target = tmp_path / path.name
    save(loaded, target)
    same_graph(loaded, read(target))  # load → save → load: the same graph
    first = target.read_bytes()
    save(read(target), target)
    assert target.read_bytes() == first  # save → load → save: the same bytes
    assert path.read_bytes() == first, "examples are stored in canonical form"


def test_an_unfinished_graph_saves_and_reloads(tmp_path):
    """Work in progress (a port not connected, no cost chosen yet, no nodes at all) is never refused."""
    unfinished = dict(VALID, nodes=[*VALID["nodes"][:2], {"id": "a", "op": "matmul", "inputs": ["W", None]}])
    unfinished.pop("output")
    for document in (unfinished, {"format": "gradviz-graph", "version": 1, "nodes": []}):
        graph = parse(json.dumps(document))
        save(graph, tmp_path / "g.json")
        same_graph(graph, read(tmp_path / "g.json"))
    assert read(tmp_path / "g.json").nodes == ()


def test_labels_are_saved_as_integers(tmp_path):
    path = EXAMPLES / "mlp_cross_entropy.json"
    text = dumps(read(path))
    assert '"labels", "op": "constant", "value": [0, 2, 1, 2]' in text


def test_files_in_any_node_order_compile_topologically():
    shuffled = dict(VALID, nodes=list(reversed(VALID["nodes"])))
    program = compile_file(parse(json.dumps(shuffled)))
    order = [node.id for node in program.nodes]
    assert order.index("a") > max(order.index("W"), order.index("x"))


def test_the_published_schema_is_the_one_used():
    schema = json.loads(SCHEMA.read_text())
    assert schema["properties"]["format"]["const"] == "gradviz-graph"
    assert schema["properties"]["version"]["const"] == migrations.CURRENT_VERSION


# ----- fuzzing: nothing but GraphFileError ----------------------------------------------------------


def _load_any(data):
    try:
        compile_file(parse(data, "fuzz.json"), "fuzz.json")
    except GraphFileError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzz.json")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_gives_only_graph_file_errors(value):
    _load_any(json.dumps(value))


KEYS = ["format", "version", "output", "nodes", "layout", "id", "op", "inputs", "attrs", "value", "label"]
REPLACEMENTS = st.sampled_from(
    [
        None,
        0,
        -1,
        2,
        1.5,
        "",
        "c",
        "x",
        "matmul",
        [],
        {},
        [[1, 2], [3]],
        [1e308, 1e308],
        ["W", "W"],
        {"axis": "rows"},
        {"reduction": "max"},
        True,
        "W",
    ]
)


@st.composite
def mutated_documents(draw):
    document = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 3))):
        nodes = (
            [node for node in document.get("nodes", []) if isinstance(node, dict)]
            if isinstance(document.get("nodes"), list)
            else []
        )
        target = draw(st.sampled_from(nodes)) if nodes and draw(st.booleans()) else document
        key = draw(st.sampled_from(KEYS))
        if draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = draw(REPLACEMENTS)
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_mutated_valid_files_give_only_graph_file_errors(document):
    _load_any(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_truncated_and_corrupted_bytes_give_only_graph_file_errors(data):
    text = json.dumps(VALID).encode()
    cut = data.draw(st.integers(0, len(text)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(0, 255)), max_size=4))
    corrupted = bytearray(text[:cut] if data.draw(st.booleans()) else text)
    for position, byte in flips:
        if position < len(corrupted):
            corrupted[position] = byte
    _load_any(bytes(corrupted))


# ----- version 2: lessons ---------------------------------------------------------------------------------

STOPS = [
    {"step": 9, "text": "W̄ = ā xᵀ: $\\bar{W}_{01}$ = {{W.bar[0,1]}}", "node": "W", "panel": "inspector"},
    {"step": 11, "text": "and x̄"},
]


def test_a_version_1_file_reads_as_version_2_and_is_written_as_version_2(tmp_path):
    graph = parse(json.dumps(VALID), "old.json")
    assert "stops" not in graph.view
    save(graph, tmp_path / "new.json")
    written = json.loads((tmp_path / "new.json").read_text())
    assert written["version"] == 2
    same_graph(graph, read(tmp_path / "new.json"))


def test_the_migration_drops_stops_that_a_version_1_reader_never_read():
    """Version 1 ignored unknown view keys: a stray, even malformed, 'stops' there opened fine and still does."""
    old = dict(VALID, view={"hint": "look at W", "stops": "not a list at all"})
    graph = parse(json.dumps(old), "old.json")
    assert graph.view == {"hint": "look at W"}


def test_stops_round_trip_in_order_one_per_line(tmp_path):
    document = dict(VALID, version=2, view={"step": 3, "stops": STOPS})
    graph = parse(json.dumps(document))
    assert graph.view["stops"] == STOPS
    text = dumps(graph)
    assert text.count('\n    {"step": ') == 2 and '\n    {"step": 11, "text": "and x̄"}\n' in text
    save(graph, tmp_path / "lesson.json")
    assert read(tmp_path / "lesson.json").view == graph.view


@pytest.mark.parametrize(
    ("stop", "field"),
    [
        ({"text": "no step"}, "view.stops.0"),
        ({"step": 2, "text": "x", "panel": "canvas"}, "view.stops.0.panel"),
        ({"step": 2, "text": "x", "colour": "red"}, "view.stops.0"),
        ({"step": "two", "text": "x"}, "view.stops.0.step"),
    ],
)
def test_a_bad_stop_is_one_line_naming_the_file_and_the_field(stop, field):
    document = dict(VALID, version=2, view={"stops": [stop]})
    with pytest.raises(GraphFileError) as error:
        parse(json.dumps(document), "lesson.json")
    message = str(error.value)
    assert "lesson.json" in message and field in message and "\n" not in message


# ----- values: checked a row at a time, refused in the schema's words ---------------------------------------


def _schema_verdict(document) -> str:
    """What the whole published schema says of ``document`` ('' when it passes): the reference."""
    import fastjsonschema  # noqa: PLC0415

    from gradviz.io.graph_file import _validator  # noqa: PLC0415 - the whole schema, compiled once

    try:
        _validator()(document)
    except fastjsonschema.JsonSchemaValueException as error:
        return error.message
    return ""


tensor_like = st.recursive(
    st.integers(-(10**20), 10**20) | st.floats(-1e300, 1e300) | st.booleans() | st.none() | st.text(max_size=2),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=2), children, max_size=2),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(tensor_like)
def test_a_value_is_refused_exactly_when_the_schema_refuses_it_and_in_its_words(value):
    document = {**json.loads(json.dumps(VALID)), "version": migrations.CURRENT_VERSION}  # as the schema reads it
    document["nodes"][0]["value"] = value
    refused = _schema_verdict(document)
    try:
        parse(json.dumps(document), "v.json")
    except GraphFileError as error:
        if refused:
            assert refused.split(" ", 1)[1] in str(error) and "node 'W'" in str(error)
        else:  # the schema lets it by: only a ragged array or an overflow may be refused after it
            assert "ragged" in str(error) or "too large" in str(error)
    else:
        assert not refused


@pytest.mark.parametrize("value", [[1, True], [[1.0, 2.0], [3.0, "4"]], [[1, 2], [3, None]], [{"a": 1}], False])
def test_a_value_holding_something_other_than_numbers_names_node_and_field(value):
    document = json.loads(json.dumps(VALID))
    document["nodes"][1]["value"] = value
    with pytest.raises(GraphFileError) as caught:
        parse(json.dumps(document), "v.json")
    assert str(caught.value).startswith("v.json, node 'x', field 'value")
