"""The Linux desktop entry: installed where freedesktop.org says, opening dropped graph files, removed again."""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

import pytest

from gradviz import desktop
from gradviz.cli import main
from gradviz.io.paths import ICON


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


def test_the_menu_starts_this_installation(monkeypatch, tmp_path):
    """A venv's or pipx's `gradviz` script beside the interpreter when there is one, else ``python -m``."""
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    monkeypatch.setattr(sys, "executable", str(python))
    assert desktop.launch_command() == f"{python} -m gradviz"
    script = python.with_name("gradviz")
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    assert desktop.launch_command() == str(script)
    monkeypatch.setattr(sys, "executable", "/opt/my apps/python")
    assert desktop.launch_command() == "'/opt/my apps/python' -m gradviz"  # quoted for the Exec line


def test_the_files_go_under_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.entry_path() == tmp_path / "applications" / "gradviz.desktop"
    assert desktop.icon_path() == tmp_path / "icons/hicolor/scalable/apps/gradviz.svg"
    assert Path(desktop.install()[0]).read_bytes() == ICON.read_bytes()
