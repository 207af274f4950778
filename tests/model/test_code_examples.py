"""Every example graph has its code form beside it, and the code builds the same graph as the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from gradviz.io.graph_file import GraphFile, dumps, read
from gradviz.model.code_parse import parse_code
from gradviz.model.code_print import code_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "assets" / "examples").glob("*.json"))  # this checkout's, not an installed copy's


def bare(graph: GraphFile) -> str:
    """The file without layout and view, nodes by id (the code lists sources first)."""
    nodes = tuple(sorted(graph.nodes, key=lambda spec: spec.id))
    return dumps(GraphFile(nodes, graph.output, {}, {}, graph.title, graph.description))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_the_code_form_builds_the_same_graph_as_the_file(example):
    code = example.with_suffix(".py")
    assert code.is_file(), f"{example.name} has no code form {code.name} beside it"
    assert bare(parse_code(code.read_text(encoding="utf-8"))) == bare(read(example))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_the_code_form_is_up_to_date(example):
    """The .py is what the printer writes for the .json, so an edited example cannot drift from it."""
    assert example.with_suffix(".py").read_text(encoding="utf-8") == code_of(read(example))


def test_the_code_forms_ship_in_the_wheel():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "examples/*.py" in package_data["gradviz.assets"]
