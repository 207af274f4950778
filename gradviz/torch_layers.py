"""What each PyTorch layer and call becomes in gradviz: the rules ``gradviz.torch_import`` applies to an fx graph.

Where torch and gradviz agree exactly a layer is one op; where a convention differs, nodes are added rather
than ops changed:

- ``nn.Linear`` computes x Wᵀ + b on rows; gradviz's ``linear`` is the notes' W x + b on columns. The rows
  are transposed in, and the result stays transposed through elementwise layers (ReLU, Sigmoid, Tanh)
  until something needs rows again, so an MLP reads xᵀ → linear → relu → linear → ᵀ, with W as torch has it.
- ``nn.Conv2d`` is gradviz's ``conv2d`` (torch's layout O×C×kh×kw, stride, zero padding), groups 1, dilation 1.
- Flatten, view and reshape become ``reshape`` to the shape torch computed (C order in both).
- MSELoss with reduction 'mean' or 'sum', CrossEntropyLoss with 'mean' (over the N rows) and integer labels.

Anything else is refused with one line naming the model, the layer or call, and the op.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from gradviz.engine.errors import GradvizError
from gradviz.engine.program import NodeSpec

if TYPE_CHECKING:
    import torch
    from torch import fx, nn


LAYERS = "Linear, Conv2d, ReLU, Sigmoid, Tanh, Flatten, Softmax, LogSoftmax, MSELoss, CrossEntropyLoss"
CALLS = (
    "relu, sigmoid, tanh, + − * / @, neg, matmul, sum, mean, softmax, log_softmax, flatten, view, reshape, "
    ".T, linear, conv2d, mse_loss, cross_entropy"
)


class TorchImportError(GradvizError):
    """A model gradviz cannot import, said in one line naming the model, the layer or call, and the op."""


def load_torch() -> Any:
    try:
        import torch  # noqa: PLC0415 - optional: only importing a model needs it
    except ImportError:
        raise TorchImportError('importing a PyTorch model needs torch: pip install "gradviz[torch]"') from None
    return torch


class Value(NamedTuple):
    """An fx node's value in the graph: the node holding it, torch's shape, and whether the node holds it
    transposed (a 2-D value kept as columns after a Linear)."""

    node: str
    shape: tuple[int, ...]
    transposed: bool = False


# ----- the converter ---------------------------------------------------------------------------------


class Converter:
    """Walks the fx graph in order, turning each node into gradviz NodeSpecs."""

    def __init__(self, model: nn.Module, name: str) -> None:
        self.model, self.name = model, name
        self.specs: list[NodeSpec] = []
        self.env: dict[Any, Any] = {}
        self._columns: dict[str, str] = {}  # node → its transpose, made once however many readers
        self._tensors: dict[Any, str] = {}  # a parameter or buffer read twice is one node
        self._names = {tensor: key for key, tensor in [*model.named_parameters(), *model.named_buffers()]}

    def fresh(self, stem: str) -> str:
        taken = {spec.id for spec in self.specs}
        candidate, count = stem, 1
        while candidate in taken:
            count += 1
            candidate = f"{stem}_{count}"
        return candidate

    def add(self, stem: str, op: str, inputs: Sequence[str] = (), value: Any = None, **attrs: Any) -> str:
        # fx names a call of layer "0" of a Sequential "_0": name it by its op and layer instead (linear_0)
        node_id = self.fresh(f"{op}{stem}" if stem.startswith("_") else stem)
        self.specs.append(NodeSpec(node_id, op, tuple(inputs), attrs, value))
        return node_id

    def tensor(self, tensor: torch.Tensor, stem: str) -> Value:
        """A weight as a parameter node, a buffer or other fixed tensor as a constant."""
        if tensor not in self._tensors:
            array = tensor.detach().cpu().double().numpy()
            kind = "parameter" if getattr(tensor, "requires_grad", False) else "constant"
            self._tensors[tensor] = self.add(self._names.get(tensor, stem), kind, value=array)
        return Value(self._tensors[tensor], tuple(tensor.shape))

    def rows(self, value: Value) -> Value:
        """``value`` as torch holds it: a transposed value gets its transpose node (one per value)."""
        if not value.transposed:
            return value
        if value.node not in self._columns:
            self._columns[value.node] = self.add(f"{value.node}_T", "transpose", [value.node])
        return Value(self._columns[value.node], value.shape)

    def columns(self, value: Value) -> Value:
        """A 2-D ``value`` held as columns (N×k rows as k×N), as gradviz's linear reads it."""
        if value.transposed:
            return value
        if value.node not in self._columns:
            self._columns[value.node] = self.add(f"{value.node}_T", "transpose", [value.node])
        return Value(self._columns[value.node], value.shape, transposed=True)

    def shape_of(self, node: fx.Node) -> tuple[int, ...]:
        """The shape of the one tensor ``node`` makes, as torch's shape propagation found it."""
        meta = node.meta.get("tensor_meta")
        if meta is None or not hasattr(meta, "shape"):
            raise self.refuse(f"node {node.name!r}", "a call that does not make one tensor")
        return tuple(meta.shape)

    def tensor_operand(self, item: Any, where: str) -> Value:
        """An argument that must be a tensor: a number there is refused."""
        value = self.operand(item, where)
        if isinstance(value, float):
            raise self.refuse(where, f"a call on the number {value:g} where it needs a tensor")
        return value

    def operand(self, item: Any, where: str) -> Value | float:
        """An argument as a Value or a plain number."""
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return float(item)
        value = self.env.get(item) if is_fx_node(item) else None
        if isinstance(value, Value):
            return value
        raise self.refuse(where, f"an argument {item!r} that is not a tensor it can follow")

    def node_of(self, item: Value | float, stem: str) -> str:
        if isinstance(item, Value):
            return item.node
        return self.add(f"{stem}_const", "constant", value=np.asarray(item))

    def refuse(self, where: str, what: str) -> TorchImportError:
        known = f"the layers {LAYERS}" if where.startswith("layer") else f"the calls {CALLS}"
        return TorchImportError(f"{self.name}: {where} is {what}, which has no gradviz op (gradviz imports {known})")


