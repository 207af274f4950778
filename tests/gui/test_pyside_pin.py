"""Guards the PySide6 pin: 6.12.0 on Python 3.11 loses a reference to None per void call.

A lost reference per call drives None's count to zero after a few thousand calls and Python
aborts (``Fatal Python error: none_dealloc``). If a new PySide6 brings the bug back, this fails
with a message instead of the app crashing mid-lecture.
"""

import sys

from PySide6.QtWidgets import QGraphicsRectItem


def test_none_refcount_is_stable_across_void_calls(qapp):
    item = QGraphicsRectItem(0, 0, 10, 10)
    calls = 5000
    before = sys.getrefcount(None)
    for i in range(calls):
        item.setPos(float(i), 0.0)
        item.update()
    drift = sys.getrefcount(None) - before
    # A leak of one per call would show as -2 * calls; allow a little noise from the interpreter.
    assert abs(drift) < calls // 10, f"None's refcount drifted by {drift} over {calls} calls: PySide6 pin broken"
