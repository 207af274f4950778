"""Reading back the array a node's badge draws: the canvas keeps only its picture and a token naming it,
and reads the array from the trace when asked (``ArrayLook.array``)."""

from __future__ import annotations

import numpy as np

from gradviz.gui.canvas.items import ArrayLook


def drawn(shown: ArrayLook | None) -> np.ndarray | None:
    """The array a badge draws (read from its trace now), None where nothing is known yet."""
    return None if shown is None else shown.array()
