"""How the window's panels are placed and sized, so that no panel can push the window off the screen.

Every dock holds its panel inside a scroll area: a panel that grows (an inspector showing three
heatmaps, a long formula) then scrolls inside its dock instead of raising the window's minimum size,
which Qt would meet by growing the window past the bottom of the screen. The scroll area gives the panel
all of the dock whenever the panel's minimum fits, and scrolls only when it does not: Qt's own resizable
scroll area sizes a panel holding wrapped text at its preferred height for the width, so a kernel-flip
view that fits its dock at 290 px was drawn 580 px tall and cut off at the bottom. Sizes are in
device-independent pixels scaled by the screen's DPI, and bounded by the screen the window is on.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget

SIDE_SHARE = 0.18  # the side column's share of the window width, within SIDE_LIMITS
SIDE_LIMITS = (240, 360)  # at 96 dpi
STEPS_HEIGHT = 112  # the Steps dock's content at 96 dpi: the controls, the sentence and the formula
CONV_SHARE = 0.3  # the kernel-flip view takes at most this share of the window height
PREFERRED = QSize(1600, 1000)  # the window on a screen with room to spare, at 96 dpi


def dpi_scale(widget: QWidget) -> float:
    """Device-independent pixels per pixel at 96 dpi, for the screen ``widget`` is on."""
    return max(1.0, widget.logicalDpiX() / 96.0)


class FittingScroll(QScrollArea):
    """A scroll area that sizes its panel to the room there is, down to the panel's minimum for that width.

    The panel is at least as big as the viewport; it is bigger (and scrolls) only where its minimum
    size, with wrapped text at its height for the width, is bigger than the viewport.
    """

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self._fitting = False
        self.setWidgetResizable(False)  # sized here, see the class docstring
        self.setWidget(panel)
        panel.installEventFilter(self)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize) and (
            watched is self.viewport() or event.type() == QEvent.Type.LayoutRequest
        ):
            self.fit()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        panel = self.widget()
        if panel is None or self._fitting:
            return
        self._fitting = True  # resizing the panel shows or hides a scroll bar, which resizes the viewport
        try:
            room = self.viewport().size()
            minimum = panel.minimumSizeHint().expandedTo(panel.minimumSize())
            width = max(room.width(), minimum.width())
            layout = panel.layout()
            height = minimum.height()
            if layout is not None and layout.hasHeightForWidth():
                height = max(height, layout.totalMinimumHeightForWidth(width))
            size = QSize(width, max(room.height(), height))
            if panel.size() != size:
                panel.resize(size)
        finally:
            self._fitting = False


def scrolled(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless scroll area that gives it all the room there is and scrolls the rest."""
    area = FittingScroll(panel)
    area.setObjectName(f"{panel.objectName()}Scroll")
    area.setAccessibleName(f"{panel.accessibleName()} (scrolls)")
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def window_size(available: QRect, scale: float) -> QSize:
    """The size a new window opens at: the preferred size, or the screen's available room if less."""
    return QSize(
        min(int(PREFERRED.width() * scale), available.width()), min(int(PREFERRED.height() * scale), available.height())
    )


def side_width(window_width: int, scale: float) -> int:
    low, high = (int(limit * scale) for limit in SIDE_LIMITS)
    return max(low, min(high, int(window_width * SIDE_SHARE)))


def conv_height(window_height: int, scale: float, wanted: int) -> int:
    """The kernel-flip view's height: what it wants, but never most of the window."""
    return max(int(120 * scale), min(wanted, int(window_height * CONV_SHARE)))


def size_bottom_docks(
    window: QMainWindow, steps: QDockWidget, above: QDockWidget | None = None, height: int = 0
) -> None:
    """The Steps dock at its own height and ``above`` it (the kernel-flip view) at ``height``: given both,
    resizeDocks takes the room from the canvas. Given only the dock above, Qt took it from the Steps dock
    beside it in the split, and squeezed the timeline's sentence to its 84 px minimum."""
    wanted = [int(STEPS_HEIGHT * dpi_scale(window))]
    shown = [steps] if above is None else [above, steps]
    window.resizeDocks(shown, [height, *wanted] if above is not None else wanted, Qt.Orientation.Vertical)


def clamp_to(geometry: QRect, frame: QRect, available: QRect) -> QRect | None:
    """A geometry whose frame fits ``available`` (None if ``frame`` already fits)."""
    if available.contains(frame) or available.isEmpty():
        return None
    extra_w, extra_h = frame.width() - geometry.width(), frame.height() - geometry.height()
    size = QSize(
        min(geometry.width(), available.width() - extra_w), min(geometry.height(), available.height() - extra_h)
    )
    left = max(available.left(), min(frame.left(), available.right() - size.width() - extra_w + 1))
    top = max(available.top(), min(frame.top(), available.bottom() - size.height() - extra_h + 1))
    return QRect(
        left + (geometry.left() - frame.left()), top + (geometry.top() - frame.top()), size.width(), size.height()
    )
