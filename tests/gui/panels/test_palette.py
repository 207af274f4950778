"""The palette's search, typed as a user types it: ops match by name, category or description, and a
category whose ops are all hidden is hidden too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gradviz.engine.registry import CATEGORIES, all_ops
from gradviz.gui.panels.palette import Palette


def _group(palette: Palette, title: str):
    return palette.tree.findItems(title, Qt.MatchFlag.MatchExactly)[0]


def test_search_by_category_shows_its_ops_and_hides_empty_groups(qtbot):
    palette = Palette()
    qtbot.addWidget(palette)
    QTest.keyClicks(palette.search, "convolution")
    assert {"correlate2d", "convolve2d", "conv2d"} <= set(palette.visible_ops())  # matched by their category
    assert not _group(palette, "Convolution").isHidden()
    assert _group(palette, "Arithmetic").isHidden()  # add, sub, mul, div: nothing about convolution


def test_search_without_a_match_hides_every_group_and_clearing_shows_all(qtbot):
    palette = Palette()
    qtbot.addWidget(palette)
    QTest.keyClicks(palette.search, "no such op")
    assert palette.visible_ops() == []
    assert all(_group(palette, category.capitalize()).isHidden() for category in CATEGORIES)
    palette.search.clear()
    assert palette.visible_ops() == [op.name for op in all_ops()]
    assert not any(_group(palette, category.capitalize()).isHidden() for category in CATEGORIES)
