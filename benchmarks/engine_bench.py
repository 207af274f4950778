"""The engine's speed as ratios to references measured in the same run (issue 2's targets).

    python benchmarks/engine_bench.py [--quick]

Each figure is the median over repetitions in which every candidate runs once, interleaved, so the
machine's noise hits them alike. "ours" is gradviz's `run()`: forward + backward with the whole trace
recorded. Before timing, every candidate's gradients are checked equal to ours: a benchmark of
different results would be worthless. torch and HIPS autograd are references when installed, never
dependencies.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from gradviz.engine.build import Builder
from gradviz.engine.tracer import run

Candidate = Callable[[], dict[str, np.ndarray]]
SMOKE = False  # --quick: smaller sizes than the targets speak of, so no verdict is printed


def optional(module: str):
    try:
        return __import__(module)
    except ImportError:
        return None


torch = optional("torch")
scipy_signal = optional("scipy") and __import__("scipy.signal", fromlist=["signal"])
autograd = optional("autograd")


def medians(candidates: dict[str, Candidate], repeats: int) -> dict[str, float]:
    """Median seconds per candidate, the candidates interleaved within each repetition."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, action in candidates.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def agree(reference: dict[str, np.ndarray], other: dict[str, np.ndarray], label: str) -> None:
    for key, value in reference.items():
        if not np.allclose(value, other[key], rtol=1e-8, atol=1e-10):
            raise SystemExit(f"{label}: gradient of {key} differs from gradviz's; refusing to time it")


def compare(label: str, candidates: dict[str, Candidate], baseline: str, target: float, repeats: int, *,
            strict: bool = False, extra: Callable[[dict[str, float]], dict[str, float]] | None = None) -> None:
    """Check every candidate's gradients against ours, time them interleaved, print ours/baseline."""
    reference = candidates["ours"]()
    for name, action in candidates.items():
        agree(reference, action(), name)
    times = medians(candidates, repeats)
    others = {f"{name}/{baseline}": times[name] / times[baseline]
              for name in candidates if name not in ("ours", baseline)}
    others.update(extra(times) if extra else {})
    report(label, times["ours"] / times[baseline], target, strict, others)


def report(name: str, ratio: float, target: float, strict: bool, references: dict[str, float]) -> None:
    passed = ratio < target if strict else ratio <= target
    verdict = "smoke run" if SMOKE else ("PASS" if passed else "MISS")
    extra = ", ".join(f"{key} {value:.2f}" for key, value in references.items())
    print(f"{name:<12} ours/baseline = {ratio:5.2f}  (target {'<' if strict else '≤'} {target:.2f})  "
          f"{verdict}" + (f"   [{extra}]" if extra else ""))


# ----- 1. MLP: 3 layers of width 512, batch 256 ----------------------------------------------------


def mlp(repeats: int, width: int, batch: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(width, batch))
    ws = [rng.normal(size=(width, width)) / np.sqrt(width) for _ in range(3)]
    bs = [rng.normal(size=width) * 0.1 for _ in range(3)]
    y = rng.normal(size=(width, batch))

    g = Builder()
    h = g.input("x", x)
    for layer in range(3):
        a = g.op("linear", g.parameter(f"W{layer}", ws[layer]), h, g.parameter(f"b{layer}", bs[layer]), id=f"a{layer}")
        h = g.op("relu", a, id=f"h{layer}") if layer < 2 else a
    program = g.program(g.op("mse", h, g.constant("y", y), id="c"))

    def ours() -> dict[str, np.ndarray]:
        return run(program).gradients()

    def numpy_by_hand() -> dict[str, np.ndarray]:
        a0 = ws[0] @ x + bs[0][:, None]
        h0 = np.maximum(a0, 0)
        a1 = ws[1] @ h0 + bs[1][:, None]
        h1 = np.maximum(a1, 0)
        a2 = ws[2] @ h1 + bs[2][:, None]
        g2 = 2 * (a2 - y)
        g1 = (ws[2].T @ g2) * (a1 > 0)
        g0 = (ws[1].T @ g1) * (a0 > 0)
        return {"x": ws[0].T @ g0, "W0": g0 @ x.T, "b0": g0.sum(1), "W1": g1 @ h0.T, "b1": g1.sum(1),
                "W2": g2 @ h1.T, "b2": g2.sum(1)}

    candidates = {"ours": ours, "numpy": numpy_by_hand}
    if torch is not None:
        def torch_autograd() -> dict[str, np.ndarray]:
            tx = torch.tensor(x, requires_grad=True)
            tw = [torch.tensor(w, requires_grad=True) for w in ws]
            tb = [torch.tensor(b, requires_grad=True) for b in bs]
            hidden = tx
            for layer in range(3):
                hidden = tw[layer] @ hidden + tb[layer][:, None]
                hidden = torch.relu(hidden) if layer < 2 else hidden
            ((hidden - torch.tensor(y)) ** 2).sum().backward()
            grads = {"x": tx.grad}
            grads.update({f"W{i}": tw[i].grad for i in range(3)})
            grads.update({f"b{i}": tb[i].grad for i in range(3)})
            return {key: value.numpy() for key, value in grads.items()}
        candidates["torch"] = torch_autograd
    if autograd is not None:
        import autograd.numpy as anp  # noqa: PLC0415 - optional reference

        def loss(params: list) -> float:
            hidden = params[0]
            for layer in range(3):
                hidden = params[1 + layer] @ hidden + params[4 + layer][:, None]
                hidden = anp.maximum(hidden, 0) if layer < 2 else hidden
            return anp.sum((hidden - y) ** 2)

        gradient = autograd.grad(loss)

        def hips_autograd() -> dict[str, np.ndarray]:
            grads = gradient([x, *ws, *bs])
            return {"x": grads[0], **{f"W{i}": grads[1 + i] for i in range(3)},
                    **{f"b{i}": grads[4 + i] for i in range(3)}}
        candidates["autograd"] = hips_autograd

    compare("mlp", candidates, "numpy", 1.10, repeats)


