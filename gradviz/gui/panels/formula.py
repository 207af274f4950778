"""The formula panel: the current step's rule, typeset, with the shapes and the cost of the step.

Typesetting uses matplotlib's mathtext (real overbars and superscripts, no TeX installation), imported
the first time a formula is shown so that starting the window does not pay for it. Typesetting one
rule takes 50–170 ms, so while steps go by faster than that (playing), the panel shows the rule in
Unicode at once and typesets it when the steps pause. The typesetting itself runs on a thread of its
own (``Typesetter``): on the GUI thread it froze the window that long at every step of a slow Play,
stalling the tokens' glide. A rule typeset before is shown at once from the cache. A rule mathtext
cannot typeset (a name with a character its fonts lack, or anything it cannot parse) stays in
Unicode: the panel never raises.
"""

from __future__ import annotations

import io
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from gradviz.gui.notation import plain, rich
from gradviz.model.step_view import Line, StepView

TYPESET_DELAY_MS = 120
TYPESET_KEPT = 256  # typeset rules kept as pixmaps (a few MB): stepping back and forth shows them at once
FORMULA_POINTS = 24.0
FORMULA_HEIGHT = 40  # the rule's row: one typeset line; the Steps dock is about 100 px tall at 96 dpi
PIXEL_RATIO = 2.0  # the typeset image is drawn at 2× for sharp text on high-density screens


class _MissingGlyphs(logging.Filter):
    """Catches mathtext's "Font … does not have a glyph" notes, which would otherwise print a box."""

    def __init__(self) -> None:
        super().__init__()
        self.missing = False

    def filter(self, record: logging.LogRecord) -> bool:
        self.missing = True
        return False  # the panel shows the rule in Unicode instead; nothing goes to stderr


_MATHTEXT = threading.Lock()  # matplotlib is not thread-safe: one typesetting at a time, whichever thread


@lru_cache(maxsize=512)
def typeset(latex: str, points: float, colour: str) -> bytes | None:
    """PNG bytes of ``latex`` (math mode), drawn at 2× for sharp text on high-density screens; None when
    mathtext cannot parse it or its fonts lack a character (remembered, so it is tried once). Safe to
    call from any thread (the lesson panel typesets on the GUI thread, the formula panel on its own)."""
    with _MATHTEXT:
        return _typeset_png(latex, points, colour)


def _typeset_png(latex: str, points: float, colour: str) -> bytes | None:
    from matplotlib import rc_context  # noqa: PLC0415 - first use only
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.mathtext import math_to_image  # noqa: PLC0415

    buffer = io.BytesIO()
    missing = _MissingGlyphs()
    log = logging.getLogger("matplotlib.mathtext")
    log.addFilter(missing)
    try:
        with rc_context({"savefig.transparent": True}):  # no white box on a dark panel
            math_to_image(f"${latex}$", buffer, prop=FontProperties(size=points), dpi=200, format="png", color=colour)
    except (ValueError, RuntimeError, MemoryError):  # mathtext's parse errors are ValueErrors
        return None
    finally:
        log.removeFilter(missing)
    return None if missing.missing else buffer.getvalue()


class Typesetter(QObject):
    """Typesets rules on a thread of its own, newest first: ``done(latex, colour, png)`` on the GUI thread.

    Only the rule asked for last matters (the panel shows one): one asked for while another is being
    typeset waits, and replaces any other waiting; older ones are dropped untypeset. The thread only runs
    mathtext and never touches Qt: the GUI thread looks at the running job every POLL_MS, so a window closed
    mid-typesetting leaves a thread that finishes into a Future nobody reads (a signal emitted from the
    thread could meet its receiver half-destroyed)."""

    POLL_MS = 15

    done = Signal(str, str, object)

    def __init__(self, parent: QObject, points: float) -> None:
        super().__init__(parent)
        self.points = points
        self._pool = pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="typesetter")
        self._running: tuple[str, str, Future] | None = None
        self._waiting: tuple[str, str] | None = None
        self._poll = QTimer(self)  # one shot, armed again while the job runs: no clock left running idle
        self._poll.setSingleShot(True)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._check)
        self.destroyed.connect(lambda: pool.shutdown(wait=False, cancel_futures=True))

    @property
    def busy(self) -> bool:
        """Whether a rule is being typeset or waits to be."""
        return self._running is not None or self._waiting is not None

    def request(self, latex: str, colour: str) -> None:
        if self._running is None:
            self._start(latex, colour)
        else:
            self._waiting = (latex, colour)

    def _start(self, latex: str, colour: str) -> None:
        self._running = (latex, colour, self._pool.submit(typeset, latex, self.points, colour))
        self._poll.start()

    def _check(self) -> None:
        if self._running is None:
            return
        if not self._running[2].done():
            self._poll.start()
            return
        latex, colour, future = self._running
        self._running = None
        if self._waiting is not None:
            self._start(*self._waiting)
            self._waiting = None
        self.done.emit(latex, colour, future.result())


