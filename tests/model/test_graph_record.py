"""The graph record: plain, frozen data, the same class io re-exports."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gradviz.engine.program import NodeSpec
from gradviz.io import graph_file
from gradviz.model.graph_record import GraphFile


def test_a_record_holds_semantics_apart_from_layout_and_view():
    nodes = (NodeSpec("x", "input", value=np.array(1.0)), NodeSpec("c", "sin", ("x",)))
    record = GraphFile(nodes, "c")
    assert (record.layout, record.view, record.title, record.description) == ({}, {}, "", "")
    assert GraphFile(nodes, "c").layout is not record.layout  # no default shared between records
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.output = "x"  # type: ignore[misc]  # the point: assigning is refused


def test_io_re_exports_the_models_record():
    assert graph_file.GraphFile is GraphFile