# ----- 2. a chain of 1000 elementwise ops on 2×2 ----------------------------------------------------

CHAIN = {
    "sin": (np.sin, lambda x, z: np.cos(x)),
    "tanh": (np.tanh, lambda x, z: 1.0 - z * z),
    "cos": (np.cos, lambda x, z: -np.sin(x)),
    "sigmoid": (lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)), lambda x, z: z * (1.0 - z)),
    "neg": (np.negative, lambda x, z: -1.0),
}


def chain(repeats: int, length: int) -> None:
    names = [list(CHAIN)[i % len(CHAIN)] for i in range(length)]
    x0 = np.random.default_rng(1).normal(size=(2, 2))
    g = Builder()
    node = g.input("x", x0)
    for name in names:
        node = g.op(name, node)
    program = g.program(g.op("sum", node, id="c"))

    def ours() -> dict[str, np.ndarray]:
        return run(program).gradients()

    def numpy_loop() -> dict[str, np.ndarray]:
        values = [x0]
        for name in names:
            values.append(CHAIN[name][0](values[-1]))
        bar = np.ones_like(x0)
        for i in range(length - 1, -1, -1):
            bar = bar * CHAIN[names[i]][1](values[i], values[i + 1])
        return {"x": bar}

    candidates = {"ours": ours, "numpy": numpy_loop}
    if torch is not None:
        functions = {"sin": torch.sin, "tanh": torch.tanh, "cos": torch.cos, "sigmoid": torch.sigmoid,
                     "neg": torch.neg}

        def torch_chain() -> dict[str, np.ndarray]:
            tx = torch.tensor(x0, requires_grad=True)
            value = tx
            for name in names:
                value = functions[name](value)
            value.sum().backward()
            return {"x": tx.grad.numpy()}
        candidates["torch"] = torch_chain

    compare("chain", candidates, "numpy", 4.0, repeats,
            extra=lambda times: {"µs per op (ours)": times["ours"] / length * 1e6})


# ----- 3. correlate2d 256×256 with 5×5 ------------------------------------------------------------


def correlate(repeats: int, side: int) -> None:
    if scipy_signal is None:
        print("correlate2d  scipy is not installed: no reference to compare with")
        return
    rng = np.random.default_rng(2)
    image, kernel = rng.normal(size=(side, side)), rng.normal(size=(5, 5))
    out_bar = rng.normal(size=(side - 4, side - 4))
    g = Builder()
    out = g.op("correlate2d", g.input("I", image), g.parameter("k", kernel), id="o")
    program = g.program(g.op("sum", g.op("mul", out, g.constant("G", out_bar)), id="c"))

    def ours() -> dict[str, np.ndarray]:
        return run(program).gradients()

    def scipy_same_work() -> dict[str, np.ndarray]:
        scipy_signal.correlate2d(image, kernel, "valid")
        return {"I": scipy_signal.convolve2d(out_bar, kernel, "full"),
                "k": scipy_signal.correlate2d(image, out_bar, "valid")}

    compare("correlate2d", {"ours": ours, "scipy": scipy_same_work}, "scipy", 1.0, repeats, strict=True)


# ----- 4. conv2d N=8, C 3→8, 64×64, 3×3, padding 1 ---------------------------------------------------


def conv2d(repeats: int, side: int) -> None:
    if torch is None:
        print("conv2d       torch is not installed: no reference (optional: pip install torch)")
        return
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(8, 3, side, side)), rng.normal(size=(8, 3, 3, 3)), rng.normal(size=8)
    g = Builder()
    out = g.op("conv2d", g.input("x", x), g.parameter("w", w), g.parameter("b", b), id="o", padding=1)
    program = g.program(g.op("sum", out, id="c"))

    def ours() -> dict[str, np.ndarray]:
        return run(program).gradients()

    def torch_autograd() -> dict[str, np.ndarray]:
        tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
        torch.nn.functional.conv2d(tx, tw, tb, padding=1).sum().backward()
        return {"x": tx.grad.numpy(), "w": tw.grad.numpy(), "b": tb.grad.numpy()}

    compare("conv2d", {"ours": ours, "torch": torch_autograd}, "torch", 2.0, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description="gradviz engine speed, as ratios measured in one run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions (smoke run)")
    global SMOKE  # noqa: PLW0603 - set once, from the command line
    quick = SMOKE = parser.parse_args().quick
    repeats = 3 if quick else 15
    threads = f", torch threads {torch.get_num_threads()}" if torch is not None else ""
    print(f"medians of {repeats} interleaved repetitions{threads}; baseline = hand-written numpy "
          "(scipy for correlate2d, torch for conv2d)")
    mlp(repeats, 64 if quick else 512, 32 if quick else 256)
    chain(repeats, 100 if quick else 1000)
    correlate(repeats, 64 if quick else 256)
    conv2d(repeats, 16 if quick else 64)


if __name__ == "__main__":
    main()
