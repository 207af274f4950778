"""Quick add: typing in the search box and Enter places the op."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt


def test_quick_add_by_typing(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.view.quick_add_requested.emit(QPointF(300, 300))
    qtbot.keyClicks(window.quick_add.search, "matm")
    qtbot.keyClick(window.quick_add.search, Qt.Key.Key_Return)
    assert [spec.op for spec in window.document.nodes.values()] == ["matmul"]
    assert not window.quick_add.isVisible()
