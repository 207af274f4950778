"""Exported scripts run the graph and nothing else, whatever ids, labels, title and description hold.

Hostile text (line breaks of every kind, quotes and triple quotes, backslashes, bidirectional overrides,
fullwidth and accented letters that Python folds by NFKC, keywords, the script's own names) goes through
the loader like a file would, then each script is checked twice: its syntax tree is the template's (the
tree of the same graph exported with plain ids, identifiers and strings aside), and running it prints
exactly one line, the engine's values and bars.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib.util
import io
import json
import keyword
import subprocess
import symtable
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.engine.errors import NodeError
from gradviz.engine.tracer import run
from gradviz.export import numpy_script, torch_script
from gradviz.export._common import comment
from gradviz.export.names import RESERVED, python_names
from gradviz.io.graph_file import compile_file, load, parse
from gradviz.io.paths import EXAMPLES

DATA = Path(__file__).resolve().parent.parent / "data" / "export_injection"
PROJECT = Path(__file__).resolve().parents[2]
EXPORTERS = {"numpy": numpy_script, "torch": torch_script}
HAS_TORCH = importlib.util.find_spec("torch") is not None

# ----- hostile text -------------------------------------------------------------------------------

PAYLOAD = 'print("PWNED")'
PRINTABLE_PIECES = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\n",
    "#",
    "{",
    "}",
    " ",
    "x",
    "ｘ",
    "ｎｐ",
    "x_bar",
    "_bar",
    "np",
    "torch",
    "F",
    "json",
    "sys",
    "values",
    "bars",
    "show",
    "name",
    "value",
    "print",
    "range",
    "__import__",
    "__builtins__",
    "__name__",
    "class",
    "None",
    "lambda",
    "1",
    "é",
    "e\u0301",
    "α",
    "Σ",
    PAYLOAD,
    "# -*- coding: latin-1 -*-",
]
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
UNPRINTABLE_PIECES = [*LINE_BREAKS, "\t", "\x00", "\x1b[2J", "\u202e", "\u200b", "\ufeff"]


def texts(pieces: list[str], chars: st.SearchStrategy[str], min_size: int = 0) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), chars), min_size=min_size, max_size=6).map("".join)


hostile_text = texts(PRINTABLE_PIECES + UNPRINTABLE_PIECES, st.text(max_size=3))
printable_id = texts(PRINTABLE_PIECES, st.text(max_size=3).filter(str.isprintable), 1).filter(bool)
hostile_id = hostile_text.filter(bool)

# ----- graphs -------------------------------------------------------------------------------------


def chain(ids: list[str]) -> list[dict]:
    """x (3,) ⊙ w (2, 1) broadcasts to (2, 3), + a constant, tanh, sum: sources of all kinds and a
    broadcast edge, so the script defines unbroadcast."""
    x, w, k, p, q, h, c = ids
    return [
        {"id": x, "op": "input", "value": [1.0, -2.0, 0.5]},
        {"id": w, "op": "parameter", "value": [[0.3], [-1.2]]},
        {"id": k, "op": "constant", "value": 0.25},
        {"id": p, "op": "mul", "inputs": [x, w]},
        {"id": q, "op": "add", "inputs": [p, k]},
        {"id": h, "op": "tanh", "inputs": [q]},
        {"id": c, "op": "sum", "inputs": [h]},
    ]


def pair(ids: list[str]) -> list[dict]:
    """a ⊙ b summed: with ids x and ｘ, the graph Python's NFKC folding used to collapse."""
    a, b, p, c = ids
    return [
        {"id": a, "op": "input", "value": [1.0, 2.0]},
        {"id": b, "op": "input", "value": [10.0, 20.0]},
        {"id": p, "op": "mul", "inputs": [a, b]},
        {"id": c, "op": "sum", "inputs": [p]},
    ]


SHAPES = {chain: 7, pair: 4}
COLLIDING = ["x", "ｘ", "ｘ_bar", "x_bar", "np", "class", "1x"]  # one slug, a bar, reserved and keyword names


