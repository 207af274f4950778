"""The undo command of Edit ▸ Graph as Code: the whole graph replaced by the one the text describes.

Applying text may add, remove, rewire and rename nodes all at once; as one command it is one Undo,
which puts back the previous graph exactly (node order, positions, cost, title, view), because the
command keeps the document's whole file record from before and loads it again.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from gradviz.io.graph_file import GraphFile
from gradviz.model.document import GraphDocument


class ReplaceGraph(QUndoCommand):
    """Load ``new`` into the document; undo loads what the document held before."""

    def __init__(self, document: GraphDocument, new: GraphFile, text: str = "apply graph as code") -> None:
        super().__init__(text)
        self.document, self.new, self.old = document, new, document.to_graph_file()

    def redo(self) -> None:
        self.document.load(self.new)

    def undo(self) -> None:
        self.document.load(self.old)
