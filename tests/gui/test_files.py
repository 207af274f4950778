"""The window's file commands: save errors shown with nothing lost, closing unsaved work asks, examples
open as untitled copies, recent files remembered."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import (
    QMessageBox,
)

from gradviz.io.paths import EXAMPLES


def test_save_errors_are_shown_and_lose_nothing(window, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.add_op("exp", QPointF(0, 500))
    assert not window.save_to(tmp_path / "missing" / "folder" / "g.json")
    assert len(shown) == 1 and "cannot save" in shown[0] and "\n" not in shown[0]
    assert window.isWindowModified() and any(n.startswith("exp") for n in window.document.nodes)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    nodes_before = dict(window.document.nodes)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    assert not window.open_path(bad)
    assert "not JSON" in shown[-1]
    assert window.document.nodes == nodes_before  # the failed open left the graph as it was


def test_closing_with_unsaved_changes_asks(window, monkeypatch):
    window.open_path(EXAMPLES / "linear_layer.json")
    window.scene.add_op("exp", QPointF(0, 500))
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isWindowModified() and any(node.startswith("exp") for node in window.document.nodes)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_examples_open_as_untitled_copies_and_recent_files_are_remembered(window, tmp_path):
    window.open_path(EXAMPLES / "matmul.json")
    assert window.path is None and "untitled" in window.windowTitle()
    target = tmp_path / "mine.json"
    window.save_to(target)
    assert window.settings.value("files/recent", [], list)[0] == str(target)
