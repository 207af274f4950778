"""Wrong rules for the practice question "which rule gives this contribution?", made from the op's own
declared bar rule by the mistakes students make: the transposes swapped, the factors in the wrong order,
the other input's rule, a missing g′ (an elementwise rule without its derivative), the unflipped kernel
(∗ and ⋆ exchanged, rot180 dropped), the output where the input belongs, the 2 or the sign of an error lost.
Each kind of op gets the mistakes typical of it. For a matrix product, wrong rules whose shapes still fit
come first (a student cannot rule them out by shape alone), then the ones that do not; a factor of 2 or ½
is offered only when an op's own mistakes run out. Nothing here imports Qt.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from gradviz.engine.formula import render_unicode
from gradviz.engine.trace import AccumulateStep, BackwardStep, Trace

_ONE = r"\{\w+(?::\w+)?\}(?:⁻ᵀ|ᵀ|⁻¹)?"  # a name, its bar, maybe transposed or inverted
_FACTOR = re.compile(_ONE)
_PRODUCT = re.compile(rf"−?{_ONE}(?: {_ONE})+")  # names side by side: matrix products
_FACTORS_ONLY = re.compile(rf"{_ONE}(?: {_ONE})*")
# ----- the rule question: wrong formulas made from the declaration -------------------------------------------


def _split_rule(template: str) -> tuple[str, str]:
    """``{a:bar} += {out:bar} {b}ᵀ`` as its left side with the operator, and its right side."""
    left, operator, right = template.partition(" += ")
    return (left + operator, right) if operator else ("", template)


def _toggle_transpose(factor: str) -> str:
    if factor.endswith("⁻ᵀ"):
        return factor[:-2] + "⁻¹"
    if factor.endswith("⁻¹"):
        return factor[:-2] + "⁻ᵀ"
    return factor[:-1] if factor.endswith("ᵀ") else factor + "ᵀ"


def _transposes_swapped(right: str) -> Iterator[str]:
    factors = list(_FACTOR.finditer(right))
    if len(factors) < 2:
        return
    for chosen in ([i] for i in range(len(factors))):
        out, position = [], 0
        for i, match in enumerate(factors):
            out.append(right[position : match.start()])
            out.append(_toggle_transpose(match.group(0)) if i in chosen else match.group(0))
            position = match.end()
        out.append(right[position:])
        yield "".join(out)


def _factors_reordered(right: str) -> Iterator[str]:
    product = _PRODUCT.search(right)
    if product is None:
        return
    text = product.group(0)
    sign = "−" if text.startswith("−") else ""
    factors = text.lstrip("−").split(" ")
    for order in (factors[::-1], [_toggle_transpose(f) for f in factors[::-1]]):
        if order != factors:
            yield right[: product.start()] + sign + " ".join(order) + right[product.end() :]


def _derivative_dropped(right: str) -> Iterator[str]:
    """An elementwise rule without its g′: ``h̄ ⊙ g′(a)`` becomes ``h̄``; a loss's ``c̄ · 2(f − y)`` loses its factor."""
    for operator in (" ⊙ ", " · ", " ⊘ "):
        head, found, _ = right.partition(operator)
        if found:
            yield head
            return


def _kernel_unflipped(right: str) -> Iterator[str]:
    if "∗" in right or "⋆" in right:
        yield right.translate({ord("∗"): "⋆", ord("⋆"): "∗"})
    inner = re.fullmatch(r"rot180\((.*)\)", right)
    if inner:
        yield inner.group(1)
    elif "⋆" in right or "∗" in right:
        yield f"rot180({right})"


def _output_for_input(right: str) -> Iterator[str]:
    """An elementwise derivative read at the wrong point: g′ of the output where the rule reads the input
    (tanh′ as 1 − a² instead of 1 − h²), or the other way round. Not for a derivative that only reads a
    sign (relu's 𝟙[a > 0] is 𝟙[h > 0] too: that would be a right answer offered as a wrong one)."""
    if "𝟙[" in right:
        return
    if "{out}" in right:
        yield right.replace("{out}", "{x}")
    elif "{x}" in right:
        yield right.replace("{x}", "{out}")


def _sign_lost(right: str) -> Iterator[str]:
    yield right[1:] if right.startswith("−") else "−" + right


