"""Colours with meanings: headers by op or category, red for errors only, text that reads on both themes, and
the widgets' palette following View ▸ Dark Mode against the desktop's colours (offscreen, a light desktop)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gradviz.gui.theme import CATEGORY_COLOURS, DARK, ERROR, LIGHT, apply_to_application, current_theme


def _contrast(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        channels = [colour.redF(), colour.greenF(), colour.blueF()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_header_is_the_ops_own_colour_else_its_categorys_else_grey_blue():
    assert LIGHT.header("parameter", "source") == QColor("#e08a1e")  # named by the op itself
    assert DARK.header("matmul", "linear algebra") == QColor("#7e57c2")  # by its category
    assert LIGHT.header("made_up", "no such category") == QColor("#607d8b")


def test_red_means_only_that_a_node_cannot_compute():
    assert ERROR not in CATEGORY_COLOURS.values()
    for theme in (LIGHT, DARK):
        assert theme.error.red() > 2 * max(theme.error.green(), theme.error.blue())


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_reads_on_the_nodes_and_the_canvas(theme):
    """WCAG AA for body text is 4.5:1; muted text (port and op names) at least the 3:1 of large text."""
    for ground in (theme.node_fill, theme.background):
        assert _contrast(theme.text, ground) >= 4.5
        assert _contrast(theme.muted_text, ground) >= 3.0
    assert theme.dark == (theme.background.lightness() < 128)


def test_an_explicit_choice_overrides_the_desktop():
    assert current_theme(True) is DARK and current_theme(False) is LIGHT
    assert current_theme(None) is LIGHT  # the offscreen platform reports a light desktop


def test_dark_mode_on_a_light_desktop_gives_the_widgets_a_dark_palette_and_light_gives_it_back(qapp):
    style = qapp.style().name()
    window_colour = qapp.palette().color(QPalette.ColorRole.Window)
    try:
        apply_to_application(DARK)
        assert qapp.palette().color(QPalette.ColorRole.Window) == QColor("#2b2d31")
        assert qapp.palette().color(QPalette.ColorRole.Text) == QColor("#e8eaed")
        apply_to_application(LIGHT)  # back to what the desktop shows: the style's own palette
        assert qapp.palette().color(QPalette.ColorRole.Window) == qapp.style().standardPalette().color(
            QPalette.ColorRole.Window
        )
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() >= 128
        assert not qapp.property("gradvizPalette")
    finally:
        QApplication.setStyle(style)
        qapp.setPalette(qapp.style().standardPalette())
    assert qapp.palette().color(QPalette.ColorRole.Window) == window_colour


def test_the_kernel_flip_tiles_area_takes_the_dark_colour_when_dark_mode_comes_after_it(window, qtbot):
    """pyqtgraph caches a view's background: the empty tiles area kept the light fill after a switch to
    dark mode, a white block in a dark window."""
    from gradviz.io.paths import EXAMPLES  # noqa: PLC0415

    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.open_path(EXAMPLES / "tiny_cnn.json")
    window.scene.nodes["conv"].setSelected(True)  # the tiles are made on the panel's first use
    qtbot.waitUntil(lambda: window.convolution.heatmaps is not None, timeout=3000)
    window.scene.clearSelection()
    tiles = window.convolution.heatmaps
    for dark in (True, False):
        window.set_dark(dark)
        qtbot.wait(20)
        image = tiles.grab().toImage()
        shown = image.pixelColor(image.width() // 2, image.height() // 2)
        assert shown == tiles.palette().color(QPalette.ColorRole.Window), dark
        assert (shown.lightness() < 128) == dark
