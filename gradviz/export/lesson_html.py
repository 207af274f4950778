"""A lesson as one self-contained HTML page, for students who cannot install anything.

Every step of the pass is there, as the window's timeline tells it (gradviz.model.story: one step per edge
of the reverse pass, its contribution and its addition together): the canvas as inline SVG (drawn by the
window's own renderer, handed in as text so this module never loads Qt), the step in words and its
formula as the timeline writes them, the formula typeset by matplotlib's mathtext as the formula panel
does, and the text of the lesson's stop. A slider and the ←/→ keys move through the steps; the address's
``#step=k`` opens the page at step k. Steps are counted from 1, as the timeline counts them ("step 8 of
9"); each says which exact steps of the trace it stands for, and its canvas is what
``gradviz render --step N`` draws for N the last of them (the exact step the window rests on there).
Nothing is fetched: no scripts, fonts or images from anywhere else, and a Content-Security-Policy that
forbids the browser to try.

Two address options exist for tests and for embedding: ``#step=k&frame`` shows the canvas of step k
alone at its own size, and ``&press=RRL`` presses → → ← once the page has loaded (the same handler as
the keyboard's).
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
from collections.abc import Sequence
from functools import lru_cache

from gradviz.engine.trace import Trace
from gradviz.model.graph_record import GraphFile
from gradviz.model.lesson import Segment, Stop, landing, resolve, stop_for_step
from gradviz.model.story import story_of

MATH_POINTS = 16.0
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)


class _MissingGlyphs(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.missing = False

    def filter(self, record: logging.LogRecord) -> bool:
        self.missing = True
        return False


@lru_cache(maxsize=1024)
def math_image(latex: str) -> str | None:
    """``latex`` typeset by mathtext as an SVG image tag (a data URI: each one its own document, so the
    glyph ids of one formula never clash with another's); None if mathtext cannot typeset it."""
    from matplotlib import rc_context  # noqa: PLC0415 - only the lesson page needs matplotlib
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.mathtext import math_to_image  # noqa: PLC0415

    buffer = io.BytesIO()
    missing = _MissingGlyphs()
    log = logging.getLogger("matplotlib.mathtext")
    log.addFilter(missing)
    try:
        with rc_context({"svg.hashsalt": "gradviz", "savefig.transparent": True}):  # the same bytes every run
            math_to_image(f"${latex}$", buffer, prop=FontProperties(size=MATH_POINTS), format="svg")
    except (ValueError, RuntimeError, MemoryError):
        return None
    finally:
        log.removeFilter(missing)
    if missing.missing:
        return None
    svg = re.sub(rb"<!--.*?-->|<metadata>.*?</metadata>", b"", buffer.getvalue(), flags=re.S)
    encoded = base64.b64encode(svg).decode("ascii")
    return f'<img class="math" alt="{html.escape(latex)}" src="data:image/svg+xml;base64,{encoded}">'


def _segments_html(segments: Sequence[Segment]) -> str:
    parts = []
    for segment in segments:
        image = math_image(segment.text) if segment.math else None
        if image is not None:
            parts.append(image)
        else:
            parts.append(html.escape(segment.text) if not segment.math else f"<i>{html.escape(segment.text)}</i>")
    return "".join(parts)


def inline_svg(svg: str) -> str:
    """An SVG document (as the window's renderer writes it) made fit to sit inside the page: no XML
    declaration, title or description, no empty groups, and sized by the page rather than in millimetres."""
    svg = re.sub(r"<\?xml[^>]*\?>|<title>.*?</title>|<desc>.*?</desc>", "", svg, flags=re.S)
    previous = None
    while previous != svg:  # empty groups nest: strip until none is left
        previous = svg
        svg = re.sub(r"<g\b[^>]*>\s*</g>", "", svg)
    svg = re.sub(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"', r"\1", svg, count=1)
    svg = re.sub(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"', r"\1", svg, count=1)
    return re.sub(r"\n\s*\n", "\n", svg).strip()


STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px; color: #222; }
h1 { font-size: 1.4em; margin: 0.2em 0; }
.controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.controls input { flex: 1; }
.frame svg { width: 100%; height: auto; max-height: 62vh; background: #f7f7f5; }
.frame svg image { image-rendering: pixelated; }  /* heatmap cells stay sharp squares, as on the canvas */
.sentence { font-size: 1.2em; margin: 6px 0; }
.formula { min-height: 40px; }
.exact { color: #666; font-size: 0.85em; margin: 2px 0 8px; }
.stop { border-left: 4px solid #7c4dff; padding: 6px 12px; background: #f4f0ff; font-size: 1.15em; line-height: 1.9; }
img.math { vertical-align: middle; }
body.frame-only { margin: 0; padding: 0; max-width: none; }
body.frame-only > *:not(.steps), body.frame-only .step > *:not(.frame) { display: none; }
"""

SCRIPT = """
const steps = Array.from(document.querySelectorAll('.step'));
const stops = Array.from(document.querySelectorAll('.stop'));
const slider = document.getElementById('slider');
const number = document.getElementById('step-number');
let current = 1;
function show(k) {  // k counts from 1, as the window's timeline does
  k = Math.max(1, Math.min(steps.length, k));
  steps.forEach((step, i) => { step.hidden = i !== k - 1; });
  const shown = steps[k - 1].dataset.stop.split(' ');
  stops.forEach(s => { s.hidden = !shown.includes(s.dataset.stop); });
  current = k;
  slider.value = k;
  number.textContent = k;
  document.body.dataset.step = k;
  try { history.replaceState(null, '', '#step=' + k); } catch (e) { /* a page opened from disk may refuse */ }
}
document.addEventListener('keydown', event => {
  if (event.key === 'ArrowRight') { show(current + 1); event.preventDefault(); }
  if (event.key === 'ArrowLeft') { show(current - 1); event.preventDefault(); }
});
slider.addEventListener('input', () => show(Number(slider.value)));
const options = new URLSearchParams(location.hash.slice(1));
if (options.has('frame')) {
  document.body.classList.add('frame-only');
  steps.forEach(step => {
    const svg = step.querySelector('svg');
    if (svg) { svg.style.width = svg.viewBox.baseVal.width + 'px'; svg.style.maxHeight = 'none'; }
  });
}
show(Number(options.get('step') || 1));
for (const key of options.get('press') || '') {
  const name = key === 'R' ? 'ArrowRight' : key === 'L' ? 'ArrowLeft' : null;
  if (name) document.dispatchEvent(new KeyboardEvent('keydown', {key: name, bubbles: true, cancelable: true}));
}
"""


def _exact(steps: Sequence[int]) -> str:
    """Which exact steps of the trace a told step stands for, and how to draw its canvas from the command line."""
    numbers = " and ".join(map(str, steps))
    return (
        f"the trace's step{'s' if len(steps) > 1 else ''} {numbers}, as <code>gradviz trace</code> numbers "
        f"them; <code>gradviz render --step {steps[-1]}</code> draws this canvas"
    )


def lesson_page(graph: GraphFile, trace: Trace, stops: Sequence[Stop], frames: Sequence[str], title: str) -> str:
    """The page: ``frames`` holds the canvas at every step the timeline tells of ``trace`` as SVG text, in
    order (gradviz.gui.step_frames.step_svgs). The stops must resolve (check them with ``check_lesson``
    first: a LessonError here names the bad one)."""
    story = story_of(trace)
    if len(frames) != len(story):
        raise ValueError(f"{len(frames)} frames for {len(story)} steps")
    stop_html = [
        f'<div class="stop" data-stop="{number}" hidden><b>Stop {number + 1} of {len(stops)}.</b> '
        f"{_segments_html(resolve(stop, trace, number + 1))}</div>"
        for number, stop in enumerate(stops)
    ]
    step_html = []
    landings = [landing(stop, trace) for stop in stops]
    for position, (told, frame) in enumerate(zip(story.told, frames)):
        # the stops that land on this step (where its told step ends, as in the window), all of them: the page
        # has no Next to go through them one by one; else the last stop before it, as the window keeps it
        here = [number for number, landed in enumerate(landings) if landed == told.index]
        last = stop_for_step(stops, told.index)
        shown = " ".join(map(str, here or ([] if last is None else [last])))
        formula = math_image(story.formula(position, latex=True)) or html.escape(story.formula(position))
        step_html.append(
            f'<section class="step" data-stop="{shown}" hidden>'
            f'<div class="frame">{inline_svg(frame)}</div>'
            f'<p class="sentence">Step {position + 1} of {len(story)} ({trace.where(told.index)}): '
            f"{html.escape(story.sentence(position))}</p>"
            f'<div class="formula">{formula}</div>'
            f'<p class="exact">{_exact(told.steps)}</p></section>'
        )
    heading = html.escape(title or graph.title or "gradviz lesson")
    description = f"<p>{html.escape(graph.description)}</p>" if graph.description else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{heading}</title><style>{STYLE}</style></head><body>",
            f"<h1>{heading}</h1>{description}",
            f'<div class="controls"><span>Step <output id="step-number">1</output> of {len(story)}</span>'
            f'<input id="slider" type="range" min="1" max="{len(story)}" value="1" '
            'aria-label="Step of the pass"><span>← / → keys</span></div>',
            *stop_html,
            '<div class="steps">',
            *step_html,
            "</div>",
            f"<script>{SCRIPT}</script>",
            "</body></html>",
        ]
    )