def document(shape, ids: list[str], labels: list[str | None], title: str, description: str) -> str:
    nodes = shape(ids)
    for node, label in zip(nodes, labels):
        if label is not None:
            node["label"] = label
    return json.dumps(
        {
            "format": "gradviz-graph",
            "version": 1,
            "output": ids[-1],
            "nodes": nodes,
            "title": title,
            "description": description,
        }
    )


@st.composite
def hostile_graphs(draw, ids_from: st.SearchStrategy[str] = printable_id) -> tuple:
    """(graph, program, twin graph, twin program): a hostile graph as the loader reads it, and the
    same graph with plain ids n0, n1, … and no text at all."""
    shape = draw(st.sampled_from(list(SHAPES)))
    size = SHAPES[shape]
    ids = draw(st.lists(ids_from, min_size=size, max_size=size, unique=True) | st.permutations(COLLIDING[:size]))
    labels = draw(st.lists(st.none() | hostile_text, min_size=size, max_size=size))
    text = document(shape, ids, labels, draw(hostile_text), draw(hostile_text))
    plain = [f"n{i}" for i in range(size)]
    twin = document(shape, plain, [None] * size, "", "")
    graph, twin_graph = parse(text), parse(twin)
    return graph, compile_file(graph), twin_graph, compile_file(twin_graph)


# ----- what a script is and does ------------------------------------------------------------------


SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def bound_names(nodes: list[ast.AST]) -> set[str]:
    """Names assigned in ``nodes``, not counting nested functions and comprehensions (their own scopes)."""
    found, stack = set(), list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            found.add(node.name)
        if not isinstance(node, (ast.FunctionDef, ast.Lambda, *SCOPES)):
            stack += ast.iter_child_nodes(node)
    return found


class Canonical(ast.NodeTransformer):
    """Identifiers renamed scope by scope in order of first appearance, strings emptied: what is left is
    the template. Scopes matter: a node called ``v`` is a module variable, the ``v`` of ``for k, v in``
    is the comprehension's own."""

    def __init__(self) -> None:
        self.scopes: list[tuple[dict[str, str], set[str] | None]] = [({}, None)]  # the module binds the rest

    def rename(self, name: str) -> str:
        for depth in range(len(self.scopes) - 1, -1, -1):
            mapping, local = self.scopes[depth]
            if local is None or name in local:
                return mapping.setdefault(name, f"v{depth}_{len(mapping)}")
        raise AssertionError("unreachable: the module scope takes every name")

    def inside(self, local: set[str], nodes: list[ast.AST]) -> None:
        self.scopes.append(({}, local))
        for node in nodes:
            self.visit(node)
        self.scopes.pop()

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.rename(node.id)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self.rename(node.name)
        for default in [*node.args.defaults, *node.decorator_list]:
            self.visit(default)
        params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        self.inside({param.arg for param in params} | bound_names(node.body), [*params, *node.body])
        return node

    def visit_comprehension_scope(self, node: ast.AST) -> ast.AST:
        first, *rest = node.generators
        self.visit(first.iter)  # evaluated in the enclosing scope
        parts = [first.target, *first.ifs]
        for generator in rest:
            parts += [generator.target, generator.iter, *generator.ifs]
        parts += [getattr(node, field) for field in ("elt", "key", "value") if hasattr(node, field)]
        self.inside(bound_names([generator.target for generator in node.generators]), parts)
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_comprehension_scope

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.rename(node.arg)
        return node

    def visit_alias(self, node: ast.alias) -> ast.alias:
        node.asname = self.rename(node.asname or node.name)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str):
            node.value = ""
        return node


def template_of(script: str) -> str:
    return ast.dump(Canonical().visit(ast.parse(script)))


