"""The engine's speed, as ratios to references measured in the same run.

    python benchmarks/engine_bench.py [--quick]

Each benchmark runs with BLAS and torch pinned to one thread, and again with two, in a fresh process
each (the thread counts are set in the environment before numpy is imported): two thread pools fighting
over two cores made conv2d swing from 0.27× to 3.6× torch between runs. The 1-thread line is the figure;
the 2-thread ratio is printed beside it.

"ours" is gradviz's ``run(program)``: forward + backward with the whole trace recorded. The machine
this runs on is shared and noisy, so no absolute time is a result: each figure is the ratio of two
medians over repetitions in which every candidate runs once, interleaved in a rotating order so the
noise of the moment hits them alike, each after a pause that lets the last one's threads go idle.
Before timing, our gradients are checked equal to the baseline's (a benchmark of different results
would be worthless), and so are each reference's. torch, HIPS autograd and scipy are references
when installed, never dependencies.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
if __name__ == "__main__" and "--threads" in sys.argv:  # a child run: pin the pools before numpy loads them
    for variable in THREAD_VARIABLES:
        os.environ[variable] = sys.argv[sys.argv.index("--threads") + 1]

import statistics  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's gradviz, not an installed one

from gradviz.engine.build import Builder  # noqa: E402
from gradviz.engine.program import Program  # noqa: E402
from gradviz.engine.tracer import run  # noqa: E402

Gradients = dict[str, np.ndarray]
Candidate = Callable[[], Gradients]


class GradientMismatchError(Exception):
    """Our gradients differ from the baseline's: the benchmark would compare different work."""


def optional(name: str) -> ModuleType | None:
    """The module if it is installed: the references are optional, the script runs without them."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


torch = optional("torch")
autograd = optional("autograd")
anp = optional("autograd.numpy")
scipy_signal = optional("scipy.signal")


def blas() -> str:
    """Which BLAS numpy was built with: the MLP's figure depends on it as much as on the engine."""
    try:
        info = np.__config__.CONFIG["Build Dependencies"]["blas"]
    except (AttributeError, KeyError):
        return "unknown"
    return f"{info.get('name', 'unknown')} {info.get('version', '')}".strip()


# ----- checking, timing, reporting ---------------------------------------------------------------


def ours(program: Program) -> Candidate:
    """The candidate under test: the whole traced run, then the gradients a student would read."""
    return lambda: run(program).gradients()


def difference(expected: Gradients, got: Gradients) -> str | None:
    """What differs between two sets of gradients, or None when they agree.

    np.allclose with a tolerance scaled to each gradient's size: the chain's gradient is about 1e-247
    (a thousand derivatives below 1 multiplied), which the default absolute tolerance would pass
    whatever it was.
    """
    for key, value in expected.items():
        if key not in got:
            return f"no gradient for {key}"
        scale = float(np.max(np.abs(value))) if value.size else 0.0
        if not np.allclose(got[key], value, rtol=1e-6, atol=1e-9 * scale):
            error = float(np.max(np.abs(value - got[key])))
            return f"gradient of {key} differs (max |Δ| {error:.3g}, max |value| {scale:.3g})"
    return None


# OpenBLAS's idle threads spin for about 2**28 cycles (~0.1 s) after a call, torch's OpenMP threads for
# a while too: a candidate started sooner shares the two cores with the previous one's spinning threads
# (a numpy matmul right after torch's measured 5x slower here).
SETTLE_SECONDS = 0.15


def settle() -> None:
    """Collect garbage and wait until the previous candidate's thread pools are idle."""
    deadline = time.perf_counter() + SETTLE_SECONDS
    gc.collect()
    time.sleep(max(0.0, deadline - time.perf_counter()))


def timings(candidates: dict[str, Candidate], repeats: int) -> dict[str, list[float]]:
    """Seconds per candidate per repetition; each repetition runs every candidate once, starting one later.

    Rotating the order and settling before each candidate keep any one of them from paying for the
    candidate before it (its garbage, its still spinning threads).
    """
    names = list(candidates)
    times: dict[str, list[float]] = {name: [] for name in names}
    for repetition in range(repeats):
        shift = repetition % len(names)
        for name in names[shift:] + names[:shift]:
            settle()
            start = time.perf_counter()
            candidates[name]()
            times[name].append(time.perf_counter() - start)
    return times


