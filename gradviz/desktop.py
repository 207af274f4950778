"""The Linux desktop entry: `gradviz install-desktop` puts gradviz in the applications menu.

Files go where the freedesktop.org specs say a user's own entries live ($XDG_DATA_HOME, by default
~/.local/share): the entry under applications/ and the icon under icons/hicolor/scalable/apps/. The
entry opens .json graph files dropped on it. No Qt here: it only copies two files and fills in the
command that starts this very installation (the `gradviz` script beside this Python, else ``python -m``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from gradviz.io.paths import ASSETS, ICON

ENTRY_NAME = "gradviz.desktop"


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def entry_path() -> Path:
    return data_home() / "applications" / ENTRY_NAME


def icon_path() -> Path:
    return data_home() / "icons" / "hicolor" / "scalable" / "apps" / "gradviz.svg"


def launch_command() -> str:
    """How the menu starts this installation: its own `gradviz` script (a venv or pipx one need not be
    on the menu's PATH), else this interpreter with ``-m gradviz``."""
    script = Path(sys.executable).with_name("gradviz")
    if script.is_file() and os.access(script, os.X_OK):
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m gradviz"


def install() -> list[Path]:
    """Write the entry and the icon; returns the files written."""
    template = (ASSETS / "desktop" / ENTRY_NAME).read_text(encoding="utf-8")
    entry = template.replace("Exec=gradviz %f", f"Exec={launch_command()} %f")
    written = []
    for target, write in (
        (icon_path(), lambda p: shutil.copyfile(ICON, p)),
        (entry_path(), lambda p: p.write_text(entry, encoding="utf-8")),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        write(target)
        written.append(target)
    return written


def uninstall() -> list[Path]:
    """Remove the entry and the icon; returns the files that were there."""
    removed = [path for path in (entry_path(), icon_path()) if path.exists()]
    for path in removed:
        path.unlink()
    return removed
