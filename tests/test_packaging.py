"""An installed gradviz has everything it needs: its packages, its assets, a desktop entry, a version."""

from __future__ import annotations

import tomllib
from pathlib import Path

from gradviz import __version__
from gradviz.cli import main
from gradviz.io.paths import DEFAULT_EXAMPLE, EXAMPLES, ICON, SCHEMA

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "gradviz").rglob("__init__.py")}
    assert on_disk | {"gradviz.assets"} == listed


def test_assets_are_read_as_package_resources():
    assert SCHEMA.is_file() and DEFAULT_EXAMPLE.is_file() and ICON.is_file()
    assert len(list(EXAMPLES.glob("*.json"))) >= 9
    assert ICON.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gradviz {__version__}"


def test_help_says_no_command_opens_the_window(capsys):
    assert main(["--help"]) == 0
    assert "opens the window" in " ".join(capsys.readouterr().out.split())
