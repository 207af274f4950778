"""Opening a graph without freezing the window: the pure work in a background thread, the canvas's items
a slice at a time between events, and only the swap itself on the GUI thread.

A 10,000-node file without positions took 4 s on the GUI thread (reading, checking three times, laying
out, then making 21,000 items). Now ``prepare`` (read, parse, validate, migrate, check once, lay out)
runs in a ``JobWorker``; then the new graph's items are made between events, at most SLICE_S at a time,
while the old graph stays on screen and in the document. Cancel (or Esc) at any point before the swap
leaves everything as it was, and so does a file that fails: opening stays all-or-nothing. The progress
bar shows only once opening has taken SHOW_AFTER_MS, so an example opens with no flicker.

Python's garbage collections are held off while a graph opens (see collector.py): a 10,000-node file
makes about a million objects, and each collection meanwhile walked all of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from gradviz.engine.check import NodeStatus
from gradviz.engine.errors import GradvizError, NodeError
from gradviz.gui.canvas.building import SceneItems
from gradviz.gui.collector import collector
from gradviz.gui.theme import Theme
from gradviz.gui.worker import JobWorker, Report, RunProgress
from gradviz.io.errors import GraphFileError
from gradviz.io.graph_file import GraphFile, read
from gradviz.model.document import GraphDocument, check_references
from gradviz.model.layout import layered_positions

STAGES = 3  # read (and parse, validate, migrate), check, lay out
PREPARED_SHARE = 400  # of the bar's 1000: the rest is making the canvas's items
SLICE_S = 0.03  # items made per event-loop turn: the window answers within about this
SHOW_AFTER_MS = 150  # a quicker open shows no bar at all


@dataclass(frozen=True)
class Prepared:
    """A graph ready to show: every node placed, its nodes' statuses from its one check, and a document
    of it (the canvas's items for it are made from that, before the window's document changes)."""

    graph: GraphFile
    statuses: dict[str, NodeStatus]
    document: GraphDocument


def _no_report(_done: int, _total: int) -> None:
    pass


def prepare(source: str | Path | GraphFile, where: str | Path | None, report: Report = _no_report) -> Prepared:
    """The file at ``source`` (or a graph already read) made ready to show, touching nothing on screen:
    read, checked once, every node placed (a layered position for those the file leaves out).

    GraphFileError (one line naming the file ``where``, the node and the field) if the window cannot
    hold it. A graph that can be held but cannot run (a shape that does not fit, a singular matrix) is
    fine: it opens, marked where it fails. ``report(done, STAGES)`` after each stage (it may raise
    Cancelled: safe, nothing has changed). Pure work: it runs in a background thread."""
    graph = source if isinstance(source, GraphFile) else read(source)
    report(1, STAGES)
    try:
        statuses = check_references(graph)  # the one check: the document shows its statuses
    except NodeError as error:
        raise GraphFileError(where, error.reason, node=error.node_id, field=error.field) from None
    except GradvizError as error:
        raise GraphFileError(where, str(error), field="output") from None
    except Exception as error:  # whatever the model trips on: the file is refused, never half-shown
        raise GraphFileError(where, f"cannot show this graph ({type(error).__name__}: {error})") from None
    report(2, STAGES)
    if any(spec.id not in graph.layout for spec in graph.nodes):
        graph = replace(graph, layout=layered_positions(graph.nodes, graph.layout))
    report(3, STAGES)
    return Prepared(graph, statuses, GraphDocument(graph, statuses))


class Opening(QObject):
    """One graph being opened: prepared in the background, then its items made between events.

    Ends with exactly one call of ``ready(prepared, items)`` or ``failed(GraphFileError)``, or, after
    ``cancel()``, with none. The window swaps the ready graph in; until then nothing it shows changed."""

    def __init__(
        self,
        source: str | Path | GraphFile,
        where: str | Path | None,
        *,
        theme: Theme,
        progress: RunProgress,
        ready: Callable[[Prepared, SceneItems], None],
        failed: Callable[[GraphFileError], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.source, self.where, self.theme, self.progress = source, where, theme, progress
        self.ready, self.failed = ready, failed
        self.worker: JobWorker | None = None
        self.prepared: Prepared | None = None
        self._making: Iterator[tuple[int, int]] | None = None
        self.items: SceneItems | None = None
        self._show_soon = QTimer(self, singleShot=True, interval=SHOW_AFTER_MS)
        self._show_soon.timeout.connect(self._show_progress)
        self._next_slice = QTimer(self, singleShot=True, interval=0)
        self._next_slice.timeout.connect(self._make_slice)
        self._over = False
        self._holding = False  # whether this opening holds the collector paused

    # ----- in the background, reporting as it goes -------------------------------------------------

    def start(self) -> None:
        self._pause_collecting()
        self.worker = JobWorker(lambda report: prepare(self.source, self.where, report))
        self.worker.progressed.connect(self._prepared_part)
        self.worker.finished.connect(self._worker_done)
        self._show_soon.start()
        self.worker.start()

    def _prepared_part(self, done: int, total: int) -> None:
        if not self._over:
            self.progress.show_progress(PREPARED_SHARE * done // max(total, 1), 1000)

    def _worker_done(self) -> None:
        worker = self.worker
        if self._over or worker is None:
            return  # cancelled meanwhile: the window keeps the worker until its thread has ended
        worker.wait()  # returns at once: the thread has ended
        if worker.error is not None:
            self._fail(worker.error)
            return
        assert isinstance(worker.result, Prepared)
        self._start_making(worker.result)
        self._next_slice.start()

    def _start_making(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.items = SceneItems(prepared.document, self.theme)
        self._making = self.items.make()

    def _make_slice(self) -> None:
        """Make items for SLICE_S, then give the event loop its turn (paints, the Cancel button)."""
        if self._over or self._making is None or self.items is None:
            return
        until = time.perf_counter() + SLICE_S
        for made, total in self._making:
            if time.perf_counter() > until:
                self.progress.show_progress(PREPARED_SHARE + (1000 - PREPARED_SHARE) * made // max(total, 1), 1000)
                self._next_slice.start()
                return
        self._finish()

    # ----- blocking: a script's or a test's open, the same work on this thread ----------------------

    def run_here(self) -> None:
        """Do it all now, on this thread (no bar): ``ready`` or ``failed`` before this returns."""
        self._pause_collecting()
        try:
            self._start_making(prepare(self.source, self.where))
        except Exception as error:  # as in the background: one line, and the collector resumed
            self._fail(error)
            return
        assert self.items is not None
        self.items.make_all()
        self._finish()

    # ----- the end ---------------------------------------------------------------------------------

    def _finish(self) -> None:
        self._end()
        assert self.prepared is not None and self.items is not None
        try:
            self.ready(self.prepared, self.items)  # the swap, still without collections
        finally:
            self._resume_collecting(later=True)

    def _fail(self, error: BaseException) -> None:
        self._end()
        if not isinstance(error, GraphFileError):  # an error of gradviz's own, said in one line all the same
            error = GraphFileError(self.where, f"cannot open this graph ({type(error).__name__}: {error})")
        self._resume_collecting()
        self.failed(error)

    def cancel(self) -> None:
        """Stop: the worker at its next stage (its result dropped), the items unmade. Nothing changed."""
        if self.worker is not None:
            self.worker.cancel()
            # a finish or a report still to come is no business of this opening, which goes now
            self.worker.progressed.disconnect(self._prepared_part)
            self.worker.finished.disconnect(self._worker_done)
        self._end()
        self._resume_collecting()

    def _pause_collecting(self) -> None:
        if not self._holding:
            self._holding = True
            collector().hold()

    def _resume_collecting(self, later: bool = False) -> None:
        if self._holding:
            self._holding = False
            if later:
                collector().release_later()
            else:
                collector().release()

    def _end(self) -> None:
        self._over = True
        self._making = None
        self._show_soon.stop()
        self._next_slice.stop()
        self.progress.show_running(False)

    def _show_progress(self) -> None:
        if not self._over:
            self.progress.show_running(True)
            self.progress.show_progress(0, 1000)

    @property
    def over(self) -> bool:
        return self._over
