"""The formula panel: the current step's rule, typeset, with the shapes and the cost of the step.

Typesetting uses matplotlib's mathtext (real overbars and superscripts, no TeX installation), imported
the first time a formula is shown so that starting the window does not pay for it. Typesetting one
rule takes about 50 ms, so while steps go by faster than that (playing), the panel shows the rule in
Unicode at once and typesets it when the steps pause.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradviz.engine.describe import rule_shapes
from gradviz.engine.trace import Trace

TYPESET_DELAY_MS = 120


@lru_cache(maxsize=512)
def typeset(latex: str, points: float, colour: str) -> bytes:
    """PNG bytes of ``latex`` (math mode), drawn at 2× for sharp text on high-density screens."""
    from matplotlib import rc_context  # noqa: PLC0415 - first use only
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.mathtext import math_to_image  # noqa: PLC0415

    buffer = io.BytesIO()
    with rc_context({"savefig.transparent": True}):  # no white box on a dark panel
        math_to_image(f"${latex}$", buffer, prop=FontProperties(size=points), dpi=200, format="png", color=colour)
    return buffer.getvalue()


class FormulaPanel(QWidget):
    """The rule of the current step, its shapes, its flops and, where the op says, what it teaches."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("formulaPanel")
        self.setAccessibleName("Formula of the current step")
        self.formula = QLabel()
        self.formula.setObjectName("formulaImage")
        self.formula.setMinimumHeight(80)
        self.formula.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.details = QLabel()
        self.details.setObjectName("formulaDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 4)
        layout.addWidget(self.formula, 2)
        column = QVBoxLayout()
        column.addWidget(self.details)
        layout.addLayout(column, 3)
        font = self.formula.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        self.formula.setFont(font)
        self._pending: str | None = None
        self._typeset_later = QTimer(self, singleShot=True, interval=TYPESET_DELAY_MS, timeout=self._typeset)

    def clear(self) -> None:
        self._typeset_later.stop()
        self.formula.clear()
        self.details.setText("")

    def _typeset(self) -> None:
        if self._pending is None:
            return
        colour = self.palette().color(self.foregroundRole()).name()
        pixmap = QPixmap()
        pixmap.loadFromData(typeset(self._pending, 24.0, colour))
        pixmap.setDevicePixelRatio(2.0)
        self.formula.setPixmap(pixmap)
        self._pending = None

    def show_step(self, trace: Trace, index: int) -> None:
        step = trace.steps[index]
        self.formula.setText(trace.formula(index))  # Unicode now; typeset once the steps pause
        self._pending = trace.formula(index, latex=True)
        self._typeset_later.start()
        lines = []
        if step.kind == "backward":
            lines.append(f"<b>shapes</b> &nbsp; {rule_shapes(trace, index)}")
            if step.summed_axes:
                lines.append(f"broadcasting undone: Σ over axis {', '.join(map(str, step.summed_axes))}")
            if step.note:
                lines.append(f"<i>{step.note}</i>")
        if step.kind == "tangent":
            known = trace.gradient_at(index)
            found = sum(int((~np.isnan(gradient)).sum()) for gradient in known.values())
            total = sum(gradient.size for gradient in known.values())
            lines.append(f"<b>{trace.phase(index)}</b> &nbsp; after the finished passes, {found} of {total} "
                         "gradient elements are known; reverse mode finds all of them in one pass")
        flops = trace.flops(index)
        if flops:
            cost = f"<b>cost</b> &nbsp; {flops:,} floating-point operations"
            naive = trace.naive_flops(index)
            if naive:
                cost += (f"; summing every partial derivative one entry at a time would take {naive:,} "
                         f"({naive / flops:.0f}×): O(n⁴) against O(n³)")
            lines.append(cost)
        if step.nonfinite:
            lines.append("<b style='color:#d64541'>this step produced nan or infinity</b>")
        self.details.setText("<br>".join(lines))
