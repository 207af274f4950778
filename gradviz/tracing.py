"""Tracing a Python function into a graph: boxes that record every op they pass through.

    def loss(W, x, y):
        a = W @ x
        return gnp.sum((a - y) ** 2)

    g = gradviz.trace(loss, params=["W"], constants=["y"], W=W, x=x, y=y)

Each array given is wrapped in a ``Box`` holding its value and the id of the node that stands for
it, as HIPS autograd's ArrayBox and JAX's tracers do. An operator or a ``gnp`` function applied to a
box checks the op's shapes, computes its value at once and records one node. The function runs as
ordinary Python on those values, so a loop unrolls into one node per pass and an ``if`` keeps the
branch it took (comparisons ``<``, ``>`` give plain booleans of the current values, unrecorded).

Names a student can read: arguments keep their names, the function's local variables name the nodes
they hold when it returns (``a = W @ x`` makes node ``a``), an unnamed result takes the function's
name, arrays read from its closure or globals keep theirs, and anything else is ``matmul1``,
``const1``. Nodes that do not lead to the result are dropped, except the arguments.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

import numpy as np

from gradviz.engine.errors import GradvizError
from gradviz.engine.ops._common import show
from gradviz.engine.program import NodeSpec
from gradviz.engine.registry import Op, get_op

if TYPE_CHECKING:
    from gradviz.api import Graph

_HERE = {str(Path(__file__)), str(Path(__file__).with_name("gnp.py"))}


class TraceError(GradvizError):
    """Something in a traced function that has no gradviz op or no graph, said where it happened."""


def user_line() -> str:
    """Where the traced code is: ``file.py:12 (in loss)``, the innermost frame outside gradviz's tracing."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in _HERE:
        frame = frame.f_back
    if frame is None:
        return "traced code"
    return f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} (in {frame.f_code.co_name})"


def fail(message: str) -> TraceError:
    """A TraceError saying where in the user's code ``message`` happened."""
    return TraceError(f"{user_line()}: {message}")


# ----- the box ------------------------------------------------------------------------------------


