"""Steps in words: the sentence the timeline shows and the line the terminal prints, for each kind of step."""

from __future__ import annotations

from gradviz.engine.build import Builder
from gradviz.engine.describe import line, rule_shapes, sentence
from gradviz.engine.forward_mode import ForwardTrace
from gradviz.engine.trace import BackwardStep
from gradviz.engine.tracer import run


def linear():
    """a = W x + b with W 2×2, x 2×1 and b 1×1 (broadcast), c = Σ a."""
    g = Builder()
    W = g.parameter("W", [[1.0, 2.0], [3.0, 4.0]])
    x = g.input("x", [[1.0], [1.0]])
    b = g.parameter("b", [[0.5]])
    return run(g.program(g.op("sum", g.op("add", g.op("matmul", W, x, id="Wx"), b, id="a"), id="c")))


def edge(trace, parent):
    return next(s.index for s in trace.steps if isinstance(s, BackwardStep) and s.parent.id == parent)


def test_sentences_for_each_kind_of_step():
    trace = linear()
    assert sentence(trace, 0) == "W is a parameter of shape 2×2"
    assert sentence(trace, 1) == "x is an input of shape 2×1"  # "an" before a vowel
    assert sentence(trace, 3) == "matmul computes Wx from W and x"
    assert sentence(trace, trace.seed_index) == "the reverse pass starts at the cost: the bar of c is 1"
    into_w = edge(trace, "W")
    assert sentence(trace, into_w) == "the bar of Wx flows into W through matmul"
    assert sentence(trace, into_w + 1) == "W's bar starts with the contribution from Wx"
    # b (1×1) was stretched over 2 rows: its contribution is summed over axis 0
    assert sentence(trace, edge(trace, "b")) == "the bar of a flows into b through add, summed over axis 0"


def test_a_fan_out_counts_the_contributions():
    g = Builder()
    x = g.input("x", [1.0, 2.0])
    trace = run(g.program(g.op("sum", g.op("mul", x, x, id="s"), id="c")))
    accumulations = [sentence(trace, i) for i in range(len(trace)) if sentence(trace, i).startswith("x's bar")]
    assert accumulations == ["x's bar starts with the contribution from s", "x's bar adds contribution 2, from s"]


def test_the_rule_with_shapes_reads_like_the_rule_with_names():
    trace = linear()
    into_w = trace.steps[edge(trace, "W")]
    assert rule_shapes(into_w, trace.program) == "(2×2) += (2×1) (2×1)ᵀ"  # W̄ += Wx̄ xᵀ
    printed = line(trace, into_w.index)
    assert printed.startswith(f"step {into_w.index:<4} ◂ matmul Wx → W")
    assert printed.endswith("(2×2) += (2×1) (2×1)ᵀ")
    assert line(trace, edge(trace, "b")).endswith("Σ over axis 0")


def test_forward_mode_says_which_element_carries_the_tangent():
    g = Builder()
    trace = ForwardTrace(g.program(g.op("sum", g.op("tanh", g.input("x", [0.5, -1.0]), id="h"), id="c")))
    told = [sentence(trace, i) for i in range(len(trace))]
    assert "forward-mode pass 2: the tangent ẋ of x is 1 at element [1] and 0 elsewhere" in told
    assert "the tangent flows forward into h through tanh, giving ḣ" in told
