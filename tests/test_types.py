"""The core type-checks clean: mypy (configured in pyproject.toml) finds no error in the Qt-free packages
(engine, model, io, export) and the top-level modules (cli, api, tracing, ...).

A step is told apart by its class and a trace read through one Protocol (gradviz.engine.walkable), so mypy
knows each step's fields; this keeps it so. The window (gradviz.gui) is not held to zero yet: modules the
core imports from it are followed silently, so an error there does not fail the core's check.

A cold run takes 15-40 s here (mypy caches in .mypy_cache, so a warm one takes 2), hence ``slow``.
"""

import re
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from gradviz.engine.attrs import KINDS, AttrKind

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["gradviz/engine", "gradviz/model", "gradviz/io", "gradviz/export"]
CORE = PACKAGES + sorted(str(path.relative_to(ROOT)) for path in (ROOT / "gradviz").glob("*.py"))


@pytest.mark.slow
def test_mypy_finds_no_error_in_the_core():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", *CORE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"mypy found errors in the core:\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    expected = sum(len(list((ROOT / package).rglob("*.py"))) for package in PACKAGES) + len(CORE) - len(PACKAGES)
    assert checked is not None and int(checked.group(1)) == expected  # every core file was checked, none skipped


def test_every_attribute_kind_the_type_allows_is_described():
    assert set(get_args(AttrKind)) == set(KINDS)  # the Literal mypy checks declarations against, and the words
