"""Binary arithmetic with numpy broadcasting: add, sub, mul, div.

Each bar rule is written as if both inputs had the output's shape; the engine sums broadcast axes
back to each input's shape and records them on the step.
"""

from __future__ import annotations

import numpy as np

from gradviz.engine.ops._common import broadcast_rule, per_element
from gradviz.engine.registry import Port, defop
from gradviz.engine.spelling import Spelling

# ----- add, sub ---------------------------------------------------------------------------------

defop(
    "add",
    "arithmetic",
    "Elementwise sum a + b, broadcasting as numpy does.",
    ports=["a", "b"],
    forward=np.add,
    shape=broadcast_rule("add"),
    vjp=[lambda g, z, a, b: g, lambda g, z, a, b: g],
    jvp=[lambda t, z, a, b: t, lambda t, z, a, b: t],
    formula="{out} = {a} + {b}",
    bars=["{a:bar} += {out:bar}", "{b:bar} += {out:bar}"],
    dot="{out:dot} = {a:dot} + {b:dot}",
    flops=per_element(1, broadcast_rule("add")),
    spelling=Spelling(numpy="{a} + {b}", numpy_bars=["{g}", "{g}"], torch="{a} + {b}"),
)

defop(
    "sub",
    "arithmetic",
    "Elementwise difference a − b, broadcasting as numpy does.",
    ports=["a", "b"],
    forward=np.subtract,
    shape=broadcast_rule("sub"),
    vjp=[lambda g, z, a, b: g, lambda g, z, a, b: -g],
    jvp=[lambda t, z, a, b: t, lambda t, z, a, b: -t],
    formula="{out} = {a} − {b}",
    bars=["{a:bar} += {out:bar}", "{b:bar} += −{out:bar}"],
    dot="{out:dot} = {a:dot} − {b:dot}",
    flops=per_element(1, broadcast_rule("sub")),
    spelling=Spelling(numpy="{a} - {b}", numpy_bars=["{g}", "-{g}"], torch="{a} - {b}"),
)

# ----- mul, div ---------------------------------------------------------------------------------

defop(
    "mul",
    "arithmetic",
    "Elementwise (Hadamard) product a ⊙ b, broadcasting as numpy does.",
    ports=["a", "b"],
    forward=np.multiply,
    shape=broadcast_rule("mul"),
    vjp=[lambda g, z, a, b: g * b, lambda g, z, a, b: g * a],
    jvp=[lambda t, z, a, b: t * b, lambda t, z, a, b: a * t],
    formula="{out} = {a} ⊙ {b}",
    bars=["{a:bar} += {out:bar} ⊙ {b}", "{b:bar} += {out:bar} ⊙ {a}"],
    dot="{out:dot} = {a:dot} ⊙ {b} + {a} ⊙ {b:dot}",
    flops=per_element(1, broadcast_rule("mul")),
    spelling=Spelling(numpy="{a} * {b}", numpy_bars=["{g} * {b}", "{g} * {a}"], torch="{a} * {b}"),
)

# NOTE: division by zero gives inf or nan, as in numpy; the trace flags the step that made it.
defop(
    "div",
    "arithmetic",
    "Elementwise quotient a ⊘ b, broadcasting as numpy does.",
    ports=["a", Port("b", domain="nonzero")],
    forward=np.divide,
    shape=broadcast_rule("div"),
    vjp=[lambda g, z, a, b: g / b, lambda g, z, a, b: -g * z / b],
    jvp=[lambda t, z, a, b: t / b, lambda t, z, a, b: -t * z / b],
    formula="{out} = {a} ⊘ {b}",
    bars=["{a:bar} += {out:bar} ⊘ {b}", "{b:bar} += −{out:bar} ⊙ {out} ⊘ {b}"],
    dot="{out:dot} = ({a:dot} − {out} ⊙ {b:dot}) ⊘ {b}",
    flops=per_element(1, broadcast_rule("div")),
    spelling=Spelling(numpy="{a} / {b}", numpy_bars=["{g} / {b}", "-{g} * {a} / {b} ** 2"], torch="{a} / {b}"),
)