def _value_for_bar(right: str) -> Iterator[str]:
    """The output's value where its bar belongs (``a xᵀ`` for ``ā xᵀ``): forgetting that backprop carries
    adjoints, not values. Same shape as the right rule, so it cannot be ruled out by shape."""
    if "{out:bar}" in right:
        yield right.replace("{out:bar}", "{out}", 1)


def _scaled(right: str) -> Iterator[str]:
    yield f"2 {right}" if " " not in right else f"2 ({right})"
    yield f"½ {right}" if " " not in right else f"½ ({right})"


def _constant_dropped(right: str) -> Iterator[str]:
    """The 2 of a square's derivative forgotten: ``2(f − y)`` as ``(f − y)``, ``2x`` as ``x``."""
    if re.search(r"(?<![\w}])2(?=[({])", right):
        yield re.sub(r"(?<![\w}])2(?=[({])", "", right, count=1)


def _difference_reversed(right: str) -> Iterator[str]:
    """``(f − y)`` as ``(y − f)``: the sign of the error turned round."""
    difference = re.search(r"\((\{\w+\}) − (\{\w+\})\)", right)
    if difference:
        yield (
            right[: difference.start()] + f"({difference.group(2)} − {difference.group(1)})" + right[difference.end() :]
        )


MISTAKES: dict[str, Callable[[str], Iterator[str]]] = {
    "transposes swapped": _transposes_swapped,
    "factors in the wrong order": _factors_reordered,
    "missing g′": _derivative_dropped,
    "the unflipped kernel": _kernel_unflipped,
    "output for input": _output_for_input,
    "constant dropped": _constant_dropped,
    "difference reversed": _difference_reversed,
    "sign lost": _sign_lost,
    "value for bar": _value_for_bar,
}
OTHER_RULE = "the other input's rule"
LAST_RESORT = "a wrong factor"  # 2× or ½×: offered when the op's own mistakes that keep the shape run out
# The mistakes students make with each kind of op, the most telling first.
BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "linear algebra": ("transposes swapped", "factors in the wrong order", OTHER_RULE, "value for bar", "sign lost"),
    "elementwise": ("missing g′", "output for input", "constant dropped", "sign lost"),
    "arithmetic": ("missing g′", OTHER_RULE, "sign lost"),
    "convolution": ("the unflipped kernel", OTHER_RULE, "value for bar", "sign lost"),
    "loss": ("missing g′", "constant dropped", "difference reversed", "sign lost"),
}
ANY_CATEGORY = ("sign lost", OTHER_RULE, "missing g′", "transposes swapped")


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_MISFIT = (-1,)  # the shape of a product whose inner sizes do not match


def _product_shape(right: str, shapes: Mapping[str, tuple[int, ...]]) -> tuple[int, ...] | None:
    """The shape of a right side that is a plain product of names (transposed or not); ``_MISFIT`` when
    its inner sizes do not match; None when it is not such a product (other rules keep the shape by
    construction of their mistakes)."""
    body = right.lstrip("−")
    if not _FACTORS_ONLY.fullmatch(body):
        return None
    result: tuple[int, ...] | None = None
    for factor in body.split(" "):
        shape = shapes.get(factor[1 : factor.index("}")].partition(":")[0])  # "{a:bar}ᵀ" names a
        if shape is None:
            return None
        if factor.endswith("ᵀ") and len(shape) == 2:
            shape = shape[::-1]
        if result is None or result == () or shape == ():
            result = shape if result in (None, ()) else result
            continue
        if len(result) != 2 or len(shape) != 2 or result[1] != shape[0]:
            return _MISFIT
        result = (result[0], shape[1])
    return result


