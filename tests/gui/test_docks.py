"""A dock's scroll area: a panel whose minimum fits gets the whole dock, one that does not scroll (the
panels' own fits are in tests/gui/panels/test_inspector.py, test_arrays.py and test_training.py).

Found by looking at the README's screenshots (docs/screenshots.py) at 1280x720 and 1920x1080.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from gradviz.gui import docks


class Tiles(QWidget):
    """Like the kernel-flip heatmaps: would like to be tall, can do with 100 px."""

    def sizeHint(self) -> QSize:
        return QSize(400, 900)


def _panel_with_wrapped_text() -> QWidget:
    """A wrapped sentence (which makes Qt size the panel by its height for width) above the tiles."""
    panel = QWidget()
    column = QVBoxLayout(panel)
    words = QLabel("the sum of the nine products of the window of the padded image with the kernel " * 2)
    words.setWordWrap(True)
    column.addWidget(words)
    tiles = Tiles()
    tiles.setMinimumHeight(100)
    tiles.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    column.addWidget(tiles, 1)
    return panel


def test_a_panel_whose_minimum_fits_gets_the_whole_dock_and_no_scroll_bar(qtbot):
    panel = _panel_with_wrapped_text()
    area = docks.scrolled(panel)
    qtbot.addWidget(area)
    area.resize(800, 300)
    area.show()
    qtbot.waitUntil(lambda: not area.verticalScrollBar().isVisible())
    assert panel.size() == area.viewport().size() == area.size()


def test_a_panel_whose_minimum_does_not_fit_scrolls(qtbot):
    panel = _panel_with_wrapped_text()
    area = docks.scrolled(panel)
    qtbot.addWidget(area)
    area.resize(800, 60)
    area.show()
    qtbot.waitUntil(lambda: area.verticalScrollBar().isVisible())
    assert panel.height() >= panel.layout().totalMinimumHeightForWidth(panel.width()) > area.viewport().height()