def compare(
    label: str, candidates: dict[str, Candidate], baseline: str, target: float, repeats: int, *, strict: bool = False
) -> None:
    """Check, time and report ours against ``baseline``; every other candidate is a reference.

    Ours differing from the baseline raises GradientMismatchError, since the target's figure would
    then mean nothing; a reference that differs is only left out, with a note. The spread printed is
    the interquartile range of the per-repetition ratios, to show how much the machine's noise moved it.
    """
    expected = candidates["ours"]()
    problem = difference(candidates[baseline](), expected)
    if problem:
        raise GradientMismatchError(f"ours and {baseline} disagree: {problem}")
    timed = {"ours": candidates["ours"], baseline: candidates[baseline]}
    notes = []
    for name, action in candidates.items():
        if name not in timed:
            problem = difference(expected, action())
            if problem is None:
                timed[name] = action
            else:
                notes.append(f"{name} left out: {problem}")
    times = timings(timed, repeats)
    ratio = statistics.median(times["ours"]) / statistics.median(times[baseline])
    paired = statistics.quantiles([a / b for a, b in zip(times["ours"], times[baseline], strict=True)], n=4)
    notes = [
        f"{name}/{baseline} {statistics.median(times[name]) / statistics.median(times[baseline]):.2f}"
        for name in list(timed)[2:]
    ] + notes
    passed = ratio < target if strict else ratio <= target
    print(
        f"{label:<11} ours/{baseline} = {ratio:5.2f}  (target {'<' if strict else '≤'} {target:.2f})  "
        f"{'PASS' if passed else 'MISS'}   spread {paired[0]:.2f}–{paired[2]:.2f}"
        + (f"   [{', '.join(notes)}]" if notes else "")
    )
    print("RESULT " + json.dumps({"label": label, "ratio": ratio, "baseline": baseline}))


# ----- 1. MLP: 3 layers of width 512, batch 256 --------------------------------------------------