def distractor_templates(
    template: str, ports: tuple[str, ...], category: str = "", other_rules: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(mistake, wrong rule template) for ``template``, a declared bar rule of an op with ``ports`` in
    ``category``, the mistakes typical of that kind of op first. A wrong rule names only the op's ports."""
    left, right = _split_rule(template)
    known = {*ports, "out"}
    found: list[tuple[str, str]] = []
    for mistake in BY_CATEGORY.get(category, ANY_CATEGORY):
        if mistake == OTHER_RULE:  # the other input's rule, given to this one
            found.extend((mistake, left + _split_rule(rule)[1]) for rule in other_rules)
            continue
        if mistake == "transposes swapped" and not _PRODUCT.search(right):
            continue  # a transpose is a plausible slip only in a matrix product
        found.extend(
            (mistake, left + wrong) for wrong in MISTAKES[mistake](right) if set(re.findall(r"\{(\w+)", wrong)) <= known
        )
    found.extend((LAST_RESORT, left + wrong) for wrong in _scaled(right))  # always distinct from the right one
    return found


@dataclass(frozen=True)
class RuleChoices:
    """The options of the rule question (Unicode, with the edge's names) and which one is right."""

    options: tuple[str, ...]
    right: int
    mistakes: tuple[str, ...]  # for each option, the mistake it makes ('' for the right one)


def _one_of_each_first(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``entries`` with the first of each kind of mistake before any second one: varied wrong answers."""
    seen: dict[str, int] = {}
    ranked = []
    for position, (mistake, shown) in enumerate(entries):
        seen[mistake] = seen.get(mistake, -1) + 1
        ranked.append((seen[mistake], position, (mistake, shown)))
    return [entry for *_, entry in sorted(ranked)]


def first_contribution(trace: Trace, index: int) -> bool:
    """Whether backward step ``index``'s contribution is the first into its parent's bar (the addition
    that follows it counts 1), so the rule reads "=" as the timeline tells it (gradviz.model.story)."""
    following = trace.steps[index + 1] if index + 1 < len(trace.steps) else None
    return isinstance(following, AccumulateStep) and following.count == 1


def rule_choices(trace: Trace, index: int, count: int = 3, seed: int | None = None) -> RuleChoices:
    """The right rule of backward step ``index`` and ``count`` wrong ones, none equal to it as the student
    reads it (after the names are put in: x * x has two ports named x), shuffled by ``seed`` (the step)."""
    step = trace.steps[index]
    if not isinstance(step, BackwardStep):
        raise ValueError(f"step {index} is a {step.kind} step: a rule is chosen at a backward step")
    op = step.node.op
    names = {port.name: trace.program.node(parent).name for port, parent in zip(op.ports, step.node.inputs)}
    names["out"] = step.node.name
    shapes = {port.name: trace.program.node(parent).shape for port, parent in zip(op.ports, step.node.inputs)}
    shapes["out"] = step.node.shape
    right = render_unicode(step.rule, names)
    others = tuple(
        rule for i, rule in enumerate(op.bar_formulas) if rule and i != step.port and i < len(step.node.inputs)
    )
    right_shape = _product_shape(_split_rule(step.rule)[1], shapes)
    target_shape = right_shape or step.parent.shape
    seen = {_normal(right)}
    fitting: list[tuple[str, str]] = []
    misfit: list[tuple[str, str]] = []
    last_resort: list[tuple[str, str]] = []
    for mistake, template in distractor_templates(step.rule, op.port_names, op.category, others):
        try:
            shown = render_unicode(template, names)
        except (KeyError, ValueError, IndexError):
            continue
        if _normal(shown) in seen:
            continue
        seen.add(_normal(shown))
        shape = _product_shape(_split_rule(template)[1], shapes)
        fits = shape == target_shape if shape is not None else right_shape is None  # unknown beside a product: no
        tier = last_resort if mistake == LAST_RESORT else fitting if fits else misfit
        tier.append((mistake, shown))
    # Every wrong rule has the bar's shape where the op's mistakes allow: the student has just answered the
    # shape, so a rule of another shape would be ruled out without a thought. The op's own mistakes that
    # keep the shape come first, then the right rule scaled (2×, ½×: the shape by construction); a rule of
    # another shape only if those run out (a rule with no product cannot run out: all of its mistakes fit).
    chosen = (_one_of_each_first(fitting) + last_resort + _one_of_each_first(misfit))[:count]
    if len(chosen) < count:  # only a rule with no names at all could run out; pad with visibly different ones
        chosen += [("a wrong factor", f"{right} + {k}") for k in range(1, count - len(chosen) + 1)]
    entries = [("", right), *chosen]
    if first_contribution(trace, index):  # written as the timeline writes it: x̄ = …, not x̄ += …
        entries = [(mistake, text.replace(" += ", " = ", 1)) for mistake, text in entries]
    random.Random(index if seed is None else seed).shuffle(entries)
    return RuleChoices(
        tuple(text for _, text in entries),
        next(i for i, (m, _) in enumerate(entries) if m == ""),
        tuple(m for m, _ in entries),
    )
