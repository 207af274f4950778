"""The gradient check: central finite differences in float64 against the bars of every source.

For each element xᵢ of each input and parameter, (c(xᵢ + h) − c(xᵢ − h)) / 2h is compared with the
bar the reverse pass found. The error reported per source is the largest over its elements of

    |numeric − bar| / max(|numeric|, |bar|, FLOOR · max(1, largest |bar| of the source))

a relative error, except that elements whose derivative is small next to the source's largest
are judged against that scale: finite differences carry rounding noise of about ε·|c|/h, which
against a true 0 would otherwise read as a 100 % error.

Two forward passes per number make the check of a big graph long, so it reports its progress (numbers
checked of all numbers) and can be stopped between two steps by a ``report`` that raises.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gradviz.engine.program import Program
from gradviz.engine.tracer import Report, forward_values, holding, run

STEP = 1e-6
FLOOR = 1e-3
TOLERANCE = 1e-5


@dataclass(frozen=True)
class SourceCheck:
    """One source: its bar from the reverse pass, the finite-difference estimate, and the error."""

    source: str
    bar: np.ndarray
    numeric: np.ndarray
    max_error: float

    @property
    def difference(self) -> np.ndarray:
        return self.bar - self.numeric


@dataclass(frozen=True)
class GradCheck:
    """The check of every source, and whether all are within ``tolerance``."""

    sources: Mapping[str, SourceCheck]
    tolerance: float

    @property
    def passed(self) -> bool:
        return all(check.max_error <= self.tolerance for check in self.sources.values())

    @property
    def max_error(self) -> float:
        return max((check.max_error for check in self.sources.values()), default=0.0)


def numeric_gradient(
    program: Program,
    source: str,
    overrides: Mapping[str, object] | None = None,
    step: float = STEP,
    report: Report | None = None,
) -> np.ndarray:
    """∂c/∂source by central differences, one element at a time (2 forward passes each); ``report(done,
    total)`` hears how many of the source's elements are done, on every op of their passes."""
    overrides = dict(overrides or {})
    base = np.array(overrides.get(source, program.node(source).value), dtype=np.float64)
    gradient = np.zeros(base.shape)

    def cost(value: np.ndarray, within: Report | None) -> float:
        return float(forward_values(program, {**overrides, source: value}, within)[program.output])

    for done, element in enumerate(np.ndindex(*base.shape)):
        within = None if report is None else holding(report, done, base.size)
        h = step * max(1.0, abs(float(base[element])))
        up, down = base.copy(), base.copy()
        up[element] += h
        down[element] -= h
        gradient[element] = (cost(up, within) - cost(down, within)) / (2 * h)
        if report is not None:
            report(done + 1, base.size)
    return gradient


def relative_error(bar: np.ndarray, numeric: np.ndarray) -> float:
    """The largest elementwise error, relative where the derivative is not near zero."""
    if bar.size == 0:
        return 0.0
    # fmax skips NaN silently (np.nanmax warns on an all-NaN bar, as log of a negative gives); a NaN
    # anywhere is then an infinite error, so the check fails and says where the trace flags it
    largest = max(
        1.0,
        float(np.fmax.reduce(np.abs(bar), axis=None, initial=0.0)),
        float(np.fmax.reduce(np.abs(numeric), axis=None, initial=0.0)),
    )
    with np.errstate(all="ignore"):
        scale = np.maximum(np.maximum(np.abs(bar), np.abs(numeric)), FLOOR * largest)
        errors = np.abs(bar - numeric) / scale
    return float(np.max(np.where(np.isnan(errors), np.inf, errors)))


def gradcheck(
    program: Program,
    overrides: Mapping[str, object] | None = None,
    tolerance: float = TOLERANCE,
    report: Report | None = None,
) -> GradCheck:
    """Compare every input's and parameter's bar with finite differences. ``report(done, total)`` hears
    how many numbers of all the sources are checked, on every step of the reverse pass and every op of the
    forward passes."""
    # labels are not differentiable
    checked = [source for source in program.sources if source.held.dtype.kind != "i"]
    total = sum(math.prod(source.shape) for source in checked)
    bars = run(program, overrides, None if report is None else holding(report, 0, total)).gradients()
    checks = {}
    done = 0
    for source in checked:
        within = None if report is None else _offset(report, done, total)
        numeric = numeric_gradient(program, source.id, overrides, report=within)
        checks[source.id] = SourceCheck(source.id, bars[source.id], numeric, relative_error(bars[source.id], numeric))
        done += math.prod(source.shape)
    return GradCheck(checks, tolerance)


def _offset(report: Report, before: int, total: int) -> Report:
    """One source's report as a report of all of them: its elements follow the ``before`` already checked."""
    return lambda done, _size: report(before + done, total)
