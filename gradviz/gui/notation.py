"""Text a student reads in the window, made safe and drawn with the notes' notation.

Names come from files and from typing, so they are never markup: every text shown as rich text goes
through ``rich``, which escapes it. The engine writes a bar in Unicode (a macron over one letter, a
combining overline under every character of a longer name); a label turns each barred run into one
real line over the whole name, so c̄ never looks like ç and the bar of ``conv`` spans all four letters.
"""

from __future__ import annotations

import html
import unicodedata

BAR_MARKS = ("\u0304", "\u0305")  # combining macron, combining overline
OVERLINE = '<span style="text-decoration: overline">{}</span>'


def _clusters(text: str) -> list[str]:
    """``text`` (NFC) cut before every character that is not a combining mark: a letter and its marks."""
    clusters: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def rich(text: str) -> str:
    """``text`` as escaped rich text, each run of barred characters under one overline (a letter that
    carries a macron of its own, such as Ē in a label, is drawn the same way: a line over the letter)."""
    out, run = [], []
    for cluster in _clusters(text):
        marks = unicodedata.normalize("NFD", cluster)
        if any(mark in marks[1:] for mark in BAR_MARKS):
            run.append(unicodedata.normalize("NFC", "".join(c for c in marks if c not in BAR_MARKS)))
            continue
        if run:
            out.append(OVERLINE.format(html.escape("".join(run))))
            run = []
        out.append(html.escape(cluster))
    if run:
        out.append(OVERLINE.format(html.escape("".join(run))))
    return "".join(out).replace("\n", "<br>")


def plain(text: str) -> str:
    """``text`` escaped for rich text, shown exactly as written (no notation)."""
    return html.escape(text).replace("\n", "<br>")
