"""An installed gradviz has everything it needs: its packages, its assets, a desktop entry, a version."""

from __future__ import annotations

import configparser
import os
import tomllib
from pathlib import Path

import pytest

from gradviz import __version__, desktop
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


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def test_install_desktop_writes_an_entry_that_opens_graph_files(data_home, capsys):
    assert main(["install-desktop"]) == 0
    entry = data_home / "applications" / "gradviz.desktop"
    icon = data_home / "icons" / "hicolor" / "scalable" / "apps" / "gradviz.svg"
    assert icon.read_bytes() == ICON.read_bytes()
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read(entry, encoding="utf-8")
    section = parsed["Desktop Entry"]
    assert section["Type"] == "Application" and section["Icon"] == "gradviz"
    assert "application/json" in section["MimeType"].split(";")
    command, placeholder = section["Exec"].rsplit(" ", 1)
    assert placeholder == "%f"  # a dropped file is passed on
    program = command.split()[0]
    assert os.access(program, os.X_OK), f"the entry starts {program!r}, which cannot run"
    assert str(entry) in capsys.readouterr().out


def test_uninstall_desktop_removes_both_files(data_home):
    main(["install-desktop"])
    assert main(["install-desktop", "--uninstall"]) == 0
    assert not desktop.entry_path().exists() and not desktop.icon_path().exists()
    assert main(["install-desktop", "--uninstall"]) == 0  # nothing left to remove is fine


def test_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path / ".local" / "share"
