"""`gradviz export-lesson`: one self-contained HTML page, checked in a real browser with the network off.

The browser is headless Chromium (Debian's `chromium`, which .ci/run installs). The page counts steps as the
window's timeline tells them (one per edge of the reverse pass), from 1. The linear layer's trace has 12 exact
steps: forward 0–4, the seed 5, and three edges of two steps each, ā (6, 7), W̄ (8, 9), x̄ (10, 11); so the
page has 5 + 1 + 3 = 9 steps, and its step 3 is exact step 2, its step 8 (W̄'s edge) ends at exact step 9.
Its screenshot of step k, shown alone (``#step=k&frame``), must look like `gradviz render --step N` for the
exact step N ending it, and clearly unlike another step; the ←/→ handler must move the step (``&press=RRL``
dispatches the key events once the page has loaded).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gradviz.io.paths import EXAMPLES

LINEAR = EXAMPLES / "linear_layer.json"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "chromium is not installed (.ci/run installs it: apt-get install chromium)"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("lesson") / "lesson.html"
    done = subprocess.run(
        [sys.executable, "main.py", "export-lesson", str(LINEAR), "-o", str(target)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {target}: 9 steps, 6 stops")
    return target


def test_the_page_is_self_contained_and_small(page):
    text = page.read_text(encoding="utf-8")
    assert len(text.encode()) < 2_000_000
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # the only addresses are the SVG namespaces, which name and never fetch
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert not re.search(r"<(link|iframe|object|embed)\b|@import|url\(\s*['\"]?http", text)
    assert not re.search(r"""\ssrc=["'](?!data:)""", text)
    assert text.count('<section class="step"') == 9 and text.count("<svg") == 9


def test_the_stops_are_in_with_their_numbers_computed(page):
    text = page.read_text(encoding="utf-8")
    assert text.count('class="stop"') == 6
    # W̄₀₁ = ā₀ x₁ = 2(W₀ x − y₀) x₁ = 2(−0.5 − 0.5) · 2 = −4, by hand from the file
    assert "= −2 × 2 = −4." in text
    assert "{{" not in text


def test_a_lesson_with_a_bad_stop_is_refused_in_one_line(tmp_path):
    bad = LINEAR.read_text().replace("{{W.bar[0,1]}}", "{{W.bar[0,9]}}")
    (tmp_path / "bad.json").write_text(bad)
    done = subprocess.run(
        [sys.executable, "main.py", "export-lesson", str(tmp_path / "bad.json"), "-o", str(tmp_path / "out.html")],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and not (tmp_path / "out.html").exists()
    assert done.stderr.count("\n") == 1 and "stop 4 (step 9)" in done.stderr and "'W'" in done.stderr


def _browser(*arguments: str) -> subprocess.CompletedProcess:
    """Headless Chromium with no network: in a network namespace of its own where the system allows
    one (root in CI), and in any case with every host name unresolvable and no proxy that answers."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--no-first-run",
        *arguments,
    ]
    isolated = (
        shutil.which("unshare")
        and subprocess.run(["unshare", "-n", "true"], check=False, capture_output=True).returncode == 0
    )
    if isolated:
        command = ["unshare", "-n", *command]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)


def _picture(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB").resize((380, 200), Image.Resampling.BOX), dtype=float)


def _canvas_of_render(path: Path, width: int, height: int) -> Image.Image:
    """The canvas of a `render --step` frame without its caption: the frame centres the canvas, drawn at 2×,
    in a picture area as tall as the canvas and at least as wide, above the caption band."""
    frame = Image.open(path)
    drawn_width, drawn_height = 2 * width, 2 * height
    left = (frame.width - drawn_width) // 2
    return frame.crop((left, 0, left + drawn_width, drawn_height))


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_in_chromium_step_k_looks_like_render_step_k(page, tmp_path):
    viewboxes = re.findall(r'viewBox="0 0 (\d+) (\d+)"', page.read_text(encoding="utf-8"))
    ending = {3: 2, 8: 9}  # page step → the exact step ending it (see the module's docstring)
    shots, renders = {}, {}
    for k, exact in ending.items():
        width, height = map(int, viewboxes[k - 1])
        shot = tmp_path / f"page-{k}.png"
        _browser(f"--window-size={width},{height}", f"--screenshot={shot}", f"{page.as_uri()}#step={k}&frame")
        assert shot.exists(), f"chromium wrote no screenshot of step {k}"
        shots[k] = _picture(Image.open(shot))
        render = tmp_path / f"render-{exact}.png"
        done = subprocess.run(
            [sys.executable, "main.py", "render", str(LINEAR), "--step", str(exact), "-o", str(render)],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        renders[k] = _picture(_canvas_of_render(render, width, height))
    same = [np.abs(shots[k] - renders[k]).mean() for k in ending]
    other = [np.abs(shots[3] - renders[8]).mean(), np.abs(shots[8] - renders[3]).mean()]
    # fonts differ a little between Qt and Chromium; another step differs a lot (measured: ~1.2 against ~9.9)
    assert max(same) < 4.0, same
    assert min(other) > 2.5 * max(same), (same, other)


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_in_chromium_the_arrow_keys_move_the_step(page):
    dom = _browser("--dump-dom", f"{page.as_uri()}#step=3&press=RRRL").stdout
    assert '<body data-step="5"' in dom and '<output id="step-number">5</output>' in dom
    shown = re.findall(r'<section class="step" data-stop="([\d ]*)"(?! hidden)>', dom)
    # page step 5 is exact step 4 (the cost's forward step): the lesson's first stop, at exact step 2, is the
    # last at or before it
    assert shown == ["0"]
    assert re.findall(r'<div class="stop" data-stop="(\d+)"(?! hidden)>', dom) == ["0"]
    dom = _browser("--dump-dom", f"{page.as_uri()}#step=1&press=LLL").stdout
    assert '<body data-step="1"' in dom  # held at the first step
    dom = _browser("--dump-dom", f"{page.as_uri()}#step=8&press=RRR").stdout
    assert '<body data-step="9"' in dom  # held at the last, x̄'s edge
    # stops 5 and 6 are at exact steps 10 and 11, both in x̄'s edge: with no Next on the page, both show
    assert re.findall(r'<div class="stop" data-stop="(\d+)"(?! hidden)>', dom) == ["4", "5"]


def test_names_titles_and_stop_texts_from_a_file_are_never_markup(tmp_path):
    document = json.loads(LINEAR.read_text())
    document["nodes"][0]["label"] = '</svg><script>document.title="PWNED"</script>'
    document["title"] = "<script>x</script>"
    document["view"] = {"stops": [{"step": 2, "text": "<b>bold</b> $<x>$ & {{a.value}}"}]}
    (tmp_path / "hostile.json").write_text(json.dumps(document))
    done = subprocess.run(
        [
            sys.executable,
            "main.py",
            "export-lesson",
            str(tmp_path / "hostile.json"),
            "-o",
            str(tmp_path / "hostile.html"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert text.count("<script") == 1  # the page's own
    assert "<b>bold" not in text and "&lt;b&gt;bold" in text
