"""How much memory and work a run will take, read off the program's shapes before anything is allocated.

A reverse trace keeps every value and, per edge, the contribution and the running bar, so its memory is
steps × tensor size (a 100-op chain on 1000×1000 matrices needs gigabytes). Numpy would find that out
by swapping or by a MemoryError half-way through the run; here the estimate comes first. A trace over
``BUDGET_BYTES`` is kept at checkpoints instead, its arrays recomputed when read (checkpoint_plan.py says
what that keeps: a few segments and the arrays crossing their boundaries), and only a graph whose
checkpointed trace is over the budget too is refused, with a message naming the numbers. Forward mode's
trace keeps the values and recomputes tangents pass by pass (see forward_mode.ForwardTrace), so it has one
figure and is checked the same way.

The work estimate (flops) tells the window whether a run, a training or a gradient check is long enough
to go off the GUI thread.
"""

from __future__ import annotations

from typing import Literal, NamedTuple
from weakref import WeakKeyDictionary

from gradviz.engine import checkpoint_plan
from gradviz.engine.errors import GradvizError
from gradviz.engine.program import Program

BUDGET_BYTES = 2 * 2**30  # 2 GiB: what one trace may hold, a fraction of a lecture laptop's memory
ITEM_BYTES = checkpoint_plan.ITEM_BYTES  # every array is float64 or int64
FORWARD_PASSES_KEPT = 2  # forward mode keeps the tangents of this many passes (see ForwardTrace)
# what calling one op costs in Python (about a microsecond), counted as flops: training or checking a
# graph of tiny ops is thousands of calls whose work is the calls, not the arithmetic
CALL_FLOPS = 1_000

Storage = Literal["full", "checkpoints"]


class Estimate(NamedTuple):
    """What a run will take: the bytes of its full trace, its flops, and the bytes of its trace kept at
    checkpoints (the same as ``bytes`` in forward mode, whose trace always recomputes)."""

    bytes: int
    flops: int
    checkpointed: int


_estimates: WeakKeyDictionary[Program, dict[str, Estimate]] = WeakKeyDictionary()


class TooBigError(GradvizError):
    """A run whose trace would not fit in the budget, even kept at checkpoints; raised before anything is
    allocated."""

    def __init__(
        self, needed: int, limit: int = BUDGET_BYTES, checkpointed: int | None = None, what: str = "this graph's trace"
    ) -> None:
        kept = f" ({show_bytes(checkpointed)} kept at checkpoints)" if checkpointed is not None else ""
        super().__init__(f"{what} needs {show_bytes(needed)}{kept}; the limit is {show_bytes(limit)}")
        self.needed, self.limit, self.checkpointed = needed, limit, checkpointed


def show_bytes(count: int) -> str:
    """``count`` bytes for a person: 9.6 GiB, 512 MiB, 3 KiB (binary units, as the budget is set); an
    absurd shape in a hand-edited file gives an absurd size, still readable (56,843.4 EiB)."""
    for unit, size in (("EiB", 2**60), ("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= size:
            return f"{count / size:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def _size(program: Program, node_id: str) -> int:
    shape = program.node(node_id).shape
    size = 1
    for length in shape:
        size *= length
    return size


def _node_flops(program: Program) -> int:
    return sum(
        int(node.op.flops(*(program.node(p).shape for p in node.inputs), **node.attrs))
        for node in program.nodes
        if not node.op.is_source
    )


def _reverse(program: Program) -> tuple[int, int]:
    """Bytes and flops of ``tracer.run``: every value, the seed, and per edge carrying a bar its
    contribution plus (from the second addition into a bar on) a new running bar."""
    elements = sum(_size(program, node.id) for node in program.nodes) + 1
    additions: dict[str, int] = {}
    for _node, _attrs, edges in program.backward_plan:
        for _port, parent, _rule in edges:
            size = _size(program, parent.id)
            elements += size if parent.id not in additions else 2 * size
            additions[parent.id] = additions.get(parent.id, 0) + 1
    return elements * ITEM_BYTES, 3 * _node_flops(program)  # a bar rule costs about what its forward does


def _forward(program: Program) -> tuple[int, int]:
    """Bytes and flops of forward mode's trace: every value, the tangents of the passes kept, the gradients;
    one pass through the graph per source element."""
    values = sum(_size(program, node.id) for node in program.nodes)
    passes = sum(_size(program, node.id) for node in program.sources)
    elements = values * (1 + FORWARD_PASSES_KEPT) + passes
    return elements * ITEM_BYTES, (passes + 1) * _node_flops(program)


def estimate(program: Program, mode: str = "reverse") -> Estimate:
    """What a run of ``program`` in ``mode`` ('reverse' or 'forward') will take; cached per program, so the
    tracer's hot path pays for it once."""
    known = _estimates.setdefault(program, {})
    if mode not in known:
        if mode == "reverse":
            needed, flops = _reverse(program)
            known[mode] = Estimate(needed, flops, checkpoint_plan.held_bytes(program))
        else:
            needed, flops = _forward(program)
            known[mode] = Estimate(needed, flops, needed)
    return known[mode]


def _calls(program: Program) -> int:
    """The cost of calling every op of a forward pass once, as flops."""
    return CALL_FLOPS * len(program.forward_plan)


def training(program: Program, iterations: int) -> tuple[int, int]:
    """(bytes, flops) of ``training.train``: one reverse trace at a time, iterations + 1 of them, and the
    parameters of every iteration kept. A run calls each op about 3 times (forward, a bar rule and an
    addition per edge)."""
    trace_bytes, run_flops, _checkpointed = estimate(program, "reverse")
    parameters = sum(_size(program, node.id) for node in program.sources if node.op.name == "parameter")
    per_run = run_flops + 3 * _calls(program)
    return trace_bytes + (iterations + 1) * parameters * ITEM_BYTES, (iterations + 1) * per_run


def gradient_check(program: Program) -> tuple[int, int]:
    """(bytes, flops) of ``gradcheck.gradcheck``: one reverse trace for the bars, then two forward passes
    per number of every differentiable source (labels are skipped), holding one forward pass's values."""
    trace_bytes, run_flops, _checkpointed = estimate(program, "reverse")
    numbers = sum(_size(program, node.id) for node in program.sources if node.held.dtype.kind != "i")
    values = sum(_size(program, node.id) for node in program.nodes)
    needed = max(trace_bytes, values * ITEM_BYTES) + 2 * numbers * ITEM_BYTES  # + the bars and the estimates
    return needed, run_flops + 3 * _calls(program) + 2 * numbers * (_node_flops(program) + _calls(program))


def check(program: Program, mode: str = "reverse", limit: int | None = None) -> Storage:
    """How running ``program`` in ``mode`` keeps its trace within ``limit`` bytes (``BUDGET_BYTES`` unless
    given): whole ('full') or, when only that fits, at checkpoints ('checkpoints'); TooBigError when neither
    fits."""
    limit = BUDGET_BYTES if limit is None else limit
    needed, _flops, checkpointed = estimate(program, mode)
    if needed <= limit:
        return "full"
    if mode == "reverse" and checkpointed <= limit:
        return "checkpoints"
    raise TooBigError(needed, limit, checkpointed if mode == "reverse" else None)
