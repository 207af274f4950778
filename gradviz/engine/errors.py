"""The errors the engine raises for things a user did, each with a message a user can read.

Every message is one line and names what is wrong in the user's terms ("matmul: inner sizes 3
and 4 differ"), so the CLI and the window can show it as it is, never as a traceback.
"""


class GradvizError(Exception):
    """Base of every error caused by a graph or a value rather than by a bug in gradviz."""


class ShapeError(GradvizError):
    """Input shapes an op cannot combine."""


class AttrError(GradvizError):
    """An attribute value outside what the op declares."""


class ValueDomainError(GradvizError):
    """A value an op cannot take (a label out of range, a singular matrix)."""


class GraphError(GradvizError):
    """A graph that cannot be compiled: unknown ids, wrong arity, a non-scalar output."""


class NodeError(GradvizError):
    """An error located at one node; keeps the node id so views can mark it."""

    def __init__(self, node_id: str, message: str, field: str | None = None) -> None:
        where = f"node {node_id!r}" + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")
        self.node_id = node_id
        self.field = field
        self.reason = message
