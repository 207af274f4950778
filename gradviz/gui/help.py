"""The help page: every key the window answers to, in one table.

It is generated, never written by hand: the menus' actions with their shortcuts (in menu order), then
the keys and gestures of the canvas from the view's own table, so a new or changed shortcut shows here
by itself and the help cannot drift from what the keys do.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from gradviz.gui.canvas.view import VIEW_GESTURES, VIEW_KEYS

ARROWS = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}


def key_text(sequence: QKeySequence) -> str:
    """A shortcut as it is printed on keys: Ctrl+Shift+Z, →."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    return ARROWS.get(text, text)


def _menu_rows(menu: QMenu, path: str) -> list[tuple[str, str]]:
    rows = []
    for action in menu.actions():
        submenu = action.menu()  # typed QObject (C++ templates it); a QMenu when the action opens one
        if isinstance(submenu, QMenu):
            rows += _menu_rows(submenu, f"{path} ▸ {submenu.title().replace('&', '')}")
        elif action.shortcuts() and not action.isSeparator():
            keys = " / ".join(key_text(sequence) for sequence in action.shortcuts())
            rows.append((keys, f"{action.text().replace('&', '').rstrip('…')} ({path})"))
    return rows


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, what they do) for every action in the window's menus, then the canvas's keys and gestures."""
    rows = []
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            rows += _menu_rows(menu, menu.title().replace("&", ""))
    canvas_keys: dict[str, list[str]] = {}
    for label, what, _ in VIEW_KEYS.values():
        canvas_keys.setdefault(what, []).append(label)
    rows += [(" / ".join(labels), f"{what} (canvas)") for what, labels in canvas_keys.items()]
    rows += [(keys, f"{what} (canvas)") for keys, what in VIEW_GESTURES]
    return rows


def shortcuts_html(window: QMainWindow) -> str:
    return (
        "<table cellpadding='3'>"
        + "".join(
            f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>" for keys, what in shortcut_rows(window)
        )
        + "</table>"
    )
