"""The hint line above the canvas: each example's hint, edited in place as one undoable edit."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gradviz.io.graph_file import read
from gradviz.io.paths import EXAMPLES


def test_each_example_opens_with_its_hint_which_is_one_undoable_saved_edit(window, qtbot, tmp_path):
    for path in sorted(EXAMPLES.glob("*.json")):
        window.open_path(path)
        assert window.hint.text() == read(path).view["hint"] != ""
    qtbot.mouseClick(window.hint, Qt.MouseButton.LeftButton)
    window.hint.setText("Look at the seed.")
    window.hint.editingFinished.emit()
    assert window.isWindowModified() and window.undo_stack.count() == 1
    window.save_to(tmp_path / "hinted.json")
    assert read(tmp_path / "hinted.json").view["hint"] == "Look at the seed."
    window.undo_stack.undo()
    assert window.hint.text() == read(sorted(EXAMPLES.glob("*.json"))[-1]).view["hint"]
