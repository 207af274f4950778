"""gradviz type-checks clean: mypy, run as CI runs it (the files and exclusions of [tool.mypy] in
pyproject.toml), finds no error anywhere in the package, the window included.

A step is told apart by its class and a trace read through one Protocol (gradviz.engine.walkable), so mypy
knows each step's fields; the Qt overrides take the parameter types PySide6's stubs give their supertypes.
The count of files mypy says it checked is compared with the files the setting names, so a file mypy
skipped (excluded by mistake, or a folder without its __init__) cannot pass unseen.

A cold run takes 20-60 s here (mypy caches in .mypy_cache, so a warm one takes a few), hence ``slow``.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from gradviz.engine.attrs import KINDS, AttrKind

ROOT = Path(__file__).resolve().parents[1]
MYPY = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def files_mypy_checks() -> list[Path]:
    """The .py files under [tool.mypy] ``files``, less those its ``exclude`` patterns match (mypy's rule:
    a regular expression searched in the path relative to the project)."""
    excluded = [re.compile(pattern) for pattern in MYPY.get("exclude", [])]
    return [
        path
        for folder in MYPY["files"]
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not any(pattern.search(path.relative_to(ROOT).as_posix()) for pattern in excluded)
    ]


@pytest.mark.slow
def test_mypy_finds_no_error_in_gradviz():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # no targets: mypy checks what [tool.mypy] files names
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    expected = files_mypy_checks()
    assert len(expected) > 100  # the setting names the package, not an empty folder
    assert checked is not None and int(checked.group(1)) == len(expected)  # every file was checked, none skipped


def test_every_attribute_kind_the_type_allows_is_described():
    assert set(get_args(AttrKind)) == set(KINDS)  # the Literal mypy checks declarations against, and the words
