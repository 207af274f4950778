"""What a view shows on screen, beside the same view painted afresh: a widget's grab() paints it all anew,
so a test comparing grabs cannot see a picture left behind by a repaint that missed it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF
from PySide6.QtGui import QImage

from gradviz.gui.canvas.view import GraphView


def colours(image: QImage) -> np.ndarray:
    """The image's colours, (height, width, 3) in red, green, blue order."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def on_screen(view: GraphView) -> np.ndarray:
    """What the viewport shows now: its window's backing store, as the last repaints left it."""
    window = view.window()
    corner = view.viewport().mapTo(window, QPoint(0, 0))
    whole = window.screen().grabWindow(window.winId()).toImage()
    return colours(whole.copy(QRect(corner, view.viewport().size())))


def painted_afresh(view: GraphView) -> np.ndarray:
    """The viewport painted anew, without the background tiles it kept."""
    view._tiles.forget(QRectF())
    return colours(view.viewport().grab().toImage())


def left_behind(view: GraphView) -> int:
    """How many pixels of the screen differ from the view painted afresh (beyond antialiasing's noise)."""
    difference = np.abs(on_screen(view).astype(int) - painted_afresh(view).astype(int)).max(axis=2)
    return int((difference > 2).sum())
