"""The formula panel typesets on a thread of its own: the window never freezes for mathtext, a rule typeset
before shows at once, and only the newest rule asked for waits its turn."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt

from gradviz.gui.notation import OVERLINE
from gradviz.gui.panels import formula
from gradviz.io.paths import EXAMPLES
from tests.gui.panels.test_timeline import _press, _stepping_window

SLOW = 0.3  # seconds: a slow typesetting (mathtext takes 50–170 ms a rule; a loaded machine, more)


def _slow_typesetting(monkeypatch) -> list[tuple[str, str]]:
    """Typesetting that takes SLOW seconds; returns the (rule, thread name) of each call."""
    calls: list[tuple[str, str]] = []
    real = formula._typeset_png

    def slow(latex: str, points: float, colour: str) -> bytes | None:
        calls.append((latex, threading.current_thread().name))
        time.sleep(SLOW)
        return real(latex, points, colour)

    formula.typeset.cache_clear()  # else a rule typeset by an earlier test would not be typeset again
    monkeypatch.setattr(formula, "_typeset_png", slow)
    return calls


def _backward_steps(window) -> list[int]:
    return [step.index for step in window.player.run().trace.steps if step.kind == "backward"]


def test_typesetting_never_blocks_the_window(window, qtbot, monkeypatch):
    calls = _slow_typesetting(monkeypatch)
    window.open_path(EXAMPLES / "linear_layer.json")
    panel = window.formula_panel
    window.player.seek(_backward_steps(window)[0])
    unicode_rule = panel.formula.text()
    before = len(calls)  # the lesson panel typesets its own math on the GUI thread (its text, once a stop)
    start = time.perf_counter()
    panel._typeset()  # what the timer does once the steps pause
    assert time.perf_counter() - start < SLOW / 3  # handed over, not typeset here
    assert panel.typesetting and panel.formula.text() == unicode_rule and panel.formula.pixmap().isNull()
    qtbot.waitUntil(lambda: not panel.formula.pixmap().isNull(), timeout=5000)
    assert not panel.typesetting
    rules = calls[before:]
    assert rules and all(thread != threading.main_thread().name for _, thread in rules)


def test_a_rule_typeset_before_is_shown_at_once(window, qtbot, monkeypatch):
    calls = _slow_typesetting(monkeypatch)
    window.open_path(EXAMPLES / "linear_layer.json")
    panel = window.formula_panel
    first, second = _backward_steps(window)[:2]
    for index in (first, second):
        window.player.seek(index)
        panel._typeset()
        qtbot.waitUntil(lambda: not panel.typesetting, timeout=5000)
    typeset_so_far = len(calls)
    window.player.seek(first)
    assert not panel.typesetting and not panel.formula.pixmap().isNull()  # no Unicode first, no wait
    assert len(calls) == typeset_so_far


def test_only_the_newest_rule_waiting_is_typeset(qtbot, monkeypatch):
    """Asked for a, b, c, d while a is being typeset: a, then d; b and c were passed by."""
    calls = _slow_typesetting(monkeypatch)
    monkeypatch.setattr(formula, "_typeset_png", lambda latex, points, colour: calls.append((latex, "")) or b"")
    from PySide6.QtCore import QObject  # noqa: PLC0415

    owner = QObject()
    typesetter = formula.Typesetter(owner, 12.0)
    started = threading.Event()
    release = threading.Event()
    real = formula._typeset_png

    def held(latex: str, points: float, colour: str) -> bytes | None:
        started.set()
        release.wait(5)
        return real(latex, points, colour)

    monkeypatch.setattr(formula, "_typeset_png", held)
    done: list[str] = []
    typesetter.done.connect(lambda latex, colour, png: done.append(latex))
    typesetter.request("a", "#000000")
    assert started.wait(5)
    for latex in "bcd":
        typesetter.request(latex, "#000000")
    release.set()
    qtbot.waitUntil(lambda: done == ["a", "d"] and not typesetter.busy, timeout=5000)
    assert [latex for latex, _ in calls] == ["a", "d"]


def test_the_formula_panel_shows_an_assignment_for_a_bars_only_contribution(window, qtbot):
    _stepping_window(window, qtbot, "linear_layer")
    _press(qtbot, window, Qt.Key.Key_End)
    # the last edge is a → x through matmul: x̄ = Wᵀ ā, x's one contribution
    bar = OVERLINE.format
    assert window.formula_panel.formula.text() == f"{bar('x')} = Wᵀ {bar('a')}"
    assert "(2×1) = (3×2)ᵀ (3×1)" in window.formula_panel.details.text()
    step = window.player.playback.story.shown_step(window.player.index)
    assert step.kind == "backward" and step.parent.id == "x"
    assert window.scene.nodes["x"].look.highlight == "backward"
