"""The Graph a script or notebook holds: checked at once, laid out, run once, shown at a step, saved.

Its pictures and window load Qt (tests/gui); here only the Qt-free part.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from gradviz.api import Graph
from gradviz.engine.program import NodeSpec
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read
from gradviz.io.paths import DEFAULT_EXAMPLE

SQUARES = GraphFile(
    (
        NodeSpec("x", "input", value=np.array([1.0, 2.0])),
        NodeSpec("s", "mul", ("x", "x")),
        NodeSpec("c", "sum", ("s",)),
    ),
    "c",
    title="squares",
)


def test_a_graph_without_positions_is_laid_out_and_runs():
    graph = Graph(SQUARES)
    assert set(graph.file.layout) == {"x", "s", "c"}
    trace = graph.run()
    assert trace.output_value == 5.0 and graph.run() is trace  # run once
    np.testing.assert_array_equal(trace.bar("x"), [2.0, 4.0])  # 2x
    assert repr(graph) == "<gradviz graph 'squares': 3 nodes, output 'c'>"


def test_a_bad_graph_is_refused_when_made():
    bad = GraphFile((NodeSpec("x", "input", value=np.array([1.0, 2.0])),), "x")
    with pytest.raises(GraphFileError) as refused:
        Graph(bad)
    assert (refused.value.node, refused.value.field) == ("x", "output")
    assert "the output must be a scalar cost, but its shape is 2" in str(refused.value)


def test_at_a_step_counts_from_the_end_when_negative_and_is_bounded():
    graph = Graph(SQUARES)
    count = len(graph.run())  # 3 forward, 1 seed, 3 edges of two steps
    assert count == 10
    assert graph.step is None and graph.at(3).step == 3 and graph.at(-1).step == count - 1
    assert graph.at(-1).run() is graph.run()  # the same run, not another
    assert repr(graph.at(2)).endswith("at step 2>")
    with pytest.raises(IndexError, match=r"step 10 is outside 0\.\.9"):
        graph.at(10)


def test_saved_with_its_layout_and_step_and_read_back(tmp_path):
    path = Graph(SQUARES).at(4).save(tmp_path / "squares.json")
    back = Graph.read(path)
    assert back.step == 4 and back.file.layout == read(path).layout
    assert Graph.read(DEFAULT_EXAMPLE).program.output == read(DEFAULT_EXAMPLE).output


def test_using_a_graph_never_loads_qt(tmp_path):
    code = (
        "import sys, gradviz\n"
        f"g = gradviz.Graph.read({str(DEFAULT_EXAMPLE)!r}).at(3)\n"
        "g.run().gradients()\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