class Box:
    """A traced value: the node it stands for, and its value now (read ``.value``, ``.shape``)."""

    __slots__ = ("node", "recorder", "value")

    def __init__(self, recorder: Recorder, node: str, value: np.ndarray) -> None:
        self.recorder, self.node, self.value = recorder, node, value

    def __repr__(self) -> str:
        return f"Box(node {self.node!r}, shape {show(self.shape)})"

    # numpy's face: what can be read without recording anything
    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)
    dtype = property(lambda self: self.value.dtype)

    def __len__(self) -> int:
        return len(self.value)

    # operators, each one op of the registry
    def __add__(self, other: Any) -> Box:
        return record("add", self, other)

    def __radd__(self, other: Any) -> Box:
        return record("add", other, self)

    def __sub__(self, other: Any) -> Box:
        return record("sub", self, other)

    def __rsub__(self, other: Any) -> Box:
        return record("sub", other, self)

    def __mul__(self, other: Any) -> Box:
        return record("mul", self, other)

    def __rmul__(self, other: Any) -> Box:
        return record("mul", other, self)

    def __truediv__(self, other: Any) -> Box:
        return record("div", self, other)

    def __rtruediv__(self, other: Any) -> Box:
        return record("div", other, self)

    def __matmul__(self, other: Any) -> Box:
        return record("matmul", self, other)

    def __rmatmul__(self, other: Any) -> Box:
        return record("matmul", other, self)

    def __neg__(self) -> Box:
        return record("neg", self)

    def __pos__(self) -> Box:
        return self

    def __abs__(self) -> Box:
        return record("abs", self)

    def __pow__(self, exponent: Any) -> Box:
        if isinstance(exponent, Box):
            raise fail("x ** y with a traced exponent has no gradviz op (pow takes a fixed number as its exponent)")
        return record("pow", self, exponent=_number(exponent, "pow", "exponent"))

    def __rpow__(self, base: Any) -> Box:
        raise fail("a ** x with a traced exponent has no gradviz op (write gnp.exp(x * np.log(a)))")

    @property
    def T(self) -> Box:
        return record("transpose", self)

    def transpose(self, *axes: int) -> Box:
        given = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return record("transpose", self, **({"axes": tuple(given)} if given else {}))

    def reshape(self, *shape: Any) -> Box:
        given = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return record("reshape", self, shape=tuple(given))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Box:
        return record("sum", self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Box:
        return record("mean", self, axis=axis, keepdims=keepdims)

    # comparisons: plain booleans of the values now, so `if` and `while` pick a branch (not recorded)
    def __lt__(self, other: Any) -> Any:
        return self.value < _plain(other)

    def __le__(self, other: Any) -> Any:
        return self.value <= _plain(other)

    def __gt__(self, other: Any) -> Any:
        return self.value > _plain(other)

    def __ge__(self, other: Any) -> Any:
        return self.value >= _plain(other)

    # what has no op: one clear error each, never a silently lost dependency
    def __getitem__(self, key: Any) -> Any:
        raise fail(
            "indexing a traced value has no gradviz op: select the data before tracing, or use "
            "whole-array ops (sum, reshape, matmul)"
        )

    def __iter__(self) -> Any:
        raise fail("iterating over a traced value has no gradviz op (it would index it)")

    def __bool__(self) -> bool:
        raise fail("the truth of a traced value is not recorded: compare it (x > 0) or read x.value")

    def __float__(self) -> float:
        raise fail("float() of a traced value would leave the graph: read x.value to look at it")

    def __int__(self) -> int:
        raise fail("int() of a traced value would leave the graph: read x.value to look at it")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise fail(
            "a traced value cannot become a plain numpy array (np.asarray): use gnp functions on it, "
            "or read x.value outside the computation"
        )

    # numpy functions called on a box: the ones with an op record it, the others say so
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from gradviz import gnp  # noqa: PLC0415 - gnp builds on this module

        return gnp.apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(
        self, func: Callable[..., Any], types: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Any:
        from gradviz import gnp  # noqa: PLC0415

        return gnp.apply_function(func, args, kwargs)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Box) else value


def _number(value: Any, op_name: str, attr: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise fail(f"{op_name}: {attr} must be a number, not {value!r}") from None


# ----- recording ----------------------------------------------------------------------------------


class Recorder:
    """The nodes of one trace, in the order they were made (so already topological)."""

    def __init__(self, named_arrays: Iterable[tuple[str, object]] = ()) -> None:
        self.specs: list[NodeSpec] = []
        self.taken: set[str] = set()
        self._counts: dict[str, int] = {}
        self._named_arrays = list(named_arrays)  # (name, array) read from the function's closure and globals
        self._array_nodes: list[tuple[object, str, np.ndarray]] = []  # an array used twice is one node

    def fresh(self, stem: str) -> str:
        """``stem1``, ``stem2``, ... skipping ids already taken."""
        while True:
            self._counts[stem] = self._counts.get(stem, 0) + 1
            candidate = f"{stem}{self._counts[stem]}"
            if candidate not in self.taken:
                return candidate

    def add(self, spec: NodeSpec) -> str:
        self.specs.append(spec)
        self.taken.add(spec.id)
        return spec.id

    def source(self, node_id: str, op: str, value: Any) -> Box:
        array = _as_float_array(value, node_id)
        return Box(self, self.add(NodeSpec(node_id, op, value=array)), array)

    def constant(self, value: Any) -> tuple[str, np.ndarray]:
        """The node of a number or array the function used as it is: one per array object."""
        for known, node_id, array in self._array_nodes:
            if known is value:
                return node_id, array
        name = next((name for name, array in self._named_arrays if array is value), None)
        node_id = name if name is not None and name not in self.taken else self.fresh("const")
        array = _as_float_array(value, node_id)
        self.add(NodeSpec(node_id, "constant", value=array))
        if isinstance(value, np.ndarray):
            self._array_nodes.append((value, node_id, array))
        return node_id, array


def _as_float_array(value: Any, node_id: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail(f"{node_id}: {type(value).__name__} values cannot be traced: give numbers or arrays") from None
    array.setflags(write=False)
    return array


def _recorder_of(inputs: Sequence[Any]) -> Recorder | None:
    recorders = {id(item.recorder): item.recorder for item in inputs if isinstance(item, Box)}
    if len(recorders) > 1:
        raise fail("values from two different traces meet in one op")
    return next(iter(recorders.values()), None)


def record(op_name: str, *inputs: Any, **attrs: Any) -> Any:
    """Apply op ``op_name`` to ``inputs`` (boxes, arrays or numbers) with ``attrs``.

    With a box among the inputs, the op's node is recorded and a box returned; with none, this is
    plain numpy (so a function written with gnp also runs untraced). Errors name the user's line.
    """
    op = get_op(op_name)
    for name, value in attrs.items():
        if isinstance(value, Box):
            raise fail(f"{op.name}: {name} must be a fixed value, not a traced one")
    try:
        op.check_arity(len(inputs))
        resolved = op.resolve_attrs(attrs)
    except GradvizError as error:
        raise fail(str(error)) from None
    recorder = _recorder_of(inputs)
    if recorder is None:
        values = [np.asarray(item, dtype=np.float64) for item in inputs]
        return _compute(op, values, resolved)
    ids, values = [], []
    for item in inputs:
        node_id, value = (item.node, item.value) if isinstance(item, Box) else recorder.constant(item)
        ids.append(node_id)
        values.append(value)
    value = _compute(op, values, resolved)
    defaults = {attr.name: attr.default for attr in op.attrs}
    given = {name: resolved[name] for name in attrs if resolved[name] != defaults[name]}  # as a person writes it
    node_id = recorder.add(NodeSpec(recorder.fresh(op.name), op.name, tuple(ids), given))
    return Box(recorder, node_id, value)


def _compute(op: Op, values: list[np.ndarray], attrs: dict[str, Any]) -> np.ndarray:
    """The op's value, after its shape rule has had its say in the user's terms."""
    try:
        op.shape(*(value.shape for value in values), **attrs)
        with np.errstate(all="ignore"):
            value = np.asarray(op.forward(*values, **attrs), dtype=np.float64)
    except GradvizError as error:
        raise fail(str(error)) from None
    value.setflags(write=False)
    return value


# ----- trace ----------------------------------------------------------------------------------------


def trace(fn: Callable[..., Any], params: Iterable[str] = (), constants: Iterable[str] = (), **arrays: Any) -> Graph:
    """Run ``fn`` on ``arrays`` (by argument name) and return the graph of the ops it applied.

    Arguments named in ``params`` become parameter nodes, those in ``constants`` constant nodes (no
    bar: targets, labels), the others input nodes. ``fn`` must return a scalar cost. Raises
    TraceError, naming the line, for a numpy function with no gradviz op, a shape that does not fit,
    or a result that is not a scalar traced value.
    """
    from gradviz.api import Graph  # noqa: PLC0415 - api reads files: only a finished trace needs it
    from gradviz.io.graph_file import GraphFile  # noqa: PLC0415

    params, constants = list(params), list(constants)
    name = getattr(fn, "__name__", "traced")
    _check_names(fn, name, params, constants, arrays)
    code = _code_of(fn)
    recorder = Recorder(_named_arrays(fn, code))
    boxes = {}
    for key, value in arrays.items():
        op = "parameter" if key in params else "constant" if key in constants else "input"
        boxes[key] = recorder.source(key, op, value)
    result, local_names = _call_capturing_locals(fn, code, boxes)
    if not isinstance(result, Box) or result.recorder is not recorder:
        raise TraceError(
            f"{name} returned {type(result).__name__}, not a traced value: its result must come "
            "from gnp functions or operators applied to its arguments"
        )
    if result.shape != ():
        raise TraceError(
            f"{name} returned a value of shape {show(result.shape)}; the graph's output must be a "
            "scalar cost (end with gnp.sum, gnp.mean or a loss)"
        )
    names = _readable_names(recorder, local_names, result, name, set(arrays))
    specs = _renamed(reaching(recorder.specs, result.node, set(arrays)), names)
    doc = (inspect.getdoc(fn) or "").strip().split("\n")[0]
    return Graph(GraphFile(tuple(specs), names.get(result.node, result.node), title=name, description=doc))


def _check_names(
    fn: Callable[..., Any], name: str, params: list[str], constants: list[str], arrays: Mapping[str, Any]
) -> None:
    for listed, kind in ((params, "params"), (constants, "constants")):
        for item in listed:
            if item not in arrays:
                raise TraceError(
                    f"{kind} names {item!r}, which is not among the arrays given ({', '.join(arrays) or 'none'})"
                )
    both = set(params) & set(constants)
    if both:
        raise TraceError(f"{sorted(both)[0]!r} is named in both params and constants")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    kinds = {p.kind for p in signature.parameters.values()}
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        for key in arrays:
            if key not in signature.parameters:
                raise TraceError(f"{name} has no argument {key!r} (it takes: {', '.join(signature.parameters)})")


def _code_of(fn: Callable[..., Any]) -> CodeType | None:
    return getattr(getattr(fn, "__func__", fn), "__code__", None)


def _named_arrays(fn: Callable[..., Any], code: CodeType | None) -> list[tuple[str, object]]:
    """Arrays the function reads from its closure and its globals, with their names."""
    if code is None:
        return []
    function = getattr(fn, "__func__", fn)
    found = [
        (name, cell.cell_contents) for name, cell in zip(code.co_freevars, function.__closure__ or ()) if _filled(cell)
    ]
    module = getattr(function, "__globals__", {})
    found += [(name, module[name]) for name in code.co_names if name in module]
    return [(name, value) for name, value in found if isinstance(value, np.ndarray)]


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises ValueError
    except ValueError:
        return False
    return True


def _call_capturing_locals(
    fn: Callable[..., Any], code: CodeType | None, boxes: Mapping[str, Box]
) -> tuple[Any, dict[str, Any]]:
    """Call ``fn(**boxes)``; also return its local variables as they were when it returned.

    A profile hook sees the frame of ``fn`` return; it is set only if no profiler is running (a
    profiler keeps its hook, and the nodes keep generated names).
    """
    local_names: dict[str, Any] = {}
    if code is None or sys.getprofile() is not None:
        return fn(**boxes), local_names

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "return" and frame.f_code is code and not local_names:
            local_names.update(frame.f_locals)

    sys.setprofile(hook)
    try:
        result = fn(**boxes)
    finally:
        sys.setprofile(None)
    return result, local_names


def _readable_names(
    recorder: Recorder, local_names: Mapping[str, Any], result: Box, fn_name: str, arguments: set[str]
) -> dict[str, str]:
    """Generated op ids → the local variable holding the node when ``fn`` returned (first name wins)."""
    renamed: dict[str, str] = {}
    used = set(recorder.taken)
    generated = {spec.id for spec in recorder.specs if spec.id not in arguments and spec.op != "constant"}
    for name, value in local_names.items():
        if isinstance(value, Box) and value.node in generated and value.node not in renamed and name not in used:
            renamed[value.node] = name
            used.add(name)
    if result.node in generated and result.node not in renamed and fn_name.isidentifier() and fn_name not in used:
        renamed[result.node] = fn_name
    return renamed


def reaching(specs: list[NodeSpec], output: str, keep: set[str]) -> list[NodeSpec]:
    """The specs on a path to ``output``, and the arguments ``keep`` whatever they lead to."""
    needed = {output}
    for spec in reversed(specs):
        if spec.id in needed:
            needed.update(parent for parent in spec.inputs if parent is not None)
    return [spec for spec in specs if spec.id in needed or spec.id in keep]


def _renamed(specs: list[NodeSpec], names: Mapping[str, str]) -> list[NodeSpec]:
    return [
        NodeSpec(
            names.get(spec.id, spec.id),
            spec.op,
            tuple(names.get(i, i) if i is not None else None for i in spec.inputs),
            spec.attrs,
            spec.value,
            spec.label,
        )
        for spec in specs
    ]
