"""The op record and the registry: every fact about an op, declared once, read by everything else.

The tracer, forward mode, the gradient check, the command line, the palette, the inspector and the
docs all read an op from here; none of them knows an op by name. Declarations live in
``gradviz.engine.ops`` and read like a table of calculus.

Conventions every rule follows:
- ``forward(*xs, **attrs)`` takes the present inputs in port order.
- ``vjp[i](g, out, *xs, **attrs)`` is the bar rule for port ``i``: given the output's bar ``g``,
  the contribution to that input's bar, written as if the input already had the output's shape
  (the engine sums broadcast axes away). ``None`` marks a port with no bar (integer labels).
- ``jvp[i](t, out, *xs, **attrs)`` is the dot rule: the output's tangent caused by the tangent
  ``t`` of port ``i`` alone. Forward mode adds these over the ports (the rule is linear in t).
- ``shape(*shapes, **attrs)`` returns the output's shape or raises a ShapeError a user can read.
- ``flops(*shapes, **attrs)`` counts the forward's floating-point operations.
- ``spelling`` is how ``gradviz export`` writes the op in numpy and in torch (see ``spelling.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from gradviz.engine.attrs import Attr
from gradviz.engine.errors import AttrError, GraphError
from gradviz.engine.formula import ports_in
from gradviz.engine.spelling import CannotExport, Spelling

Shape = tuple[int, ...]

# What values a port accepts; tests and the value editor's "random" fill read this.
DOMAINS = {
    "real": "any real numbers",
    "positive": "positive numbers",
    "nonzero": "numbers away from zero",
    "smooth": "numbers away from the kink at zero",
    "invertible": "an invertible square matrix",
    "labels": "integer class labels",
}

CATEGORIES = ("source", "arithmetic", "elementwise", "linear algebra", "shape", "reduction", "loss", "convolution")


@dataclass(frozen=True)
class Port:
    """One ordered input of an op."""

    name: str
    differentiable: bool = True
    optional: bool = False
    domain: str = "real"

    def __post_init__(self) -> None:
        if self.domain not in DOMAINS:
            raise ValueError(f"unknown domain {self.domain!r}")

    @property
    def dtype(self) -> str:
        """'int' for label ports, 'float' (float64) for everything else."""
        return "int" if self.domain == "labels" else "float"


@dataclass(frozen=True)
class Op:
    """Everything gradviz knows about one op."""

    name: str
    category: str
    doc: str
    ports: tuple[Port, ...]
    forward: Callable[..., Any]
    shape: Callable[..., Shape]
    vjp: tuple[Callable[..., Any] | None, ...]
    jvp: tuple[Callable[..., Any] | None, ...]
    formula: str
    bar_formulas: tuple[str | None, ...]
    dot_formula: str
    flops: Callable[..., int]
    attrs: tuple[Attr, ...] = ()
    bar_notes: tuple[str | None, ...] = ()
    has_bar: bool = True
    # per port, where it teaches something: the flops of computing the bar by summing every partial
    # derivative one element at a time (matmul: O(n⁴), against O(n³) for the matrix product)
    naive_bar_flops: tuple[Callable[..., int] | None, ...] = ()
    spelling: Spelling | CannotExport | None = None  # None: sources, whose values scripts write as literals
    _attr_index: dict[str, Attr] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        count = len(self.ports)
        if not (len(self.vjp) == len(self.jvp) == len(self.bar_formulas) == count):
            raise ValueError(f"{self.name}: one vjp, jvp and bar formula per port")
        if not self.bar_notes:
            object.__setattr__(self, "bar_notes", (None,) * count)
        if not self.naive_bar_flops:
            object.__setattr__(self, "naive_bar_flops", (None,) * count)
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.name}: unknown category {self.category!r}")
        self._attr_index.update({attr.name: attr for attr in self.attrs})
        if isinstance(self.spelling, Spelling):
            self.spelling.check(self.name, [port.differentiable for port in self.ports])

    @property
    def is_source(self) -> bool:
        return not self.ports

    @property
    def port_names(self) -> tuple[str, ...]:
        return tuple(port.name for port in self.ports)

    @property
    def min_inputs(self) -> int:
        return sum(not port.optional for port in self.ports)

    def check_arity(self, count: int) -> None:
        """Raise a GraphError unless ``count`` inputs fit this op's ports."""
        if not self.min_inputs <= count <= len(self.ports):
            wanted = (
                str(len(self.ports))
                if self.min_inputs == len(self.ports)
                else f"{self.min_inputs} to {len(self.ports)}"
            )
            names = ", ".join(self.port_names) or "none"
            raise GraphError(f"{self.name} takes {wanted} inputs ({names}), not {count}")

    def resolve_attrs(self, given: dict[str, Any] | None) -> dict[str, Any]:
        """Every declared attribute, ``given`` ones checked and the rest at their defaults."""
        given = given or {}
        unknown = sorted(set(given) - set(self._attr_index))
        if unknown:
            known = ", ".join(self._attr_index) or "none"
            raise AttrError(f"{self.name} has no attribute {unknown[0]!r} (it has: {known})")
        return {
            name: attr.coerce(given[name], self.name) if name in given else attr.default
            for name, attr in self._attr_index.items()
        }

    def template_names(self) -> set[str]:
        """Every port a display formula may mention: the ports and ``out``."""
        return set(self.port_names) | {"out"}

    def check_formulas(self) -> None:
        """Raise ValueError if a formula mentions a port the op does not have."""
        templates = [self.formula, self.dot_formula, *(f for f in self.bar_formulas if f)]
        for template in templates:
            stray = ports_in(template) - self.template_names()
            if stray:
                raise ValueError(f"{self.name}: formula {template!r} names unknown ports {sorted(stray)}")