def is_fx_node(item: Any) -> bool:
    return type(item).__name__ == "Node" and hasattr(item, "op")


def _arguments(node: fx.Node, names: Sequence[str], defaults: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments by name, positional ones first, then keywords, then the defaults."""
    given = dict(zip(names, node.args))
    given.update(node.kwargs)
    return {**defaults, **given}


class Named(Protocol):
    """What converting a call needs of its fx node: its name (a loss appended to the model has no fx node)."""

    @property
    def name(self) -> str: ...


# ----- what each layer and call becomes ----------------------------------------------------------------


def _unary(op: str) -> Callable[..., Value]:
    """An elementwise op: it commutes with a transpose, so a value held as columns stays so."""

    def convert(c: Converter, node: fx.Node, x: Value) -> Value:
        return Value(c.add(node.name, op, [x.node]), x.shape, x.transposed)

    return convert


def _binary(op: str) -> Callable[..., Value]:
    def convert(c: Converter, node: fx.Node, a: Value | float, b: Value | float) -> Value:
        tensors = [item for item in (a, b) if isinstance(item, Value)]
        keep = all(item.transposed for item in tensors) and len({item.shape for item in tensors}) == 1
        if not keep:
            a, b = (c.rows(item) if isinstance(item, Value) else item for item in (a, b))
        inputs = [c.node_of(a, node.name), c.node_of(b, node.name)]
        return Value(c.add(node.name, op, inputs), c.shape_of(node), keep)

    return convert


def _linear(c: Converter, node: fx.Node, x: Value, weight: Value, bias: Value | None, *, where: str) -> Value:
    if len(x.shape) not in (1, 2):
        raise c.refuse(where, f"a Linear on a {len(x.shape)}-D input")
    inputs = [weight.node, (c.columns(x) if len(x.shape) == 2 else x).node, *([bias.node] if bias else [])]
    return Value(c.add(node.name, "linear", inputs), c.shape_of(node), transposed=len(x.shape) == 2)


def _conv2d(
    c: Converter,
    node: fx.Node,
    x: Value,
    weight: Value,
    bias: Value | None,
    *,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: int,
    where: str,
) -> Value:
    pairs = [(p, p) if isinstance(p, int) else tuple(p) for p in (stride, dilation)]
    if groups != 1 or pairs[1] != (1, 1):
        raise c.refuse(where, f"a conv2d with groups {groups} and dilation {list(pairs[1])}")
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":
        kernel = weight.shape[2:]
        if pairs[0] != (1, 1) or any(k % 2 == 0 for k in kernel):
            raise c.refuse(where, "a conv2d padded 'same' with an even kernel or a stride")
        padding = tuple(k // 2 for k in kernel)
    if len(x.shape) != 4:
        raise c.refuse(where, f"a conv2d on a {len(x.shape)}-D input (gradviz's takes N×C×H×W)")
    inputs = [c.rows(x).node, weight.node, *([bias.node] if bias else [])]
    return Value(c.add(node.name, "conv2d", inputs, stride=pairs[0], padding=padding), c.shape_of(node))


def _reduction_mode(c: Converter, reduction: str, allowed: Sequence[str], where: str) -> str:
    if reduction not in allowed:
        raise c.refuse(where, f"a loss with reduction {reduction!r}")
    return reduction


def mse(c: Converter, node: Named, prediction: Value, target: Value, *, reduction: str, where: str) -> Value:
    reduction = _reduction_mode(c, reduction, ("mean", "sum"), where)
    inputs = [c.rows(prediction).node, c.rows(target).node]
    return Value(c.add(node.name, "mse", inputs, reduction=reduction), ())


def cross_entropy(
    c: Converter, node: Named, logits: Value, target: Value, *, options: dict[str, Any], where: str
) -> Value:
    _reduction_mode(c, options.get("reduction", "mean"), ("mean",), where)
    if options.get("weight") is not None or options.get("label_smoothing", 0.0):
        raise c.refuse(where, "a cross-entropy with class weights or label smoothing")
    if len(logits.shape) != 2 or len(target.shape) != 1:
        raise c.refuse(where, "a cross-entropy that is not of N×C logits and N integer labels")
    return Value(c.add(node.name, "cross_entropy", [c.rows(logits).node, target.node]), ())


def _softmax(op: str) -> Callable[..., Value]:
    def convert(c: Converter, node: fx.Node, x: Value, dim: int | None, where: str) -> Value:
        if dim is None:
            raise c.refuse(where, f"a {op} with no dim")
        return Value(c.add(node.name, op, [c.rows(x).node], axis=dim), c.shape_of(node))

    return convert


def _reduce(op: str) -> Callable[..., Value]:
    def convert(c: Converter, node: fx.Node, x: Value, dim: Any = None, keepdim: bool = False) -> Value:
        axis = tuple(dim) if isinstance(dim, (list, tuple)) else dim
        return Value(c.add(node.name, op, [c.rows(x).node], axis=axis, keepdims=keepdim), c.shape_of(node))

    return convert


def _reshape(c: Converter, node: fx.Node, x: Value) -> Value:
    return Value(c.add(node.name, "reshape", [c.rows(x).node], shape=c.shape_of(node)), c.shape_of(node))


def _transpose(c: Converter, node: fx.Node, x: Value) -> Value:
    if x.transposed:  # the node already holds the transpose: nothing to add
        return Value(x.node, c.shape_of(node))
    return Value(c.add(node.name, "transpose", [x.node]), c.shape_of(node))


def _matmul(c: Converter, node: fx.Node, a: Value, b: Value) -> Value:
    return Value(c.add(node.name, "matmul", [c.rows(a).node, c.rows(b).node]), c.shape_of(node))


# Each call gradviz imports: the names of its arguments (as torch's functions take them) and their defaults.
SIGNATURES: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    **{kind: (("input", "other"), {"alpha": 1, "rounding_mode": None}) for kind in ("add", "sub", "mul", "div")},
    **{kind: (("input",), {}) for kind in ("neg", "relu", "sigmoid", "tanh", "reshape", "transpose")},
    "matmul": (("input", "other"), {}),
    "softmax": (("input", "dim"), {"dim": None, "dtype": None}),
    "log_softmax": (("input", "dim"), {"dim": None, "dtype": None}),
    "sum": (("input", "dim", "keepdim"), {"dim": None, "keepdim": False, "dtype": None}),
    "mean": (("input", "dim", "keepdim"), {"dim": None, "keepdim": False, "dtype": None}),
    "linear": (("input", "weight", "bias"), {"bias": None}),
    "conv2d": (
        ("input", "weight", "bias", "stride", "padding", "dilation", "groups"),
        {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1},
    ),
    "mse_loss": (("input", "target", "size_average", "reduce", "reduction"), {"reduction": "mean"}),
    "cross_entropy": (
        ("input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"),
        {"weight": None, "reduction": "mean", "label_smoothing": 0.0},
    ),
}
METHODS = {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "div": "div",
    "neg": "neg",
    "matmul": "matmul",
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "flatten": "reshape",
    "view": "reshape",
    "reshape": "reshape",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sum": "sum",
    "mean": "mean",
    "t": "transpose",
}
STATIC_METHODS = {"size", "dim"}  # numbers about shapes, read only by view and reshape (which use torch's shape)
STATIC = object()


def known_functions(torch: Any) -> dict[Any, str]:
    F = torch.nn.functional
    return {
        operator.add: "add",
        torch.add: "add",
        operator.sub: "sub",
        torch.sub: "sub",
        operator.mul: "mul",
        torch.mul: "mul",
        operator.truediv: "div",
        torch.div: "div",
        operator.neg: "neg",
        torch.neg: "neg",
        operator.matmul: "matmul",
        torch.matmul: "matmul",
        torch.mm: "matmul",
        torch.relu: "relu",
        F.relu: "relu",
        torch.sigmoid: "sigmoid",
        F.sigmoid: "sigmoid",
        torch.tanh: "tanh",
        F.tanh: "tanh",
        torch.flatten: "reshape",
        torch.reshape: "reshape",
        torch.softmax: "softmax",
        F.softmax: "softmax",
        torch.log_softmax: "log_softmax",
        F.log_softmax: "log_softmax",
        torch.sum: "sum",
        torch.mean: "mean",
        torch.t: "transpose",
        F.linear: "linear",
        F.conv2d: "conv2d",
        F.mse_loss: "mse_loss",
        F.cross_entropy: "cross_entropy",
    }


def _call(c: Converter, kind: str, node: fx.Node, where: str) -> Value:
    """A call (function or method) of ``kind``: its arguments checked, then its ops added."""
    names, defaults = SIGNATURES[kind]
    args = _arguments(node, names, defaults)
    if args.get("alpha", 1) != 1 or args.get("rounding_mode") is not None or args.get("dtype") is not None:
        raise c.refuse(where, f"a {kind} with alpha, rounding_mode or dtype")
    if kind in ("add", "sub", "mul", "div"):  # a number on either side is a constant node
        return _binary(kind)(c, node, c.operand(args["input"], where), c.operand(args["other"], where))
    x = c.tensor_operand(args["input"], where)

    def other(key: str) -> Any:
        return c.operand(args[key], where) if args[key] is not None else None

    convert = {
        "matmul": lambda: _matmul(c, node, x, other("other")),
        "softmax": lambda: _softmax("softmax")(c, node, x, args["dim"], where),
        "log_softmax": lambda: _softmax("log_softmax")(c, node, x, args["dim"], where),
        "sum": lambda: _reduce("sum")(c, node, x, args["dim"], args["keepdim"]),
        "mean": lambda: _reduce("mean")(c, node, x, args["dim"], args["keepdim"]),
        "reshape": lambda: _reshape(c, node, x),
        "transpose": lambda: _transpose(c, node, x),
        "linear": lambda: _linear(c, node, x, other("weight"), other("bias"), where=where),
        "conv2d": lambda: _conv2d(
            c,
            node,
            x,
            other("weight"),
            other("bias"),
            stride=args["stride"],
            padding=args["padding"],
            dilation=args["dilation"],
            groups=args["groups"],
            where=where,
        ),
        "mse_loss": lambda: mse(c, node, x, other("target"), reduction=args["reduction"], where=where),
        "cross_entropy": lambda: cross_entropy(c, node, x, other("target"), options=args, where=where),
    }
    return convert[kind]() if kind in convert else _unary(kind)(c, node, x)


def _layer(c: Converter, node: fx.Node) -> Value:
    """A call of a submodule: the layers gradviz has ops for, with the layer's own weights."""
    load_torch()  # one clear line if torch is missing; after it, torch imports
    import torch  # noqa: PLC0415 - optional: only importing a model needs it
    from torch import nn  # noqa: PLC0415

    target = str(node.target)  # a call_module's target is the submodule's dotted name
    layer = c.model.get_submodule(target)
    where = f"layer {target!r}"
    inputs = [c.tensor_operand(item, where) for item in node.args]

    def weights(layer: nn.Linear | nn.Conv2d) -> tuple[Value, Value | None]:
        bias = layer.bias if isinstance(layer.bias, torch.Tensor) else None  # a Linear's bias may be None
        weight = c.tensor(layer.weight, f"{target}.weight")
        return weight, c.tensor(bias, f"{target}.bias") if bias is not None else None

    def linear(layer: nn.Linear) -> Value:
        return _linear(c, node, inputs[0], *weights(layer), where=where)

    def conv2d(layer: nn.Conv2d) -> Value:
        stride, padding, dilation = layer.stride, layer.padding, layer.dilation
        return _conv2d(
            c,
            node,
            inputs[0],
            *weights(layer),
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=layer.groups,
            where=where,
        )

    def softmax(op: str) -> Callable[[nn.Softmax | nn.LogSoftmax], Value]:
        return lambda layer: _softmax(op)(c, node, inputs[0], layer.dim, where)

    def mse_loss(layer: nn.MSELoss) -> Value:
        return mse(c, node, inputs[0], inputs[1], reduction=layer.reduction, where=where)

    def cross_entropy_loss(layer: nn.CrossEntropyLoss) -> Value:
        options = {"reduction": layer.reduction, "weight": layer.weight, "label_smoothing": layer.label_smoothing}
        return cross_entropy(c, node, inputs[0], inputs[1], options=options, where=where)

    # each layer class gradviz imports (exactly that class: a subclass may compute something else)
    layers: dict[type, Callable[[Any], Value]] = {
        nn.Linear: linear,
        nn.Conv2d: conv2d,
        nn.ReLU: lambda _: _unary("relu")(c, node, inputs[0]),
        nn.Sigmoid: lambda _: _unary("sigmoid")(c, node, inputs[0]),
        nn.Tanh: lambda _: _unary("tanh")(c, node, inputs[0]),
        nn.Flatten: lambda _: _reshape(c, node, inputs[0]),
        nn.Softmax: softmax("softmax"),
        nn.LogSoftmax: softmax("log_softmax"),
        nn.MSELoss: mse_loss,
        nn.CrossEntropyLoss: cross_entropy_loss,
    }
    if isinstance(layer, nn.Conv2d) and layer.padding_mode != "zeros":
        raise c.refuse(where, f"a Conv2d padded with {layer.padding_mode!r}")
    convert = layers.get(type(layer))
    if convert is None:
        raise c.refuse(where, f"a {type(layer).__name__}")
    return convert(layer)


def convert_node(c: Converter, node: fx.Node, functions: dict[Any, str]) -> Any:
    """The Value (or STATIC, for numbers about shapes) of one fx node."""
    where = f"node {node.name!r}"
    if node.op == "get_attr":
        target = str(node.target)  # a get_attr's target is the attribute's dotted name
        return c.tensor(_attribute(c.model, target), target)
    if node.op == "call_module":
        return _layer(c, node)
    static = (node.op == "call_method" and node.target in STATIC_METHODS) or (
        node.op == "call_function" and node.target is operator.getitem and c.env.get(node.args[0]) is STATIC
    )
    if static:
        return STATIC
    if node.op == "call_method" and node.target in METHODS:
        return _call(c, METHODS[node.target], node, where)
    if node.op == "call_function" and node.target is getattr and node.args[1] in ("T", "mT"):
        return _transpose(c, node, c.tensor_operand(node.args[0], where))
    if node.op == "call_function" and node.target in functions:
        return _call(c, functions[node.target], node, where)
    if node.op == "call_method":
        raise c.refuse(where, f"the method .{node.target}()")
    if node.op != "call_function":
        raise c.refuse(where, f"an fx {node.op}")
    raise c.refuse(where, "indexing x[...]" if node.target is operator.getitem else f"a call of {_shown(node.target)}")


def _shown(function: Any) -> str:
    """A function as a user calls it: torch.nn.functional.gelu, not torch._C._nn.gelu."""
    name = getattr(function, "__name__", str(function))
    torch = load_torch()
    for prefix, namespace in (("torch.nn.functional", torch.nn.functional), ("torch", torch), ("operator", operator)):
        if getattr(namespace, name, None) is function:
            return f"{prefix}.{name}"
    return f"{getattr(function, '__module__', None) or '?'}.{name}"


def _attribute(model: nn.Module, target: str) -> Any:
    owner, _, name = target.rpartition(".")
    return getattr(model.get_submodule(owner), name)


def first_line(error: BaseException) -> str:
    return (str(error).strip().split("\n") or [""])[0] or type(error).__name__
