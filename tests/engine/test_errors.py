"""Engine errors: every one a GradvizError, a NodeError one line naming the node and the field."""

from __future__ import annotations

import pytest

from gradviz.engine.errors import (
    AttrError,
    GradvizError,
    GraphError,
    NodeError,
    ShapeError,
    ValueDomainError,
)


@pytest.mark.parametrize("error", [ShapeError, AttrError, ValueDomainError, GraphError, NodeError])
def test_every_engine_error_is_a_gradviz_error(error):
    assert issubclass(error, GradvizError)


def test_a_node_error_names_node_and_field_and_keeps_the_reason():
    error = NodeError("W", "must be a number", "value")
    assert str(error) == "node 'W', field 'value': must be a number"
    assert (error.node_id, error.field, error.reason) == ("W", "value", "must be a number")
    assert str(NodeError("a", "matmul: inner sizes 3 and 4 differ")) == "node 'a': matmul: inner sizes 3 and 4 differ"
