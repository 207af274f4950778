"""Zoomed-out pictures of nodes, shared by the nodes that look alike.

Below legible text a node is drawn as a small picture of its box (NodeItem.show_boxes): no text, no
ports, only the box, its header's colour, its border and, while stepping, its arrays' colours. Before a
graph is run, or where a node shows no array, thousands of nodes have the same picture: one per op
colour, size and border. Opening a 2000-node file painted 2000 such pictures in Python, a fifth of the
open; painted once per look and shared, they are a handful. A node showing an array (its heatmap or
numbers) has a picture of its own, made as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap

KEPT = 256  # pictures kept: (look, mip level) pairs; each is a few kilobytes


def halved(picture: QPixmap, level: int) -> QPixmap:
    """``picture`` halved ``level`` times in one smooth (area-averaging) scaling, however many halvings."""
    if not level:
        return picture
    size = QSize(max(1, picture.width() >> level), max(1, picture.height() >> level))
    return picture.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


class BoxPictures:
    """One scene's shared box pictures by what they show (NodeItem.picture_key) and mip level, the least
    recently used dropped past KEPT."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[Hashable, int], QPixmap] = OrderedDict()

    def picture(self, key: Hashable, level: int, make: Callable[[], QPixmap]) -> QPixmap:
        """The picture ``key`` names halved ``level`` times; ``make`` paints it full size when none is kept."""
        shown = self._take((key, level))
        if shown is None:
            full = self._take((key, 0))
            if full is None:
                full = self._keep((key, 0), make())
            shown = self._keep((key, level), halved(full, level))
        return shown

    def __len__(self) -> int:
        return len(self._kept)

    def _take(self, entry: tuple[Hashable, int]) -> QPixmap | None:
        picture = self._kept.get(entry)
        if picture is not None:
            self._kept.move_to_end(entry)
        return picture

    def _keep(self, entry: tuple[Hashable, int], picture: QPixmap) -> QPixmap:
        self._kept[entry] = picture
        if len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return picture
