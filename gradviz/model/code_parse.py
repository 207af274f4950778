"""Text → graph: numpy-like lines read with ``ast`` into NodeSpecs, never run.

Nothing in the text is evaluated: the parser walks the syntax tree and accepts only what describes a
graph (assignments of operators, ``.T``, calls of registered ops, sources and value helpers, and
literal numbers). Anything else (an import, an attribute, a loop, a lambda, a call of anything not in
the registry) is refused with the line and column where it stands. Each node is checked as it is
made, with its op's own shape rule, so an error points at the expression that causes it.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

import numpy as np

from gradviz.engine.errors import GradvizError, NodeError
from gradviz.engine.ops._common import show
from gradviz.engine.program import NodeSpec, Program, label_sources, source_array
from gradviz.engine.registry import Op, all_ops, find_op, get_op
from gradviz.model.code import BINARY, COST, HELPERS, RESERVED_KEYWORDS, WORDS, CodeError
from gradviz.model.graph_record import GraphFile

Shape = tuple[int, ...]

OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.MatMult: "matmul"}
assert set(OPERATORS.values()) == set(BINARY)  # one table of operators, read two ways
OTHER_OPERATORS = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}

# what a refused piece of syntax is called in an error
REFUSED = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.Lambda: "lambda",
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.If: "if",
    ast.IfExp: "if ... else",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def",
    ast.ClassDef: "class",
    ast.With: "with",
    ast.AsyncWith: "with",
    ast.Try: "try",
    ast.Subscript: "indexing",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.AugAssign: "augmented assignment (+=)",
    ast.AnnAssign: "an annotated assignment",
    ast.Delete: "del",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Return: "return",
    ast.Raise: "raise",
    ast.Assert: "assert",
    ast.Pass: "pass",
    ast.NamedExpr: ":=",
    ast.JoinedStr: "an f-string",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Starred: "*",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}


def parse_code(text: str) -> GraphFile:
    """The graph ``text`` describes (no layout); CodeError at the first thing that is not a graph."""
    return _Reader(text).graph()


class _Reader:
    """Reads the statements in order, making each node as its expression is met."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        try:
            self.module = ast.parse(text, mode="exec")
        except SyntaxError as error:
            line, column = error.lineno or 1, error.offset or 1
            raise CodeError(line, column, f"not Python: {error.msg}") from None
        except (ValueError, RecursionError, MemoryError) as error:  # null bytes, absurd nesting
            raise CodeError(1, 1, f"not Python: {error}") from None
        self.specs: list[NodeSpec] = []
        self.shapes: dict[str, Shape] = {}
        self.made_by: dict[str, ast.AST] = {}  # node id → the expression that made it
        self.names: dict[str, str] = {}  # variable → node id
        self.assigned_on: dict[str, int] = {}  # variable → the line assigning it
        self.cost: tuple[str | None, ast.AST] | None = None
        self.last: tuple[str, ast.AST] | None = None
        # names the text assigns or gives as ids, so a made-up id never takes one a later line will need
        self.taken = {
            target.id
            for node in ast.walk(self.module)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        self.taken |= {
            kw.value.value
            for node in ast.walk(self.module)
            if isinstance(node, ast.Call)
            for kw in node.keywords
            if kw.arg == "id" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
        }

    # ----- errors ------------------------------------------------------------------------------

    def error(self, where: ast.AST, message: str) -> CodeError:
        """``message`` at ``where``; ast counts columns in UTF-8 bytes, people count characters."""
        line, offset = getattr(where, "lineno", 1), getattr(where, "col_offset", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")) + 1
        return CodeError(line, column, message)

    def refuse(self, where: ast.AST) -> CodeError:
        what = REFUSED.get(type(where), type(where).__name__.lower())
        if isinstance(where, ast.Attribute):
            return self.error(where, f"attribute access .{where.attr} is not allowed (only .T, the transpose)")
        return self.error(where, f"{what} is not allowed: the text describes a graph and is never run")

    # ----- statements --------------------------------------------------------------------------

    def graph(self) -> GraphFile:
        body = list(self.module.body)
        docstring = ""
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            docstring = first.value.value
            body.pop(0)
        for statement in body:
            if isinstance(statement, ast.Assign):
                self.assign(statement)
            elif isinstance(statement, ast.Expr):
                raise self.bare(statement.value)
            else:
                raise self.refuse(statement)
        output = self.output()
        title, _, description = docstring.partition("\n\n")
        return GraphFile(tuple(self.specs), output, {}, {}, title, description)

    def assign(self, statement: ast.Assign) -> None:
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            raise self.error(statement.targets[-1], "write one name on the left of =, as in a = W @ x")
        target = statement.targets[0].id
        if target in self.assigned_on:
            raise self.error(
                statement,
                f"{target} is assigned twice (first on line {self.assigned_on[target]}); give each node its own name",
            )
        value = statement.value
        if target == COST and isinstance(value, (ast.Name, ast.Constant)) and not _is_literal(value):
            node_id = None if isinstance(value, ast.Constant) and value.value is None else self.operand(value)
            self.cost = (node_id, value)
            if node_id is not None:
                self.names[target] = node_id
        elif isinstance(value, ast.Name):
            raise self.error(
                value,
                f"{target} = {value.id} makes no new node: use {value.id} itself "
                f"(or write {COST} = {value.id} to choose the cost)",
            )
        elif _is_literal(value) or _helper_name(value):
            raise self.error(
                value, f"wrap the value in a source: {target} = constant(...), input(...) or parameter(...)"
            )
        else:
            node_id = self.expression(value, target)
            if target == COST:
                self.cost = (node_id, value)
            self.names[target] = node_id
            self.last = (node_id, value)
        self.assigned_on[target] = statement.lineno

    def bare(self, value: ast.expr) -> CodeError:
        """A statement that assigns nothing: name what in it is not allowed, or say it makes nothing."""
        for node in ast.walk(value):
            if isinstance(node, ast.Attribute) and node.attr != "T":
                return self.refuse(node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not self.callable(node.func.id):
                return self.unknown(node.func)
        return self.error(value, "an expression on its own makes nothing: assign it to a name, as in a = ...")

    def output(self) -> str | None:
        chosen = self.cost or self.last
        if chosen is None:
            return None
        output, where = chosen
        if output is None:
            return None
        if self.shapes[output] != ():
            raise self.error(
                where,
                f"the cost {output} must be a scalar, but its shape is "
                f"{show(self.shapes[output])} (end with sum(...) or a loss, "
                f"or write {COST} = None)",
            )
        self.check_whole(output)
        return output

    def check_whole(self, output: str) -> None:
        """What needs the whole graph: integer labels, then the engine's own check of everything."""
        try:
            for node_id in label_sources(self.specs):
                spec = self.specs[[s.id for s in self.specs].index(node_id)]
                if spec.value is not None:
                    source_array(spec.value, "int", node_id)
            Program(self.specs, output)
        except NodeError as error:
            raise self.error(self.made_by.get(error.node_id, self.module), error.reason) from None
        except GradvizError as error:
            raise self.error(self.module, str(error)) from None

    # ----- expressions -------------------------------------------------------------------------

    def operand(self, expr: ast.expr) -> str:
        """The node an operand names or makes; a literal number or array becomes a constant node."""
        if isinstance(expr, ast.Name):
            if expr.id in self.names:
                return self.names[expr.id]
            later = self.later_line(expr.id)
            raise self.error(
                expr,
                f"{expr.id} is used before it is assigned (on line {later})" if later else f"{expr.id} is not defined",
            )
        if isinstance(expr, ast.Constant) and expr.value is None:
            raise self.error(expr, "this input is not connected (None): give a node here")
        if _is_literal(expr) or _helper_name(expr):
            value = self.value(expr)
            stem = "const_" + _token(value.item()) if value.ndim == 0 else "const"
            return self.make(get_op("constant"), (), {}, expr, self.fresh(stem, "const"), value=value)
        return self.expression(expr, None)

    def later_line(self, name: str) -> int | None:
        for statement in self.module.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in statement.targets
            ):
                return statement.lineno
        return None

    def expression(self, expr: ast.expr, target: str | None) -> str:
        """Make the node ``expr`` computes (and the nodes inside it); its id is ``target`` if given."""
        if isinstance(expr, ast.BinOp):
            return self.binary(expr, target)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
            x = self.operand(expr.operand)
            return self.make(get_op("neg"), (x,), {}, expr, target or self.fresh(f"neg_{x}", "neg"))
        if isinstance(expr, ast.Attribute):
            if expr.attr != "T":
                raise self.refuse(expr)
            x = self.operand(expr.value)
            return self.make(get_op("transpose"), (x,), {}, expr, target or self.fresh(f"{x}_T", "transpose"))
        if isinstance(expr, ast.Call):
            return self.call(expr, target)
        if isinstance(expr, ast.Constant):
            raise self.error(expr, f"{expr.value!r} is neither a node nor a value")
        if isinstance(expr, ast.UnaryOp):
            raise self.error(expr, "only unary minus is an op (-x); unary +, not and ~ are not")
        raise self.refuse(expr)

    def binary(self, expr: ast.BinOp, target: str | None) -> str:
        if isinstance(expr.op, ast.Pow):
            if not _is_literal(expr.right):
                raise self.error(expr.right, "the exponent of ** must be a number, as in x ** 2")
            exponent = self.literal(expr.right)
            if not isinstance(exponent, (int, float)):
                raise self.error(expr.right, "the exponent of ** must be a number, as in x ** 2")
            x = self.operand(expr.left)
            return self.make(
                get_op("pow"),
                (x,),
                {"exponent": exponent},
                expr,
                target or self.fresh(f"{x}_pow_{_token(exponent)}", "pow"),
            )
        name = OPERATORS.get(type(expr.op))
        if name is None:
            symbol = OTHER_OPERATORS.get(type(expr.op), type(expr.op).__name__)
            raise self.error(expr, f"the operator {symbol} is not an op (use + - * / @ **)")
        a, b = self.operand(expr.left), self.operand(expr.right)
        return self.make(get_op(name), (a, b), {}, expr, target or self.fresh(f"{a}_{WORDS[name]}_{b}", name))

    def callable(self, name: str) -> bool:
        return find_op(name) is not None or name in HELPERS

    def unknown(self, func: ast.Name) -> CodeError:
        known = [op.name for op in all_ops()] + list(HELPERS)
        close = difflib.get_close_matches(func.id, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        return self.error(func, f"{func.id} is not an op, a source or a value helper{hint}")

    def call(self, expr: ast.Call, target: str | None) -> str:
        if isinstance(expr.func, ast.Attribute):
            raise self.refuse(expr.func)
        if not isinstance(expr.func, ast.Name):
            raise self.error(expr.func, "only ops, sources and value helpers can be called, by their name")
        op = find_op(expr.func.id)
        if op is None:
            if expr.func.id in HELPERS:  # a helper's value in an operand: a constant (assignments refuse it)
                return self.operand(expr)
            raise self.unknown(expr.func)
        for argument in expr.args:
            if isinstance(argument, ast.Starred):
                raise self.refuse(argument)
        attrs, label, node_id = self.keywords(expr, op)
        if op.is_source:
            if len(expr.args) != 1:
                raise self.error(
                    expr,
                    f"{op.name} takes one value: a number, nested lists of numbers, or a helper such as zeros((2, 3))",
                )
            return self.make(
                op,
                (),
                attrs,
                expr,
                node_id or target or self.fresh(op.name, op.name),
                value=self.value(expr.args[0]),
                label=label,
            )
        try:
            op.check_arity(len(expr.args))
        except GradvizError as error:
            raise self.error(expr, str(error)) from None
        inputs = tuple(self.operand(argument) for argument in expr.args)
        stem = re.sub(r"\W", "_", "_".join((op.name, *inputs)))
        return self.make(op, inputs, attrs, expr, node_id or target or self.fresh(stem, op.name), label=label)

    def keywords(self, expr: ast.Call, op: Op) -> tuple[dict[str, Any], str | None, str | None]:
        """The call's attributes (each checked by the op), its label and its explicit id."""
        attrs: dict[str, Any] = {}
        label = node_id = None
        for keyword in expr.keywords:
            if keyword.arg is None:
                raise self.error(keyword, "** is not allowed: write each attribute as name=value")
            value = self.literal(keyword.value)
            if keyword.arg in RESERVED_KEYWORDS:
                if not isinstance(value, str) or (keyword.arg == "id" and not value):
                    raise self.error(keyword.value, f"{keyword.arg} must be a string")
                label, node_id = (value or None, node_id) if keyword.arg == "label" else (label, value)
                continue
            try:
                op.resolve_attrs({keyword.arg: value})
            except GradvizError as error:
                raise self.error(keyword, str(error)) from None
            attrs[keyword.arg] = value
        return attrs, label, node_id

    def make(
        self,
        op: Op,
        inputs: tuple[str, ...],
        attrs: dict[str, Any],
        expr: ast.AST,
        node_id: str,
        *,
        value: np.ndarray | None = None,
        label: str | None = None,
    ) -> str:
        """Check the node with its op's shape rule and add it; its id is returned."""
        if node_id in self.shapes:
            raise self.error(expr, f"the id {node_id!r} is used by two nodes")
        try:
            shapes = (value.shape,) if value is not None else tuple(self.shapes[i] for i in inputs)
            shape = tuple(op.shape(*shapes, **op.resolve_attrs(attrs)))
        except GradvizError as error:
            raise self.error(expr, str(error)) from None
        self.specs.append(NodeSpec(node_id, op.name, inputs, attrs, value, label))
        self.shapes[node_id], self.made_by[node_id] = shape, expr
        self.taken.add(node_id)
        return node_id

    def fresh(self, stem: str, short: str) -> str:
        """A readable id no line uses: ``a_plus_b``, or ``a_plus_b_2`` if that is taken; ``short``
        (the op's name) where the readable one would be too long to read."""
        stem = stem if len(stem) <= 24 else short
        node_id, count = stem, 1
        while node_id in self.taken:
            count += 1
            node_id = f"{stem}_{count}"
        self.taken.add(node_id)
        return node_id

    # ----- literals and values -----------------------------------------------------------------

    def literal(self, expr: ast.expr) -> Any:
        """A number, string, True/False/None, or a list or tuple of them (as a list), read without running."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float, str, bool, type(None))):
            return expr.value
        negated = expr.operand if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) else None
        if isinstance(negated, ast.Constant) and _is_plain_number(negated.value):
            return -negated.value
        if isinstance(expr, (ast.List, ast.Tuple)):
            return [self.literal(item) for item in expr.elts]
        if isinstance(expr, ast.Constant):
            raise self.error(expr, f"{type(expr.value).__name__} values are not allowed here")
        raise self.error(expr, f"expected a literal value here, not {ast.unparse(expr)[:30]!r}")

    def value(self, expr: ast.expr) -> np.ndarray:
        """A source's value: nested lists of numbers, or a value helper; float64, finite."""
        name = _helper_name(expr)
        if name:
            assert isinstance(expr, ast.Call)
            helper = HELPERS[name]
            kwargs = {}
            for keyword in expr.keywords:
                if keyword.arg not in helper.keywords:
                    raise self.error(keyword, f"{name} takes no keyword {keyword.arg}: {helper.usage}")
                kwargs[keyword.arg] = self.literal(keyword.value)
            try:
                array = helper.build(*(self.literal(a) for a in expr.args), **kwargs)
            except (ValueError, TypeError) as error:
                message = str(error) if isinstance(error, ValueError) else f"use {helper.usage}"
                raise self.error(expr, f"{name}: {message}") from None
            return array
        numbers = self.literal(expr)
        if any(not _is_plain_number(item) for item in _leaves(numbers)):
            raise self.error(expr, "a value is a number or nested lists of numbers")
        try:
            array = np.array(numbers, dtype=np.float64)
        except ValueError:
            raise self.error(expr, "a value's nested lists must have equal lengths (this one is ragged)") from None
        except OverflowError:
            raise self.error(expr, "a number here is too large for float64") from None
        if not np.all(np.isfinite(array)):
            raise self.error(expr, "a number here is too large for float64")
        return array


def _is_number(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Constant) and _is_plain_number(expr.value)


def _is_plain_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_literal(expr: ast.AST) -> bool:
    """A number, a negated number, or a list of them: a value written out."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return _is_number(expr.operand)
    if isinstance(expr, ast.List):
        return all(_is_literal(item) for item in expr.elts)
    return _is_number(expr)


def _helper_name(expr: ast.AST) -> str | None:
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in HELPERS
        and find_op(expr.func.id) is None
    ):
        return expr.func.id
    return None


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _token(number: float) -> str:
    """A number as part of an id: 2 → 2, 0.5 → 0_5, -1 → neg1."""
    text = repr(float(number) if not float(number).is_integer() else int(number))
    return text.replace("-", "neg").replace(".", "_").replace("+", "")
