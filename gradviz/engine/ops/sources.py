"""Sources: the nodes that hold values instead of computing them.

A source has no ports; its forward receives the node's stored value and returns it. Inputs and
parameters get bars (they are what a student differentiates with respect to); constants do not.
"""

from __future__ import annotations

import numpy as np

from gradviz.engine.ops._common import same_shape
from gradviz.engine.registry import defop


def _source(name: str, doc: str, has_bar: bool) -> None:
    defop(
        name,
        "source",
        doc,
        ports=[],
        forward=np.asarray,
        shape=same_shape,
        vjp=[],
        jvp=[],
        formula=f"{{out}} = {name}",
        bars=[],
        dot="{out:dot} = eᵢ" if has_bar else "{out:dot} = 0",
        flops=lambda *_: 0,
        has_bar=has_bar,
    )


_source("input", "A value fed in: data such as x. Its bar is reported.", has_bar=True)
_source("parameter", "A value that would be learned, such as W. Its bar is reported.", has_bar=True)
_source("constant", "A fixed value such as a target y. It gets no bar.", has_bar=False)
