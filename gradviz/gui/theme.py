"""Colours with meanings, for light and dark palettes.

Categories get calm, distinct header colours; parameters (what learning changes) are warm, inputs
cool, constants grey. Red is kept for one meaning only: this node cannot compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CATEGORY_COLOURS = {
    "input": "#3b7dd8",
    "parameter": "#e08a1e",
    "constant": "#7f8c8d",
    "arithmetic": "#16a085",
    "elementwise": "#2a9d8f",
    "linear algebra": "#7e57c2",
    "shape": "#5d7b9d",
    "reduction": "#3f9b4f",
    "loss": "#b8860b",
    "convolution": "#5c6bc0",
}
ERROR = "#d64541"


@dataclass(frozen=True)
class Theme:
    """The colours the canvas paints with."""

    dark: bool
    background: QColor
    grid: QColor
    node_fill: QColor
    node_border: QColor
    text: QColor
    muted_text: QColor
    edge: QColor
    selection: QColor
    error: QColor

    def header(self, op_name: str, category: str) -> QColor:
        return QColor(CATEGORY_COLOURS.get(op_name, CATEGORY_COLOURS.get(category, "#607d8b")))


LIGHT = Theme(
    False,
    QColor("#f7f7f5"),
    QColor("#e6e6e2"),
    QColor("#ffffff"),
    QColor("#9aa0a6"),
    QColor("#1f2328"),
    QColor("#5f6670"),
    QColor("#6b7280"),
    QColor("#1e88e5"),
    QColor(ERROR),
)
DARK = Theme(
    True,
    QColor("#1e1f22"),
    QColor("#2a2c30"),
    QColor("#2b2d31"),
    QColor("#5c6370"),
    QColor("#e8eaed"),
    QColor("#a0a6ae"),
    QColor("#9aa3ad"),
    QColor("#64b5f6"),
    QColor("#ef5350"),
)


def system_prefers_dark() -> bool:
    """True when the desktop asks for dark colours (Qt 6.5+ reports the colour scheme)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        return scheme() == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def current_theme(dark: bool | None = None) -> Theme:
    return DARK if (system_prefers_dark() if dark is None else dark) else LIGHT


DARK_WIDGETS = {
    "Window": "#2b2d31",
    "WindowText": "#e8eaed",
    "Base": "#1e1f22",
    "AlternateBase": "#2b2d31",
    "Text": "#e8eaed",
    "Button": "#35373c",
    "ButtonText": "#e8eaed",
    "Highlight": "#3d6fb6",
    "HighlightedText": "#ffffff",
    "ToolTipBase": "#35373c",
    "ToolTipText": "#e8eaed",
    "PlaceholderText": "#8a9099",
}


def apply_to_application(theme: Theme) -> None:
    """Give the panels and menus the canvas's light or dark look, so the window reads as one.

    Where the desktop already shows the colours asked for, Qt's own palette follows it; anything else (the
    View ▸ Dark Mode setting against the desktop) needs a palette of our own on the Fusion style, and
    switching back to the desktop's colours gives Qt's palette back.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # no application, or one without widgets: nothing to colour
        return
    if theme.dark == system_prefers_dark():
        if app.property("gradvizPalette"):  # switched back to what the desktop shows
            app.setPalette(app.style().standardPalette())
            app.setProperty("gradvizPalette", False)
        return
    app.setStyle("Fusion")
    if theme.dark:
        palette = QPalette()
        for role, colour in DARK_WIDGETS.items():
            palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    else:  # light asked for on a dark desktop
        palette = app.style().standardPalette()
    app.setPalette(palette)
    app.setProperty("gradvizPalette", True)