def executed(script: str, *argv: str) -> tuple[str, str]:
    """Run a script in a fresh namespace as ``python script.py *argv``: (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["script.py", *argv]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(script, "<exported>", "exec"), {"__name__": "__main__"})
    finally:
        sys.argv = saved
    return out.getvalue(), err.getvalue()


def assert_engine_numbers(printed: dict, program) -> None:
    """The script's JSON holds every value and bar the engine computes, by id, to 1e-10."""
    trace = run(program)
    assert printed["output"] == program.output
    assert list(printed["values"]) == [node.id for node in program.nodes]
    assert list(printed["bars"]) == list(trace.bars())
    for node in program.nodes:
        np.testing.assert_allclose(printed["values"][node.id], trace.value(node.id), rtol=1e-10, atol=1e-10)
    for node_id, bar in trace.bars().items():
        np.testing.assert_allclose(printed["bars"][node_id], bar, rtol=1e-10, atol=1e-10)


def assert_prints_only_the_graph(script: str, program) -> None:
    stdout, stderr = executed(script, "--json")
    assert stderr == ""
    assert stdout.count("\n") == 1 and stdout.endswith("\n"), stdout  # one JSON line, nothing else
    assert_engine_numbers(json.loads(stdout), program)
    stdout, stderr = executed(script)
    assert stderr == "" and "PWNED" not in stdout.replace(PAYLOAD, "")
    position = 0
    for node in program.nodes:  # the readable form names every value by its id, in order
        position = stdout.index(f"{node.id} =\n", position) + 1


# ----- tests --------------------------------------------------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("target", EXPORTERS)
@SETTINGS
@given(graphs=hostile_graphs())
def test_hostile_text_leaves_the_template_alone(target, graphs):
    graph, program, twin_graph, twin_program = graphs
    script = EXPORTERS[target](graph, program)
    docstring = ast.get_docstring(ast.parse(script), clean=False)
    assert docstring.startswith(f"{graph.title or 'a gradviz graph'}: values and bars with")
    assert "\n".join(graph.description.splitlines()) in docstring
    assert template_of(script) == template_of(EXPORTERS[target](twin_graph, twin_program))


@SETTINGS
@given(graphs=hostile_graphs())
def test_numpy_script_prints_the_engine_numbers_and_nothing_else(graphs):
    graph, program, _, _ = graphs
    assert_prints_only_the_graph(numpy_script(graph, program), program)


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs=hostile_graphs())
def test_torch_script_prints_the_engine_numbers_and_nothing_else(graphs):
    graph, program, _, _ = graphs
    assert_prints_only_the_graph(torch_script(graph, program), program)


@pytest.mark.parametrize("target", EXPORTERS)
@SETTINGS
@given(graphs=hostile_graphs(ids_from=hostile_id))
def test_an_id_that_cannot_be_printed_is_refused_by_name(target, graphs):
    graph, program, twin_graph, twin_program = graphs
    unprintable = [node.id for node in program.nodes if not node.id.isprintable()]
    if not unprintable:
        assert template_of(EXPORTERS[target](graph, program)) == template_of(
            EXPORTERS[target](twin_graph, twin_program)
        )
        return
    with pytest.raises(NodeError) as refused:
        EXPORTERS[target](graph, program)
    assert refused.value.node_id == unprintable[0] and refused.value.field == "id"
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)


# ----- names --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(hostile_id, unique=True, max_size=8))
def test_names_are_distinct_ascii_identifiers_derived_from_ids(ids):
    names = python_names(ids)
    assert list(names) == ids and python_names(ids) == names  # every id, deterministically
    every = [*names.values(), *(name + "_bar" for name in names.values())]
    assert len(set(every)) == len(every)  # no name is another's name or bar
    for name in every:
        assert name.isascii() and name.isidentifier() and not keyword.iskeyword(name), name
        assert unicodedata.normalize("NFKC", name) == name
        assert name not in RESERVED and not hasattr(builtins, name), name
        assert not (name.startswith("__") and name.endswith("__")), name  # no dunder: __builtins__ …


@given(name=st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True))
def test_a_plain_id_keeps_its_name(name):
    if keyword.iskeyword(name) or name in RESERVED:
        assert python_names([name])[name] == name + "_"
    else:
        assert python_names(["ｘ", name, "x y"])[name] == name


