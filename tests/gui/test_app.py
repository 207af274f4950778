"""The app's icon is an SVG Qt can draw, and the window takes it."""

from PySide6.QtGui import QIcon

from gradviz.io.paths import ICON


def test_icon_draws_at_menu_and_title_bar_sizes(qapp):
    icon = QIcon(str(ICON))
    for size in (16, 48, 128):
        image = icon.pixmap(size, size).toImage()
        assert image.width() == size
        # drawn, not blank: the dark rounded square and the coloured nodes are both there
        colours = {
            image.pixelColor(x, y).name()
            for x in range(0, size, max(1, size // 16))
            for y in range(0, size, max(1, size // 16))
        }
        assert len(colours) > 3
