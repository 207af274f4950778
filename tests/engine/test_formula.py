"""Formulas in the lecture notes' notation: a bar over a name is its adjoint, a dot its tangent (Giles)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradviz.engine.formula import (
    COMBINING_MACRON,
    COMBINING_OVERLINE,
    ports_in,
    render_latex,
    render_shapes,
    render_unicode,
)

MATMUL_BAR_A = "{a:bar} += {out:bar} {b}ᵀ"  # Ā = C̄ Bᵀ, notes 20.2


def test_a_rule_reads_with_the_names_on_the_edge():
    assert render_unicode(MATMUL_BAR_A, {"a": "W", "b": "x", "out": "a"}) == "W̄ += ā xᵀ"
    assert render_unicode(MATMUL_BAR_A) == "ā += o̅u̅t̅ bᵀ"  # unnamed ports keep their own names


def test_one_letter_gets_a_macron_and_a_longer_name_one_joined_overline():
    assert render_unicode("{a:bar}", {"a": "W"}) == "W" + COMBINING_MACRON  # no precomposed W̄ in Unicode
    assert render_unicode("{a:bar}", {"a": "a"}) == "\u0101"  # NFC: ā is one character, as typed text is
    assert render_unicode("{a:bar}", {"a": "h1"}) == "h" + COMBINING_OVERLINE + "1" + COMBINING_OVERLINE


def test_a_dot_sits_on_the_letter_not_on_its_index():
    assert render_unicode("{a:dot}", {"a": "x1"}) == "\u1e8b1"  # ẋ (NFC of x + combining dot), then 1
    assert render_latex("{a:dot}", {"a": "x1"}) == r"\dot{x}_{1}"


def test_a_name_that_is_not_one_symbol_is_bracketed():
    assert render_unicode("{a} {b}", {"a": "A B", "b": "C"}) == "(A B) C"
    assert render_latex("{a}", {"a": "A B"}) == r"\left(\mathrm{A\ B}\right)"


def test_latex_bars_and_user_names_that_look_like_commands():
    assert render_latex(MATMUL_BAR_A, {"a": "W", "b": "x", "out": "a"}) == r"\bar{W}\ {+}{=}\ \bar{a}\ x^{T}"
    assert render_latex("{a:bar}", {"a": "conv"}) == r"\overline{\mathrm{conv}}"
    assert render_latex("{a}", {"a": "a_b$"}) == r"\left(\mathrm{a{\_}b{\$}}\right)"  # printed, not obeyed
    assert render_latex("{a}", {"a": "α"}) == r"\alpha "


def test_shapes_replace_every_placeholder_bar_or_not():
    assert render_shapes(MATMUL_BAR_A, {"a": (2, 2), "b": (2, 1), "out": (2, 1)}) == "(2×2) += (2×1) (2×1)ᵀ"
    assert render_shapes("{out:bar} = {a}", {"out": ()}) == "(scalar) = {a}"  # an unknown shape stays a port


def test_ports_in_a_template():
    assert ports_in(MATMUL_BAR_A) == {"a", "b", "out"}
    assert ports_in("Σ {x}²") == {"x"}


def test_mistakes_in_a_template_are_named():
    with pytest.raises(ValueError, match="unknown decoration 'hat'"):
        render_unicode("{a:hat}")
    with pytest.raises(ValueError, match="no LaTeX form for '∮'"):
        render_latex("∮ {a}")


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True), st.sampled_from(["bar", "dot"]))
def test_decorating_a_name_only_adds_marks_to_it(name, decoration):
    shown = unicodedata.normalize("NFD", render_unicode(f"{{a:{decoration}}}", {"a": name}))
    assert "".join(char for char in shown if not unicodedata.combining(char)) == unicodedata.normalize("NFD", name)
