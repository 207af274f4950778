"""Importing a PyTorch model: ``torch.fx`` traces an ``nn.Module`` and each of its nodes becomes gradviz ops.

    g = gradviz.from_torch(model, x, loss=nn.CrossEntropyLoss(), target=labels)

The module's current weights become parameter nodes (float64) named as torch names them (``fc1.weight``),
the first input an input node, further inputs and the target constant nodes; the imported graph's bars are
torch autograd's ``.grad``. What each layer becomes is ``gradviz.torch_layers``. torch is optional: only
these functions import it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from gradviz.io.graph_file import GraphFile
from gradviz.torch_layers import (
    Converter,
    TorchImportError,
    Value,
    convert_node,
    cross_entropy,
    first_line,
    is_fx_node,
    known_functions,
    load_torch,
    mse,
)

if TYPE_CHECKING:
    import torch
    from torch import nn

    from gradviz.api import Graph

__all__ = ["TorchImportError", "from_torch", "import_file"]


def from_torch(
    module: nn.Module, example_input: Any, *, loss: nn.Module | None = None, target: torch.Tensor | None = None
) -> Graph:
    """The graph of ``module`` run on ``example_input`` (a tensor, or a tuple with one per input of forward).

    The first input becomes an input node, any others (a target the model's forward takes) constant nodes.
    A model that ends before a scalar cost takes ``loss`` (an nn.MSELoss or nn.CrossEntropyLoss) and its
    ``target``. Raises TorchImportError naming the layer or call and the op for anything gradviz has no op for.
    """
    from gradviz.api import Graph  # noqa: PLC0415
    from gradviz.tracing import reaching  # noqa: PLC0415

    torch = load_torch()
    from torch.fx.passes.shape_prop import ShapeProp  # noqa: PLC0415

    name = type(module).__name__
    examples = tuple(example_input) if isinstance(example_input, (tuple, list)) else (example_input,)
    try:
        traced = torch.fx.symbolic_trace(module)
    except Exception as error:  # torch.fx says why in its own words (control flow on a value, say)
        raise TorchImportError(f"{name}: torch.fx cannot trace it: {first_line(error)}") from None
    placeholders = [node for node in traced.graph.nodes if node.op == "placeholder"]
    if len(placeholders) != len(examples):
        raise TorchImportError(
            f"{name}: forward takes {len(placeholders)} inputs "
            f"({', '.join(node.name for node in placeholders)}), but {len(examples)} were given"
        )
    try:  # ShapeProp prints the traceback of a failure itself: keep it for the one line below
        with torch.no_grad(), contextlib.redirect_stderr(io.StringIO()):
            ShapeProp(traced).propagate(*examples)
    except Exception as error:
        raise TorchImportError(
            f"{name}: the example input does not fit the model: {first_line(error.__cause__ or error)}"
        ) from None
    c = Converter(module, name)
    functions = known_functions(torch)
    for node in traced.graph.nodes:
        if node.op == "placeholder":
            array = examples[len(c.env)].detach().cpu().double().numpy()
            kind = "input" if not c.env else "constant"
            stem = "x" if node.name.startswith("input") else node.name  # a Sequential calls its input input_1
            c.env[node] = Value(c.add(stem, kind, value=array), tuple(array.shape))
        elif node.op == "output":
            result = node.args[0]
        else:
            c.env[node] = convert_node(c, node, functions)
    output = c.env.get(result) if is_fx_node(result) else None
    if not isinstance(output, Value):
        raise TorchImportError(f"{name}: forward must return one tensor, not {type(result).__name__}")
    if loss is not None:
        output = _append_loss(c, output, loss, target)
    if output.shape != ():
        shown = "×".join(map(str, output.shape))
        raise TorchImportError(
            f"{name}: the model's output is {shown}, not a scalar cost: give a loss and a target "
            "(loss=nn.CrossEntropyLoss(), target=labels), or --loss on the command line"
        )
    keep = {placeholder.name for placeholder in placeholders}
    specs = tuple(reaching(c.specs, output.node, keep))
    described = f"Imported from PyTorch with torch.fx: {name}, weights as they were."
    return Graph(GraphFile(specs, output.node, title=name, description=described))


def _append_loss(c: Converter, output: Value, loss: nn.Module, target: Any) -> Value:
    nn = load_torch().nn
    if target is None:
        raise TorchImportError(f"{c.name}: a loss needs its target (target=...)")
    array = np.asarray(target.detach().cpu().double().numpy() if hasattr(target, "detach") else target, float)
    target_value = Value(c.add("target", "constant", value=array), tuple(array.shape))
    cost = _Named("loss")
    if isinstance(loss, nn.MSELoss):
        return mse(c, cost, output, target_value, reduction=loss.reduction, where="the loss")
    if isinstance(loss, nn.CrossEntropyLoss):
        options = {"reduction": loss.reduction, "weight": loss.weight, "label_smoothing": loss.label_smoothing}
        return cross_entropy(c, cost, output, target_value, options=options, where="the loss")
    raise c.refuse("the loss", f"a {type(loss).__name__}")


class _Named(NamedTuple):
    """Stands in for an fx node where a node is added that the model's graph does not have (the loss)."""

    name: str
    meta: dict[str, Any] = {}  # noqa: RUF012 - read only


def import_file(reference: str, input_shape: str | Sequence[int], loss: str | None = None, seed: int = 0) -> Graph:
    """The graph of ``ClassName()`` from ``FILE.py:ClassName`` on a seeded random input of ``input_shape``
    (sizes, or the command line's "1,3,8,8"). Every error message starts with FILE.py.

    This runs FILE.py: it is the user's own code, imported as they asked. With ``loss`` ('mse' or
    'cross_entropy') the model's output gets that loss against a seeded random target.
    """
    path_text, _, class_name = reference.rpartition(":")
    if not path_text or not class_name:
        raise TorchImportError(f"{reference}: expected FILE.py:ClassName")
    try:
        shape = tuple(int(size) for size in input_shape.split(",")) if isinstance(input_shape, str) else input_shape
    except ValueError:
        raise TorchImportError(
            f"{path_text}: --input-shape must be sizes separated by commas (1,3,8,8), not {input_shape!r}"
        ) from None
    torch = load_torch()
    model_class = _model_class(Path(path_text), class_name)
    torch.manual_seed(seed)
    try:
        model = model_class()
        example = torch.randn(*shape)
        if loss is None:
            return from_torch(model, example)
        with torch.no_grad():
            out = model(example)
        target = torch.randn(out.shape) if loss == "mse" else torch.randint(0, out.shape[-1], out.shape[:1])
        criterion = torch.nn.MSELoss() if loss == "mse" else torch.nn.CrossEntropyLoss()
        return from_torch(model, example, loss=criterion, target=target)
    except TorchImportError as error:
        raise TorchImportError(f"{path_text}: {error}") from None
    except Exception as error:  # the user's code: whatever it raises is reported, in one line
        raise TorchImportError(
            f"{path_text}: {class_name} failed: {type(error).__name__}: {first_line(error)}"
        ) from None


def _model_class(path: Path, class_name: str) -> type:
    """Run the file at ``path`` as a module and return its nn.Module class ``class_name``."""
    torch = load_torch()
    if not path.is_file():
        raise TorchImportError(f"{path}: no such file")
    spec = importlib.util.spec_from_file_location(f"gradviz_model_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise TorchImportError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # what the model's code may look itself up by (dataclasses, pickling)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise TorchImportError(f"{path}: running it failed: {type(error).__name__}: {first_line(error)}") from None
    model_class = getattr(module, class_name, None)
    if not (isinstance(model_class, type) and issubclass(model_class, torch.nn.Module)):
        raise TorchImportError(f"{path}: {class_name} is not an nn.Module class defined there")
    return model_class
