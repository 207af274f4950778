"""The shared box pictures: each painted once per look, halved once per mip level, a bounded number kept."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPixmap

from gradviz.gui.canvas.box_pictures import KEPT, BoxPictures


def _painter(made: list[str], key: str):
    def make() -> QPixmap:
        made.append(key)
        picture = QPixmap(64, 24)
        picture.fill(QColor("#ff8800"))
        return picture

    return make


def test_a_look_is_painted_once_and_halved_once_per_level(qapp):
    shelf, made = BoxPictures(), []
    full = shelf.picture("add", 0, _painter(made, "add"))
    quarter = shelf.picture("add", 2, _painter(made, "add"))
    assert shelf.picture("add", 2, _painter(made, "add")).cacheKey() == quarter.cacheKey()
    assert shelf.picture("add", 0, _painter(made, "add")).cacheKey() == full.cacheKey()
    assert made == ["add"]
    assert (full.width(), full.height(), quarter.width(), quarter.height()) == (64, 24, 16, 6)
    assert quarter.toImage().pixelColor(8, 3) == QColor("#ff8800")  # averaging one colour keeps it


def test_the_least_recently_used_pictures_go_past_the_limit(qapp):
    shelf, made = BoxPictures(), []
    for index in range(KEPT + 10):
        shelf.picture(index, 0, _painter(made, str(index)))
        shelf.picture(0, 0, _painter(made, "0"))  # kept in use: never the least recent
    assert len(shelf) == KEPT and made.count("0") == 1
    shelf.picture(1, 0, _painter(made, "1"))
    assert made.count("1") == 2  # it had gone: painted again
