"""The help page lists every shortcut the window's actions answer to."""

from __future__ import annotations

from PySide6.QtGui import QAction


def test_the_shortcuts_help_lists_every_action_shortcut(window):
    from gradviz.gui.help import key_text, shortcuts_html  # noqa: PLC0415

    page = shortcuts_html(window)
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            assert key_text(sequence) in page, action.objectName()
    assert "→" in page and "End" in page and "Space" in page
