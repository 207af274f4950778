"""Text a student reads: escaped so it is never markup, and each run of barred letters under one line.

The expected strings are written out by hand from the notes' notation: a bar is a line over the whole name
(c̄ is c under a line, never ç), and a name from a file is shown as typed, tags and all.
"""

from __future__ import annotations

from gradviz.gui.notation import OVERLINE, plain, rich

MACRON, OVER = "\u0304", "\u0305"


def over(text: str) -> str:
    return f'<span style="text-decoration: overline">{text}</span>'


def test_the_overline_template_is_a_span_with_a_line_over():
    assert OVERLINE.format("c") == over("c")


def test_markup_in_a_name_is_escaped_not_run():
    assert rich('<img src="/dev/zero">') == "&lt;img src=&quot;/dev/zero&quot;&gt;"
    assert plain("a < b & c") == "a &lt; b &amp; c"


def test_one_barred_letter_is_a_letter_under_a_line():
    assert rich("c" + MACRON) == over("c")
    assert rich("Ē") == over("E")  # a precomposed macron letter is drawn the same way


def test_a_longer_barred_name_gets_one_line_over_all_its_letters():
    assert rich("".join(letter + OVER for letter in "conv")) == over("conv")


def test_barred_and_plain_runs_alternate():
    assert rich(f"x{MACRON} += W{MACRON}ᵀ a") == f"{over('x')} += {over('W')}ᵀ a"
    assert rich(f"<{OVER}b{OVER}>{OVER} & y") == f"{over('&lt;b&gt;')} &amp; y"


def test_new_lines_become_line_breaks():
    assert rich("one\ntwo") == plain("one\ntwo") == "one<br>two"


def test_plain_keeps_the_marks_as_written():
    assert plain("x" + MACRON) == "x" + MACRON
