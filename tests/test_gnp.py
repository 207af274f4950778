"""gnp: every registry op as a numpy-like function, numpy's spellings as aliases; plain numpy on plain arrays.

Tracing a function written with gnp into a graph is tested in test_tracing.py.
"""

import numpy as np
import pytest

import gradviz
from gradviz import gnp
from gradviz.engine.registry import all_ops


def test_gnp_holds_every_op_of_the_registry_and_numpy_spellings():
    for op in all_ops():
        if not op.is_source:
            assert callable(getattr(gnp, op.name)) and gnp.OPS[op.name].__doc__.endswith(op.doc)
    assert gnp.sum(np.ones((2, 3)), 0).shape == (3,), "attributes may follow the inputs positionally, as in numpy"
    np.testing.assert_array_equal(gnp.maximum(np.array([-1.0, 2.0]), 0), [0.0, 2.0])
    np.testing.assert_array_equal(gnp.multiply(2.0, np.array([1.0])), [2.0])
    with pytest.raises(AttributeError, match="no gradviz op computes it"):
        gnp.sort  # noqa: B018


def test_on_plain_arrays_gnp_is_numpy():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(gnp.tanh(x), np.tanh(x))
    np.testing.assert_allclose(gnp.matmul(x, x), x @ x)
    np.testing.assert_array_equal(gnp.reshape(x, -1), x.reshape(-1))
    np.testing.assert_allclose(gnp.power(x, 3), x**3)


def test_inside_a_trace_gnp_records_its_op():
    def f(W, x):
        return gnp.sum(gnp.relu(gnp.matmul(W, x)))

    graph = gradviz.trace(f, params=["W"], W=np.array([[1.0, -1.0], [2.0, 0.5]]), x=np.array([1.0, 2.0]))
    assert {"matmul", "relu", "sum"} <= {spec.op for spec in graph.file.nodes}
    # W x = (−1, 3): relu keeps 3
    assert graph.run().output_value == pytest.approx(3.0)


def test_too_many_arguments_or_an_attribute_twice_is_one_error():
    with pytest.raises(gradviz.TraceError, match="sum takes 1 inputs and the attributes axis, keepdims, not 4"):
        gnp.sum(np.ones(2), 0, False, 1)
    with pytest.raises(gradviz.TraceError, match="sum: axis is given twice"):
        gnp.sum(np.ones(2), 0, axis=0)
