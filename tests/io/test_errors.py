"""GraphFileError: one line naming the file, then the node and the field when known."""

from __future__ import annotations

from pathlib import Path

from gradviz.io.errors import GraphFileError


def test_the_message_names_file_node_and_field_on_one_line():
    error = GraphFileError(Path("g/lin.json"), "value must be\n  a number", node="W", field="value")
    assert str(error) == "g/lin.json, node 'W', field 'value': value must be a number"
    assert (error.path, error.node, error.field, error.reason) == ("g/lin.json", "W", "value", "value must be a number")


def test_without_a_path_it_says_graph_and_leaves_out_what_is_unknown():
    assert str(GraphFileError(None, "no nodes")) == "<graph>: no nodes"
    assert str(GraphFileError("a.json", "bad", field="output")) == "a.json, field 'output': bad"
    assert GraphFileError(None, "x").path is None
