"""find_op is asked per node on every playback step: once the declarations are loaded it must be a
dict hit, not an ``import`` statement (which runs shiboken's import hook once Qt is loaded)."""

from __future__ import annotations

import builtins

import pytest

from gradviz.engine.registry import all_ops, find_op, get_op


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
