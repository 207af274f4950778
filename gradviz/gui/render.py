"""Drawing a scene to PNG or SVG, for the window's export and `gradviz render` (slides, tests).

Frames of a pass (``--all-steps``, the GIF) carry the step told in words as a caption band under the
picture: typeset by Qt's rich text from the same ``rich()`` markup the timeline uses, so a bar is a real
line over the whole name, at a size a projected slide can be read from.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from gradviz.gui.canvas.items import NodeItem

MARGIN = 30.0
MAX_SIDE = 8192  # pixels: a PNG this wide is 256 MB in memory; a graph spread wider is drawn smaller


def fitted_scale(scene: QGraphicsScene, scale: float) -> float:
    """``scale``, or less if the drawing would be wider or taller than MAX_SIDE pixels at it."""
    source = _source_rect(scene)
    longest = max(source.width(), source.height()) * scale
    return scale if longest <= MAX_SIDE else scale * MAX_SIDE / longest


def shrink_note(scene: QGraphicsScene, scale: float = 2.0) -> str | None:
    """What drawing ``scene`` at ``scale`` gives up to the size cap, in a sentence; None if nothing."""
    fitted = fitted_scale(scene, scale)
    if fitted == scale:
        return None
    source = _source_rect(scene)
    return (
        f"the graph is {source.width() * scale:,.0f}×{source.height() * scale:,.0f} px at {scale:g}×, more than "
        f"{MAX_SIDE} a side: drawn at {fitted:.3g}×"
    )


def scene_image(scene: QGraphicsScene, scale: float = 1.0) -> QImage:
    """The whole scene drawn to an image at ``scale`` (less if it would pass MAX_SIDE), vectors only."""
    source = _source_rect(scene)
    scale = fitted_scale(scene, scale)
    image = QImage(
        max(1, int(source.width() * scale)), max(1, int(source.height() * scale)), QImage.Format.Format_ARGB32
    )
    with _as_picture(scene):
        image.fill(scene.backgroundBrush().color() if scene.backgroundBrush().style() else QColor("white"))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(image.rect()), source, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
    return image


def _source_rect(scene: QGraphicsScene) -> QRectF:
    source = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    return source if not source.isEmpty() else QRectF(0, 0, 400, 300)


@contextmanager
def _as_picture(scene: QGraphicsScene) -> Iterator[None]:
    """Selection off (a window state, not part of the picture), item caching off and zoomed-out nodes' box
    pictures off (both would be pasted in as pixmaps: draw them as vectors) while drawing; all restored after."""
    selected = scene.selectedItems()
    for item in selected:
        item.setSelected(False)
    boxed = [item for item in scene.items() if isinstance(item, NodeItem) and item.boxes]
    for item in boxed:
        item.show_boxes(False)
    caches = {item: item.cacheMode() for item in scene.items()}
    for item in caches:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in caches.items():
            item.setCacheMode(mode)
        for item in boxed:
            item.show_boxes(True)
        for item in selected:
            item.setSelected(True)


def render_scene(scene: QGraphicsScene, path: str | Path, scale: float = 2.0) -> Path:
    """Write ``scene`` to ``path``: SVG for a .svg name, else PNG at ``scale`` (2× reads well on slides),
    less if the PNG would pass MAX_SIDE pixels a side (``shrink_note`` says so)."""
    path = Path(path)
    source = _source_rect(scene)
    if path.suffix.lower() == ".svg":
        size = fitted_scale(scene, 1.0)  # its nominal size in pixels, capped like a PNG's
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(max(1, int(source.width() * size)), max(1, int(source.height() * size))))
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle(path.stem)
        with _as_picture(scene):
            painter = QPainter(generator)
            scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
            painter.end()
    elif not scene_image(scene, scale).save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def ensure_platform() -> None:
    """Render with no display: Qt's offscreen platform, unless a display is there."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# ----- captions for the frames of a pass ----------------------------------------------------------------

CAPTION_PX = 18  # the caption's text height in pixels at scale 1 (the GIF's size): readable when projected
CAPTION_MIN_WIDTH = 720  # a narrow graph's frame is widened so that its sentence wraps into few lines


def caption(html: str, colour: QColor, width: float, scale: float = 1.0) -> QTextDocument:
    """``html`` (made with ``rich()``) laid out as a caption ``width`` pixels wide, at ``CAPTION_PX`` × scale."""
    document = QTextDocument()
    font = QFont()
    font.setPixelSize(round(CAPTION_PX * scale))
    document.setDefaultFont(font)
    document.setDocumentMargin(14 * scale)
    document.setHtml(f'<div style="color: {colour.name()}">{html}</div>')
    document.setTextWidth(width)
    return document


def caption_width(scale: float = 1.0) -> int:
    """The least width of a captioned frame: a narrow graph's frame is widened to it."""
    return round(CAPTION_MIN_WIDTH * scale)


def picture_size(scene: QGraphicsScene, scale: float = 1.0) -> QSize:
    """The size ``scene_image(scene, scale)`` would have, without drawing it (keep the two in step)."""
    source = _source_rect(scene)
    scale = fitted_scale(scene, scale)
    return QSize(max(1, int(source.width() * scale)), max(1, int(source.height() * scale)))


def with_caption(
    image: QImage, document: QTextDocument, size: tuple[int, int], band: int, *, background: QColor, rule: QColor
) -> QImage:
    """``image`` centred in a picture area of ``size`` (width, height) above a band ``band`` pixels tall
    holding ``document``; a thin rule separates picture and words. All frames of a pass get the same
    size and band, so they align as slides and as a GIF."""
    width, height = size
    framed = QImage(width, height + band, QImage.Format.Format_ARGB32)
    framed.fill(background)
    painter = QPainter(framed)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.drawImage((width - image.width()) // 2, (height - image.height()) // 2, image)
    painter.setPen(rule)
    painter.drawLine(0, height, width, height)
    painter.translate(0, height)
    document.drawContents(painter)
    painter.end()
    return framed
