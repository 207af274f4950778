"""One sweep over the registry: every op's rules checked the same way, with generated shapes.

For each op, hypothesis draws input shapes (broadcasting, size-1 axes, vectors, batches) and values
from each port's domain, builds the program  inputs → op → c = Σ G ⊙ op(...)  with a random
constant G, and checks in float64 that
- the shape rule gives the forward's actual shape,
- every bar matches central finite differences (the gradient check, element by element),
- forward mode (dot rules, one pass per element) equals reverse mode (bar rules),
- the dot-product identity ⟨G, J ẋ⟩ = ⟨Jᵀ G, ẋ⟩ holds for random tangents ẋ.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.mathtext import math_to_image

from gradviz.engine.broadcast import unbroadcast
from gradviz.engine.formula import ports_in, render_latex, render_unicode
from gradviz.engine.forward_mode import forward_mode
from gradviz.engine.gradcheck import gradcheck
from gradviz.engine.registry import all_ops, get_op
from gradviz.engine.tracer import run
from tests.engine.op_cases import CASES, case_program

OPS = [op.name for op in all_ops() if not op.is_source]


def test_every_op_has_a_case():
    assert sorted(set(OPS) - set(CASES)) == []


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_op_rules(name, data, seed):
    op = get_op(name)
    case = data.draw(CASES[name], label="case")
    rng = np.random.default_rng(seed)
    program, arrays = case_program(op, case, rng)
    trace = run(program)
    out = program.node("out")

    # the shape rule agrees with the forward
    direct = np.asarray(op.forward(*arrays, **out.attrs))
    assert direct.shape == out.shape == trace.value("out").shape
    np.testing.assert_allclose(trace.value("out"), direct)

    flops = op.flops(*(array.shape for array in arrays), **out.attrs)
    assert isinstance(flops, int) and flops >= 0

    # every bar against central finite differences
    check = gradcheck(program)
    assert check.passed, {k: v.max_error for k, v in check.sources.items()}

    # forward mode equals reverse mode
    forward = forward_mode(program, record=False)
    for source, bar in trace.gradients().items():
        np.testing.assert_allclose(forward.gradients[source], bar, rtol=1e-9, atol=1e-12)

    # the dot-product identity, rule by rule, with random tangents
    weights = program.node("G").value
    z = trace.value("out")
    for port, (spec, x) in enumerate(zip(op.ports, arrays)):
        if not spec.differentiable:
            assert op.vjp[port] is None and op.jvp[port] is None
            continue
        tangent = rng.normal(size=x.shape)
        jvp = np.broadcast_to(op.jvp[port](tangent, z, *arrays, **out.attrs), z.shape)
        vjp, _ = unbroadcast(np.asarray(op.vjp[port](weights, z, *arrays, **out.attrs)), x.shape)
        lhs, rhs = np.vdot(weights, jvp), np.vdot(vjp, tangent)
        assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("op", list(all_ops()), ids=lambda op: op.name)
def test_declaration_is_complete(op):
    assert op.doc and op.formula and op.dot_formula
    assert "{out}" in op.formula and "{out:dot}" in op.dot_formula
    for port, template in zip(op.ports, op.bar_formulas):
        if port.differentiable:
            assert f"{{{port.name}:bar}}" in template, template
            assert ports_in(template) <= op.template_names()
        else:
            assert template is None
    for template in (op.formula, op.dot_formula, *(t for t in op.bar_formulas if t)):
        assert render_unicode(template)
        assert render_latex(template)
    for attr in op.attrs:
        assert attr.coerce(attr.default, op.name) == attr.default


@pytest.mark.parametrize("op", list(all_ops()), ids=lambda op: op.name)
def test_formulas_typeset_in_mathtext(op):
    """The formula panel typesets with matplotlib's mathtext: every formula must parse there."""
    names = {port.name: port.name for port in op.ports} | {"out": "z"}
    for template in (op.formula, op.dot_formula, *(t for t in op.bar_formulas if t)):
        math_to_image(f"${render_latex(template, names)}$", io.BytesIO(), dpi=72, format="png")