def mlp(repeats: int, width: int, batch: int) -> None:
    """relu(W1 x + b1) → relu(W2 · + b2) → W3 · + b3 → mse sum: BLAS-bound, so ours should cost ~nothing extra."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(width, batch)), rng.normal(size=(width, batch))
    ws = [rng.normal(size=(width, width)) / np.sqrt(width) for _ in range(3)]
    bs = [rng.normal(size=width) * 0.1 for _ in range(3)]
    names = ["x", "W1", "W2", "W3", "b1", "b2", "b3"]

    g = Builder()
    hidden = g.input("x", x)
    for layer in (1, 2, 3):
        w, b = g.parameter(f"W{layer}", ws[layer - 1]), g.parameter(f"b{layer}", bs[layer - 1])
        hidden = g.op("linear", w, hidden, b, id=f"a{layer}")
        hidden = g.op("relu", hidden, id=f"h{layer}") if layer < 3 else hidden
    program = g.program(g.op("mse", hidden, g.constant("y", y), id="c", reduction="sum"))

    def numpy_by_hand() -> Gradients:
        a1 = ws[0] @ x + bs[0][:, None]
        h1 = np.maximum(a1, 0.0)
        a2 = ws[1] @ h1 + bs[1][:, None]
        h2 = np.maximum(a2, 0.0)
        diff = ws[2] @ h2 + bs[2][:, None] - y
        np.vdot(diff, diff)  # the cost itself, unused, as ours computes it
        g3 = 2.0 * diff
        g2 = (ws[2].T @ g3) * (a2 > 0)
        g1 = (ws[1].T @ g2) * (a1 > 0)
        return {
            "x": ws[0].T @ g1,
            "W1": g1 @ x.T,
            "b1": g1.sum(axis=1),
            "W2": g2 @ h1.T,
            "b2": g2.sum(axis=1),
            "W3": g3 @ h2.T,
            "b3": g3.sum(axis=1),
        }

    candidates = {"ours": ours(program), "numpy": numpy_by_hand}
    if torch is not None:
        ty = torch.from_numpy(y)

        def torch_autograd() -> Gradients:
            leaves = [torch.from_numpy(value).requires_grad_() for value in (x, *ws, *bs)]
            out = leaves[0]
            for layer in range(3):
                out = leaves[1 + layer] @ out + leaves[4 + layer][:, None]
                out = torch.relu(out) if layer < 2 else out
            torch.nn.functional.mse_loss(out, ty, reduction="sum").backward()
            return {name: leaf.grad.numpy() for name, leaf in zip(names, leaves, strict=True)}

        candidates["torch"] = torch_autograd
    if autograd is not None and anp is not None:

        def loss(params: list[np.ndarray]) -> float:
            out = params[0]
            for layer in range(3):
                out = params[1 + layer] @ out + params[4 + layer][:, None]
                out = anp.maximum(out, 0.0) if layer < 2 else out
            return anp.sum((out - y) ** 2)

        gradient = autograd.grad(loss)

        def hips_autograd() -> Gradients:
            return dict(zip(names, gradient([x, *ws, *bs]), strict=True))

        candidates["autograd"] = hips_autograd
    compare("mlp", candidates, "numpy", 1.10, repeats)


# ----- 2. a chain of 1000 elementwise ops on 2×2 -------------------------------------------------

# each op as (forward, derivative from input x and output z), the engine's own formulas
CHAIN: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray | float]]] = {
    "sin": (np.sin, lambda x, z: np.cos(x)),
    "tanh": (np.tanh, lambda x, z: 1.0 - z * z),
    "cos": (np.cos, lambda x, z: -np.sin(x)),
    "sigmoid": (lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)), lambda x, z: z * (1.0 - z)),
    "neg": (np.negative, lambda x, z: -1.0),
}


def chain(repeats: int, length: int) -> None:
    """Tiny arrays, many ops: the figure is the engine's per-op overhead against a bare numpy loop."""
    names = [list(CHAIN)[i % len(CHAIN)] for i in range(length)]
    x0 = np.random.default_rng(1).normal(size=(2, 2))
    g = Builder()
    node = g.input("x", x0)
    for name in names:
        node = g.op(name, node)
    program = g.program(g.op("sum", node, id="c"))

    def numpy_loop() -> Gradients:
        values = [x0]
        for name in names:
            values.append(CHAIN[name][0](values[-1]))
        bar = np.ones_like(x0)
        for i in range(length - 1, -1, -1):
            bar = bar * CHAIN[names[i]][1](values[i], values[i + 1])
        return {"x": bar}

    candidates = {"ours": ours(program), "numpy": numpy_loop}
    if torch is not None:
        functions = {"sin": torch.sin, "tanh": torch.tanh, "cos": torch.cos, "sigmoid": torch.sigmoid, "neg": torch.neg}

        def torch_chain() -> Gradients:
            leaf = torch.from_numpy(x0).requires_grad_()
            value = leaf
            for name in names:
                value = functions[name](value)
            value.sum().backward()
            return {"x": leaf.grad.numpy()}

        candidates["torch"] = torch_chain
    compare("chain/op", candidates, "numpy", 4.0, repeats)


# ----- 3. correlate2d 256×256 with 5×5, valid -----------------------------------------------------


def correlate(repeats: int, side: int) -> None:
    """Both bars of a correlation: scipy does the same three 2-D passes in C, ours in numpy slices."""
    if scipy_signal is None:
        print("correlate2d: scipy is not installed, no baseline (pip install scipy)")
        return
    rng = np.random.default_rng(2)
    image, kernel = rng.normal(size=(side, side)), rng.normal(size=(5, 5))
    out_bar = rng.normal(size=(side - 4, side - 4))  # a random bar, so a flipped kernel would show
    g = Builder()
    out = g.op("correlate2d", g.input("I", image), g.parameter("k", kernel), id="o", mode="valid")
    program = g.program(g.op("sum", g.op("mul", out, g.constant("G", out_bar)), id="c"))

    def scipy_same_work() -> Gradients:
        scipy_signal.correlate2d(image, kernel, "valid")
        return {
            "I": scipy_signal.convolve2d(out_bar, kernel, "full"),
            "k": scipy_signal.correlate2d(image, out_bar, "valid"),
        }

    compare("correlate2d", {"ours": ours(program), "scipy": scipy_same_work}, "scipy", 1.0, repeats, strict=True)