def test_names_that_python_would_fold_together_stay_apart():
    assert python_names(["ｘ", "x"]) == {"ｘ": "x_2", "x": "x"}  # the plain id keeps its name, in any order
    assert python_names(["x", "x_bar", "class", "np", "1x", "__import__", "W 2", "é", "\u0301", "(a)", "__"]) == {
        "x": "x",
        "x_bar": "x_bar_2",
        "class": "class_",
        "np": "np_",
        "1x": "v_1x",
        "__import__": "v__import__",
        "W 2": "W_2",
        "é": "e",
        "\u0301": "node",
        "(a)": "a",
        "__": "v__",
    }


def module_names(script: str) -> set[str]:
    """Names a script binds or reads at module level, and names its functions read from the module."""
    top = symtable.symtable(script, "<exported>", "exec")
    found = set(top.get_identifiers())
    tables = list(top.get_children())
    while tables:
        table = tables.pop()
        found |= {symbol.get_name() for symbol in table.get_symbols() if symbol.is_global()}
        tables += table.get_children()
    return found


@pytest.mark.parametrize("target", EXPORTERS)
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_reserved_names_cover_every_name_a_script_uses_for_itself(target, example):
    graph, program = load(example)
    names = python_names(node.id for node in program.nodes)
    own = module_names(EXPORTERS[target](graph, program)) - set(names.values()) - {n + "_bar" for n in names.values()}
    assert own <= RESERVED | {"__doc__"}, own - RESERVED


# ----- comments and the docstring -----------------------------------------------------------------


def test_no_printable_character_breaks_a_line():
    """comment() writes text as it is only when str.isprintable(): no code point that passes it ends a
    line for Python or for str.splitlines (which knows every Unicode line break)."""
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        if char.isprintable():
            assert len(f"a{char}b".splitlines()) == 1 and char not in "\r\n", hex(point)
    assert not any(char.isprintable() for char in LINE_BREAKS)


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_a_comment_is_one_line_whatever_it_says(text):
    line = comment(text)
    assert line.isprintable() and line.startswith("# ")
    assert len(ast.parse(f"x = 1  {line}\ny = 2\n").body) == 2
    assert line[2:] == text or ast.literal_eval(line[2:]) == text  # the text itself, or its repr


# ----- the reproduction's files, exported and run by the command line ---------------------------


def main_py(*argv: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), *argv], capture_output=True, text=True, cwd=cwd, check=False
    )


@pytest.mark.parametrize("target", EXPORTERS)
@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda path: path.stem)
def test_crafted_file_exports_safely(target, path, tmp_path):
    """Each file once printed PWNED or the wrong number; the script now prints `gradviz run --json`'s
    numbers and nothing else, or export refuses the file with one line naming the node and field."""
    script = tmp_path / "script.py"
    exported = main_py("export", str(path), "--to", target, "-o", str(script))
    if path.stem == "id_newline":  # an id holding a line break: refused
        assert exported.returncode == 2 and not script.exists()
        assert exported.stderr.count("\n") == 1 and "field 'id'" in exported.stderr, exported.stderr
        assert "Traceback" not in exported.stderr
        return
    assert exported.returncode == 0 and exported.stderr == "", exported.stderr
    if target == "torch" and not HAS_TORCH:
        assert ast.parse(script.read_text(encoding="utf-8"))  # still Python, even if it cannot run here
        return
    ran = subprocess.run(
        [sys.executable, "-I", str(script), "--json"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    assert "PWNED" not in ran.stdout and ran.stdout.count("\n") == 1
    expected = json.loads(main_py("run", "--json", str(path)).stdout)
    printed = json.loads(ran.stdout)
    assert printed.keys() == expected.keys() and printed["output"] == expected["output"]
    for kind in ("values", "bars"):
        assert printed[kind].keys() == expected[kind].keys()
        for key, value in expected[kind].items():
            np.testing.assert_allclose(printed[kind][key], value, rtol=1e-10, atol=1e-10)
    if path.stem == "nfkc_collision":  # x·ｘ = 1·10 + 2·20, not x·x = 1 + 4 (nor the 500 of ｘ·ｘ)
        assert printed["values"]["c"] == 50.0