class FormulaPanel(QWidget):
    """The rule of the current step, its shapes, its flops and, where the op says, what it teaches."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("formulaPanel")
        self.setAccessibleName("Formula of the current step")
        # The rule on top, as wide as the panel; the shapes, cost and note below it, scrolling inside
        # their own area. A long typeset rule is scaled down to the width there is: it must never widen
        # the Steps dock (a dock wider than the window scrolls sideways and hides the timeline's words).
        self.formula = QLabel()
        self.formula.setObjectName("formulaImage")
        self.formula.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.formula.setTextFormat(Qt.TextFormat.RichText)  # always through rich(): names are escaped
        self.formula.setWordWrap(True)
        self.formula.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.formula.setFixedHeight(FORMULA_HEIGHT)
        self.details = QLabel()
        self.details.setObjectName("formulaDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        details = QScrollArea()
        details.setObjectName("formulaDetailsScroll")
        details.setAccessibleName("Shapes, cost and notes of the step (scrolls)")
        details.setWidgetResizable(True)
        details.setFrameShape(QFrame.Shape.NoFrame)
        details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        details.setWidget(self.details)
        details.setMinimumHeight(1)
        # its hint must not count in the dock's height-for-width, or the whole Steps dock scrolls
        details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 2)
        layout.setSpacing(2)
        layout.addWidget(self.formula)
        layout.addWidget(details, 1)
        font = self.formula.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.formula.setFont(font)
        self._image: QPixmap | None = None  # the typeset rule at full size, fitted to the label's width
        self._pending: tuple[str, str] | None = None  # (latex, colour) of the rule shown in Unicode for now
        self._typeset_later = QTimer(self, singleShot=True, interval=TYPESET_DELAY_MS)
        self._typeset_later.timeout.connect(self._typeset)
        self._typesetter = Typesetter(self, FORMULA_POINTS)
        self._typesetter.done.connect(self._typeset_done)
        self._rules: dict[tuple[str, str], QPixmap | None] = {}  # rules typeset so far (None: could not be)

    @property
    def typesetting(self) -> bool:
        """Whether the rule shown is still in Unicode, waiting to be typeset."""
        return self._pending is not None

    def clear(self) -> None:
        self._typeset_later.stop()
        self._pending = None
        self._image = None
        self.formula.clear()
        self.details.setText("")

    def _typeset(self) -> None:
        """The steps paused: hand the rule to the typesetter (its thread), shown when done."""
        if self._pending is not None:
            self._typesetter.request(*self._pending)

    def _typeset_done(self, latex: str, colour: str, png: bytes | None) -> None:
        image = None
        if png is not None:
            image = QPixmap()
            image.loadFromData(png)
        self._rules[(latex, colour)] = image
        if len(self._rules) > TYPESET_KEPT:
            del self._rules[next(iter(self._rules))]  # the oldest
        if self._pending == (latex, colour):
            self._show_typeset(image)

    def _show_typeset(self, image: QPixmap | None) -> None:
        self._pending = None
        if image is not None:  # else the Unicode rule already shown stays
            self._image = image
            self._fit()

    def _fit(self) -> None:
        """Show the typeset rule at its size, or scaled down to the label's width if it is wider."""
        if self._image is None:
            return
        room = max(1, self.formula.contentsRect().width())
        pixmap = self._image
        if pixmap.width() / PIXEL_RATIO > room or pixmap.height() / PIXEL_RATIO > FORMULA_HEIGHT:
            pixmap = pixmap.scaled(
                int(room * PIXEL_RATIO),
                int(FORMULA_HEIGHT * PIXEL_RATIO),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        pixmap.setDevicePixelRatio(PIXEL_RATIO)
        self.formula.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def show_step(self, view: StepView) -> None:
        """The rule of the step the timeline tells (an edge: "x̄ = Wᵀ ā" for a bar's first contribution, "+="
        only where it sums several), with its shapes and cost, as the presenter words them."""
        self._image = None
        colour = self.palette().color(self.foregroundRole()).name()
        key = (view.formula_latex, colour)
        self.formula.setText(rich(view.formula))  # what stays if it cannot be typeset
        if key in self._rules:  # typeset before: at once
            self._typeset_later.stop()
            self._show_typeset(self._rules[key])
        else:  # Unicode now; typeset once the steps pause
            self._pending = key
            self._typeset_later.start()
        self.details.setText("<br>".join(_line(line) for line in view.lines))


def _line(line: Line) -> str:
    """One line of the details as rich text: the bold heading, the text escaped, its tone."""
    text = plain(line.text)
    if line.tone == "note":
        text = f"<i>{text}</i>"
    elif line.tone == "warning":
        text = f"<b style='color:#d64541'>{text}</b>"
    return f"<b>{plain(line.heading)}</b> &nbsp; {text}" if line.heading else text