# ----- 4. conv2d N=8, C 3→8, 64×64, 3×3, padding 1, bias ------------------------------------------


def conv2d(repeats: int, side: int) -> None:
    """A convolution layer forward and back, against torch's (im2col + BLAS against its native kernels)."""
    if torch is None:
        print("conv2d: torch is not installed, no reference (optional: pip install torch)")
        return
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(8, 3, side, side)), rng.normal(size=(8, 3, 3, 3)), rng.normal(size=8)
    g = Builder()
    out = g.op("conv2d", g.input("x", x), g.parameter("w", w), g.parameter("b", b), id="o", padding=1)
    program = g.program(g.op("sum", out, id="c"))

    def torch_autograd() -> Gradients:
        tx, tw, tb = (torch.from_numpy(value).requires_grad_() for value in (x, w, b))
        torch.nn.functional.conv2d(tx, tw, tb, padding=1).sum().backward()
        return {"x": tx.grad.numpy(), "w": tw.grad.numpy(), "b": tb.grad.numpy()}

    compare("conv2d", {"ours": ours(program), "torch": torch_autograd}, "torch", 2.0, repeats)


def benchmarks(quick: bool) -> None:
    """Run the four benchmarks in this process; a mismatch stops only its own benchmark."""
    repeats = 3 if quick else 15
    threads = f"torch {torch.__version__}, {torch.get_num_threads()} threads" if torch else "torch not installed"
    print(
        f"numpy {np.__version__} ({blas()} BLAS, {os.environ.get('OPENBLAS_NUM_THREADS', 'default')} threads); "
        f"{threads}"
    )
    print(
        f"ratio = median of {repeats} interleaved repetitions over the baseline's, each candidate started "
        f"{SETTLE_SECONDS} s after the last; spread = interquartile range of the per-repetition ratios"
        + ("\n--quick: smaller sizes than the targets speak of, so the verdicts are only indicative" if quick else "")
    )
    runs: list[tuple[str, Callable[[], None]]] = [
        ("mlp", lambda: mlp(repeats, 128 if quick else 512, 64 if quick else 256)),
        ("chain/op", lambda: chain(repeats, 200 if quick else 1000)),
        ("correlate2d", lambda: correlate(repeats, 64 if quick else 256)),
        ("conv2d", lambda: conv2d(repeats, 16 if quick else 64)),
    ]
    for label, benchmark in runs:
        try:
            benchmark()
        except GradientMismatchError as error:
            print(f"{label:<11} ABORTED: {error}; not timed")


def child(threads: int, quick: bool) -> list[str]:
    """The benchmarks' output from a fresh process with every thread pool pinned to ``threads``."""
    command = [sys.executable, __file__, "--threads", str(threads)] + (["--quick"] if quick else [])
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout.splitlines()


def main() -> None:
    """1-thread figures, with the 2-thread ratio beside each; the exit code is always 0."""
    parser = argparse.ArgumentParser(description="gradviz engine speed, as ratios measured in one run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions: a smoke run")
    parser.add_argument("--threads", type=int, help="run here with every thread pool pinned to this many")
    arguments = parser.parse_args()
    if arguments.threads is not None:
        if torch is not None:
            torch.set_num_threads(arguments.threads)
        benchmarks(arguments.quick)
        return
    one, two = child(1, arguments.quick), child(2, arguments.quick)
    two_threads = {
        result["label"]: result
        for result in (json.loads(text[len("RESULT ") :]) for text in two if text.startswith("RESULT "))
    }
    for text in one:
        if text.startswith("RESULT "):
            continue
        label = text.split(" ", 1)[0]
        other = two_threads.get(label)
        print(text + (f"   [2 threads: ours/{other['baseline']} = {other['ratio']:.2f}]" if other else ""))


if __name__ == "__main__":
    main()
