"""Elementwise functions h = g(a): the bar rule is always ā = h̄ ⊙ g′(a) (lecture notes, seed 002).

Every rule below is that one line with g′ written out; where g′ can be expressed through the output
z = g(a) (exp, sqrt, sigmoid, tanh) we use z, as autograd does, so nothing is computed twice.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradviz.engine.attrs import Attr
from gradviz.engine.ops._common import per_element, same_shape
from gradviz.engine.registry import Port, defop
from gradviz.engine.spelling import Spelling


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # NOTE: written through tanh so that neither tail overflows: σ(x) = (1 + tanh(x/2)) / 2.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def unary(
    name: str,
    forward: Callable[[np.ndarray], np.ndarray],
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray | float],  # a constant for neg
    formula: str,
    bar: str,
    dot: str,
    doc: str,
    flops: int = 1,
    domain: str = "real",
    *,
    spelling: Spelling,
) -> None:
    """Declare h = g(x) from g and g′(x, z); both rules follow from g′ alone (the exported numpy script
    writes the bar rule out again, in ``spelling``, so that two derivations are compared)."""
    defop(
        name,
        "elementwise",
        doc,
        ports=[Port("x", domain=domain)],
        forward=forward,
        shape=same_shape,
        vjp=[lambda g, z, x: g * derivative(x, z)],
        jvp=[lambda t, z, x: t * derivative(x, z)],
        formula=formula,
        bars=[bar],
        dot=dot,
        flops=per_element(flops),
        spelling=spelling,
    )


# ----- sign and powers -------------------------------------------------------------------------

unary(
    "neg",
    np.negative,
    lambda x, z: -1.0,
    "{out} = −{x}",
    "{x:bar} += −{out:bar}",
    "{out:dot} = −{x:dot}",
    "Negation −x.",
    spelling=Spelling(numpy="-{x}", numpy_bars=["-{g}"], torch="-{x}"),
)
unary(
    "square",
    np.square,
    lambda x, z: 2.0 * x,
    "{out} = {x}²",
    "{x:bar} += {out:bar} ⊙ 2{x}",
    "{out:dot} = 2{x} ⊙ {x:dot}",
    "Square x².",
    spelling=Spelling(numpy="{x} ** 2", numpy_bars=["{g} * 2 * {x}"], torch="{x} ** 2"),
)
unary(
    "sqrt",
    np.sqrt,
    lambda x, z: 0.5 / z,
    "{out} = √{x}",
    "{x:bar} += {out:bar} ⊘ (2{out})",
    "{out:dot} = {x:dot} ⊘ (2{out})",
    "Square root √x, for x > 0.",
    domain="positive",
    spelling=Spelling(numpy="np.sqrt({x})", numpy_bars=["{g} / (2 * {z})"], torch="torch.sqrt({x})"),
)
# NOTE: abs′(0) = 0 (np.sign), the choice torch and autograd make.
unary(
    "abs",
    np.abs,
    lambda x, z: np.sign(x),
    "{out} = |{x}|",
    "{x:bar} += {out:bar} ⊙ sign({x})",
    "{out:dot} = sign({x}) ⊙ {x:dot}",
    "Absolute value |x|; its derivative at 0 is taken as 0.",
    domain="smooth",
    spelling=Spelling(numpy="np.abs({x})", numpy_bars=["{g} * np.sign({x})"], torch="torch.abs({x})"),
)

# ----- exponential and logarithm --------------------------------------------------------------

unary(
    "exp",
    np.exp,
    lambda x, z: z,
    "{out} = exp({x})",
    "{x:bar} += {out:bar} ⊙ {out}",
    "{out:dot} = {out} ⊙ {x:dot}",
    "Exponential eˣ.",
    spelling=Spelling(numpy="np.exp({x})", numpy_bars=["{g} * {z}"], torch="torch.exp({x})"),
)
unary(
    "log",
    np.log,
    lambda x, z: 1.0 / x,
    "{out} = log({x})",
    "{x:bar} += {out:bar} ⊘ {x}",
    "{out:dot} = {x:dot} ⊘ {x}",
    "Natural logarithm, for x > 0.",
    domain="positive",
    spelling=Spelling(numpy="np.log({x})", numpy_bars=["{g} / {x}"], torch="torch.log({x})"),
)

# ----- activations ----------------------------------------------------------------------------

# NOTE: relu′(0) = 0: a unit exactly at zero passes no gradient, as in torch.
unary(
    "relu",
    _relu,
    lambda x, z: (x > 0).astype(x.dtype),
    "{out} = max({x}, 0)",
    "{x:bar} += {out:bar} ⊙ 𝟙[{x} > 0]",
    "{out:dot} = 𝟙[{x} > 0] ⊙ {x:dot}",
    "Rectified linear unit max(x, 0); its derivative at 0 is taken as 0.",
    domain="smooth",
    spelling=Spelling(numpy="np.maximum({x}, 0.0)", numpy_bars=["{g} * ({x} > 0)"], torch="torch.relu({x})"),
)
unary(
    "sigmoid",
    _sigmoid,
    lambda x, z: z * (1.0 - z),
    "{out} = σ({x})",
    "{x:bar} += {out:bar} ⊙ {out} ⊙ (1 − {out})",
    "{out:dot} = {out} ⊙ (1 − {out}) ⊙ {x:dot}",
    "Logistic sigmoid 1 / (1 + e⁻ˣ).",
    flops=4,
    spelling=Spelling(
        numpy="0.5 * (1 + np.tanh(0.5 * {x}))", numpy_bars=["{g} * {z} * (1 - {z})"], torch="torch.sigmoid({x})"
    ),
)
unary(
    "tanh",
    np.tanh,
    lambda x, z: 1.0 - z * z,
    "{out} = tanh({x})",
    "{x:bar} += {out:bar} ⊙ (1 − {out}²)",
    "{out:dot} = (1 − {out}²) ⊙ {x:dot}",
    "Hyperbolic tangent.",
    flops=3,
    spelling=Spelling(numpy="np.tanh({x})", numpy_bars=["{g} * (1 - {z} ** 2)"], torch="torch.tanh({x})"),
)

# ----- trigonometry -----------------------------------------------------------------------------

unary(
    "sin",
    np.sin,
    lambda x, z: np.cos(x),
    "{out} = sin({x})",
    "{x:bar} += {out:bar} ⊙ cos({x})",
    "{out:dot} = cos({x}) ⊙ {x:dot}",
    "Sine.",
    spelling=Spelling(numpy="np.sin({x})", numpy_bars=["{g} * np.cos({x})"], torch="torch.sin({x})"),
)
unary(
    "cos",
    np.cos,
    lambda x, z: -np.sin(x),
    "{out} = cos({x})",
    "{x:bar} += −{out:bar} ⊙ sin({x})",
    "{out:dot} = −sin({x}) ⊙ {x:dot}",
    "Cosine.",
    spelling=Spelling(numpy="np.cos({x})", numpy_bars=["-{g} * np.sin({x})"], torch="torch.cos({x})"),
)

# ----- pow --------------------------------------------------------------------------------------

# NOTE: the exponent is an attribute, not an input, so it gets no bar. For a non-integer exponent
# x must be positive (numpy gives nan otherwise, and the trace flags it).
defop(
    "pow",
    "elementwise",
    "Power x ** p with a fixed exponent p.",
    ports=[Port("x", domain="positive")],
    forward=lambda x, exponent: np.power(x, exponent),
    shape=same_shape,
    vjp=[lambda g, z, x, exponent: g * exponent * np.power(x, exponent - 1.0)],
    jvp=[lambda t, z, x, exponent: t * exponent * np.power(x, exponent - 1.0)],
    formula="{out} = {x}ᵖ",
    bars=["{x:bar} += {out:bar} ⊙ p {x}ᵖ⁻¹"],
    dot="{out:dot} = p {x}ᵖ⁻¹ ⊙ {x:dot}",
    flops=per_element(3),
    attrs=[Attr("exponent", "number", 2.0, "the power p")],
    spelling=Spelling(
        numpy="{x} ** {exponent!r}",
        numpy_bars=["{g} * {exponent!r} * {x} ** ({exponent!r} - 1)"],
        torch="{x} ** {exponent!r}",
    ),
)
