"""The registry: one declaration per op, looked up by name; arity and attributes checked against it.

find_op is asked per node on every playback step: once the declarations are loaded it must be a
dict hit, not an ``import`` statement (which runs shiboken's import hook once Qt is loaded)."""

from __future__ import annotations

import builtins

import pytest

from gradviz.engine.errors import AttrError, GraphError
from gradviz.engine.registry import all_ops, find_op, get_op, register


def test_lookups_after_loading_import_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    find_op("add")  # loads the declarations if nothing has yet
    calls = []
    real_import = builtins.__import__

    def counting_import(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return real_import(*args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counting_import)
    names = ["add", "matmul", "no such op", "tanh"]
    found = [find_op(names[i % len(names)]) for i in range(100)]
    get_op("mul")
    list(all_ops())
    monkeypatch.undo()
    assert calls == []
    assert found[0].name == "add" and found[1].name == "matmul" and found[2] is None


def test_an_unknown_op_is_a_graph_error_and_find_op_says_none():
    with pytest.raises(GraphError, match="unknown op 'matmull'"):
        get_op("matmull")
    assert find_op("matmull") is None


def test_arity_and_attributes_are_checked_against_the_declaration():
    matmul = get_op("matmul")
    assert matmul.port_names == ("a", "b") and matmul.min_inputs == 2 and not matmul.is_source
    matmul.check_arity(2)
    with pytest.raises(GraphError, match=r"matmul takes 2 inputs \(a, b\), not 3"):
        matmul.check_arity(3)
    assert get_op("input").is_source
    total = get_op("sum")
    assert total.resolve_attrs({"axis": [0]})["axis"] == (0,)
    assert total.resolve_attrs(None)["axis"] is None  # the default: every axis
    with pytest.raises(AttrError, match="sum has no attribute 'axes'"):
        total.resolve_attrs({"axes": 0})


def test_a_name_is_registered_once():
    with pytest.raises(ValueError, match="op 'add' is registered twice"):
        register(get_op("add"))


def test_every_op_is_listed_once_in_declaration_order():
    names = [op.name for op in all_ops()]
    assert len(names) == len(set(names)) and {"add", "matmul", "conv2d", "input"} <= set(names)
