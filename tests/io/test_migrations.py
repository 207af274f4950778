"""Reading old files: the table of migrations applied in turn, from a synthetic version 0 to the current one."""

from __future__ import annotations

import json

import pytest

from gradviz.io import migrations
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import dumps, parse
from tests.io.test_graph_file import VALID

# ----- migrations ---------------------------------------------------------------------------------


def _version_zero():
    """A synthetic older format: 'kind' where version 1 says 'op'."""
    document = json.loads(json.dumps(VALID))
    document["version"] = 0
    for node in document["nodes"]:
        node["kind"] = node.pop("op")
    return document


def _zero_to_one(document):
    for node in document["nodes"]:
        node["op"] = node.pop("kind")
    return {**document, "version": 1}


def test_migration_path_from_version_zero(monkeypatch):
    monkeypatch.setitem(migrations.MIGRATIONS, 0, _zero_to_one)
    graph = parse(json.dumps(_version_zero()))
    assert [node.op for node in graph.nodes] == [node["op"] for node in VALID["nodes"]]
    assert "version" in dumps(graph) and f'"version": {migrations.CURRENT_VERSION}' in dumps(graph)  # the newest


def test_a_version_without_a_migration_is_refused():
    with pytest.raises(GraphFileError, match="version 0 is too old"):
        parse(json.dumps(_version_zero()), "old.json")


def test_a_broken_migration_is_caught(monkeypatch):
    monkeypatch.setitem(migrations.MIGRATIONS, 0, lambda document: document)
    with pytest.raises(GraphFileError, match="did not produce version 1"):
        parse(json.dumps(_version_zero()))


def test_version_one_gains_version_two_and_loses_its_unchecked_stops():
    old = {"format": "gradviz-graph", "version": 1, "nodes": [], "view": {"zoom": 2, "stops": [{"step": 3}]}}
    new = migrations.migrate(old, 1)
    assert new["version"] == 2 and new["view"] == {"zoom": 2}
    assert old["view"]["stops"] == [{"step": 3}]  # the document read is not changed in place
    assert migrations.migrate({"version": 1, "nodes": []}, 1) == {"version": 2, "nodes": []}


def test_the_current_version_passes_untouched_and_a_newer_one_is_refused():
    current = {"version": migrations.CURRENT_VERSION, "view": {"stops": []}}
    assert migrations.migrate(current, migrations.CURRENT_VERSION) is current
    with pytest.raises(migrations.VersionError, match="made by a newer gradviz"):
        migrations.migrate({}, migrations.CURRENT_VERSION + 1)