_REGISTRY: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to the registry; a name may be registered once."""
    if op.name in _REGISTRY:
        raise ValueError(f"op {op.name!r} is registered twice")
    op.check_formulas()
    _REGISTRY[op.name] = op
    return op


def defop(
    name: str,
    category: str,
    doc: str,
    *,
    ports: Sequence[Port | str],
    forward: Callable[..., Any],
    shape: Callable[..., Shape],
    vjp: Sequence[Callable[..., Any] | None],
    jvp: Sequence[Callable[..., Any] | None],
    formula: str,
    bars: Sequence[str | None],
    dot: str,
    flops: Callable[..., int],
    attrs: Sequence[Attr] = (),
    bar_notes: Sequence[str | None] = (),
    has_bar: bool = True,
    naive_bar_flops: Sequence[Callable[..., int] | None] = (),
    spelling: Spelling | CannotExport | None = None,
) -> Op:
    """Declare and register an op; ports given as plain strings are real-valued and differentiable."""
    return register(
        Op(
            name=name,
            category=category,
            doc=doc,
            ports=tuple(port if isinstance(port, Port) else Port(port) for port in ports),
            forward=forward,
            shape=shape,
            vjp=tuple(vjp),
            jvp=tuple(jvp),
            formula=formula,
            bar_formulas=tuple(bars),
            dot_formula=dot,
            flops=flops,
            attrs=tuple(attrs),
            bar_notes=tuple(bar_notes),
            has_bar=has_bar,
            naive_bar_flops=tuple(naive_bar_flops),
            spelling=spelling,
        )
    )


def get_op(name: str) -> Op:
    """The op called ``name``; a GraphError naming the close alternatives otherwise."""
    if not _loaded:
        _load_declarations()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise GraphError(f"unknown op {name!r}") from None


def find_op(name: str) -> Op | None:
    """The op called ``name``, or None: a dict hit once the declarations are loaded (the window asks per
    node per step, and an ``import`` statement is not free once Qt's import hook is installed)."""
    if not _loaded:
        _load_declarations()
    return _REGISTRY.get(name)


def all_ops() -> Iterator[Op]:
    """Every registered op, in declaration order."""
    if not _loaded:
        _load_declarations()
    return iter(tuple(_REGISTRY.values()))


_loaded = False  # whether gradviz.engine.ops has been imported (and so every op registered)


def _load_declarations() -> None:
    # The declarations register themselves on import; importing here keeps the registry usable
    # from any entry point without import-order rituals. Done once: afterwards a lookup is a dict hit.
    global _loaded  # noqa: PLW0603 - a load-once flag, the cheapest check a hot lookup can make
    import gradviz.engine.ops  # noqa: F401, PLC0415 - the declarations import this module

    _loaded = True
