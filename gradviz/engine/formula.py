"""Display formulas: written once per op as templates, rendered as Unicode or as LaTeX.

A template is Unicode math with placeholders for the op's ports and output: ``{a}`` is the value
of port ``a``, ``{a:bar}`` its bar, ``{a:dot}`` its tangent, ``{out}`` the op's own result. For
example matmul's first bar rule is ``"{a:bar} += {out:bar} {b}ᵀ"``. When a step is shown, the
placeholders are replaced by the names of the nodes on that edge ("W̄ += ā xᵀ").

Unicode is what the terminal shows; LaTeX is what the window typesets. The few symbols templates
may use are listed in ``LATEX_SYMBOLS`` so both renderings come from the same text.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping

COMBINING_MACRON = "\u0304"  # one letter: W̄
COMBINING_OVERLINE = "\u0305"  # joined over several letters: i̅1̅
COMBINING_DOT = "\u0307"

LATEX_SYMBOLS: dict[str, str] = {
    "ᵀ": "^{T}",
    "⁻¹": "^{-1}",
    "⁻ᵀ": "^{-T}",
    "²": "^{2}",
    "⊙": r"\odot ",
    "⊘": r"\oslash ",
    "·": r"\cdot ",
    "Σ": r"\sum ",
    "√": "",  # render_latex wraps the name that follows in \sqrt{…}
    "′": "'",
    "−": "-",
    "≥": r"\geq ",
    "≤": r"\leq ",
    "⋆": r"\star ",
    "∗": r"\ast ",
    "→": r"\to ",
    "←": r"\leftarrow ",
    "₊": "_{+}",
    "₀": "_{0}",
    "₁": "_{1}",
    "₂": "_{2}",
    "₃": "_{3}",
    "₄": "_{4}",
    "ₒ": "_{o}",
    "ᵢ": "_{i}",
    "ᵏ": "^{k}",
    "ᵖ": "^{p}",
    "ᵖ⁻¹": "^{p-1}",
    "⁽ⁱ⁾": "^{(i)}",
    "σ": r"\sigma ",
    "∂": r"\partial ",
    "δ": r"\delta ",
    "π": r"\pi ",
    "ŷ": r"\hat{y}",
    "𝟙": r"\mathbb{1}",
    "⋯": r"\cdots ",
    "≠": r"\neq ",
    "∈": r"\in ",
    "∉": r"\notin ",
    "×": r"\times ",
    "½": r"\frac{1}{2}",
    "|": "|",
}

_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_DECORATIONS = ("", "bar", "dot")


def ports_in(template: str) -> set[str]:
    """The port names a template mentions (``out`` included)."""
    return {match.group(1) for match in _PLACEHOLDER.finditer(template)}


def _is_simple(name: str) -> bool:
    """A plain identifier (W, i1, C₁) reads as one symbol; anything else (A⁻¹B, det A) is bracketed."""
    return all(char.isalnum() or char == "_" for char in name)


def _letter_and_index(name: str) -> bool:
    """x1, W₂, α3: one letter and a numeric index, written x₁; a dot goes on the letter, not the index."""
    return len(name) > 1 and name[0].isalpha() and all(char.isdecimal() or char in "₀₁₂₃₄₅₆₇₈₉" for char in name[1:])


def _unicode_name(name: str, decoration: str) -> str:
    """The name as terminal text: a macron over one letter (W̄), an overline under every character of a
    longer name so the line joins over all of it (c̅o̅n̅v̅), a dot over the letter (ẋ, ẋ1, cȯnv)."""
    name = unicodedata.normalize("NFC", name)
    if not _is_simple(name):
        name = f"({name})"
    if decoration == "bar":
        return name + COMBINING_MACRON if len(name) == 1 else "".join(char + COMBINING_OVERLINE for char in name)
    if decoration == "dot":
        # NOTE: Unicode cannot centre one dot over a word; it goes on the middle letter (or the letter of x1)
        # and over the closing bracket of a bracketed one: (a b)̇
        if name.startswith("(") or len(name) == 1:
            return name + COMBINING_DOT
        middle = 0 if _letter_and_index(name) else (len(name) - 1) // 2
        return name[: middle + 1] + COMBINING_DOT + name[middle + 1 :]
    return name


# Characters mathtext reads as commands or groups, written so that they print as themselves.
_LATEX_ESCAPES = {
    "\\": r"{\backslash}",
    "{": r"{\{}",
    "}": r"{\}}",
    "$": r"{\$}",
    "#": r"{\#}",
    "%": r"{\%}",
    "_": r"{\_}",
    "^": r"{\textasciicircum}",
    "~": r"{\textasciitilde}",
    "&": r"\text{&}",
    '"': r'\text{"}',
    "`": r"\text{`}",
    " ": r"\ ",
}
# Greek letters with a TeX name (α → \\alpha); ο and capitals such as Α look like Latin letters and have none.
_GREEK_NAMES = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    None,
    "pi",
    "rho",
    "varsigma",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
)
_GREEK = {chr(0x3B1 + offset): "\\" + tex for offset, tex in enumerate(_GREEK_NAMES) if tex}
_GREEK |= {
    char: "\\" + tex
    for char, tex in zip(
        "ΓΔΘΛΞΠΣΥΦΨΩ", ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega")
    )
}


def _latex_text(name: str) -> str:
    """A user's name as mathtext that prints it literally: specials escaped, Greek as TeX letters, the
    superscripts and subscripts of ``LATEX_SYMBOLS`` raised and lowered, anything else as itself (the
    window falls back to plain text when its fonts lack a character)."""
    out = []
    for char in name:
        if char in _LATEX_ESCAPES:
            out.append(_LATEX_ESCAPES[char])
        elif char in _GREEK:
            out.append(_GREEK[char] + " ")
        elif char in LATEX_SYMBOLS and LATEX_SYMBOLS[char] and char != "|":
            out.append("{" + LATEX_SYMBOLS[char] + "}")
        else:
            out.append(char)
    return "".join(out)


def _latex_name(name: str, decoration: str) -> str:
    name = unicodedata.normalize("NFC", name)
    index = ""
    if len(name) == 1:
        body = _latex_text(name)
    elif _letter_and_index(name):  # i1 → i₁, as the notes write it
        body, index = _latex_text(name[0]), "_{" + "".join(str(unicodedata.digit(char)) for char in name[1:]) + "}"
    else:
        body = r"\mathrm{" + _latex_text(name) + "}"
    if decoration == "dot":
        return rf"\dot{{{body}}}{index}"  # the dot over the letter, not over its index
    body += index
    if not _is_simple(name) and decoration == "":
        return rf"\left({body}\right)"
    if decoration == "bar":
        return rf"\bar{{{body}}}" if len(name) == 1 else rf"\overline{{{body}}}"
    return body


class _Renderer(string.Formatter):
    def __init__(self, names: Mapping[str, str], latex: bool) -> None:
        self._names = names
        self._latex = latex

    def get_value(self, key: int | str, args: object, kwargs: object) -> str:
        return self._names.get(key, key) if isinstance(key, str) else str(key)

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec not in _DECORATIONS:
            raise ValueError(f"unknown decoration {format_spec!r} in a formula")
        return (_latex_name if self._latex else _unicode_name)(str(value), format_spec)


def render_unicode(template: str, names: Mapping[str, str] | None = None) -> str:
    """``template`` with ports replaced by ``names`` (a port without a name keeps its own)."""
    # NFC: "a" + combining macron becomes the single character "ā" where Unicode has one, as typed text does
    return unicodedata.normalize("NFC", _Renderer(names or {}, latex=False).format(template))


def render_shapes(template: str, shapes: Mapping[str, tuple[int, ...]]) -> str:
    """``template`` with every placeholder, bar or not, replaced by its shape: ``(2×2) += (2×1) (2×1)ᵀ``.

    A bar has its node's shape, so the shapes of a rule are checked at a glance.
    """

    def shown(match: re.Match) -> str:
        shape = shapes.get(match.group(1))
        if shape is None:
            return match.group(0)
        return "(" + "×".join(str(size) for size in shape) + ")" if shape else "(scalar)"

    return _PLACEHOLDER.sub(shown, template)


def _latex_literal(text: str) -> str:
    out = []
    position = 0
    symbols = sorted(LATEX_SYMBOLS, key=len, reverse=True)
    while position < len(text):
        for symbol in symbols:
            if text.startswith(symbol, position):
                out.append(LATEX_SYMBOLS[symbol])
                position += len(symbol)
                break
        else:
            word = re.match(r"[A-Za-z]{2,}", text[position:])
            if word:  # a word (softmax, cos, spread) is upright text, not a product of italic letters
                out.append(rf"\mathrm{{{word.group(0)}}}")
                position += word.end()
                continue
            char = text[position]
            if ord(char) > 127:
                raise ValueError(f"no LaTeX form for {char!r} in a formula")
            out.append(r"\ " if char == " " else char)
            position += 1
    return "".join(out)


def render_latex(template: str, names: Mapping[str, str] | None = None) -> str:
    """``template`` as LaTeX math (without dollar signs), for mathtext in the window."""
    names = names or {}
    parts = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        literal = template[position : match.start()]
        port, decoration = match.group(1), match.group(2) or ""
        name = _latex_name(names.get(port, port), decoration)
        if literal.endswith("√"):
            literal, name = literal[:-1], rf"\sqrt{{{name}}}"
        parts.append(_latex_literal(literal))
        parts.append(name)
        position = match.end()
    parts.append(_latex_literal(template[position:]))
    return "".join(parts).replace("+=", "{+}{=}")  # mathtext has no \mathrel; braces keep += together
