"""Python's garbage is collected on the GUI thread only while the window runs: a worker thread's allocations
never run the collector (which would free Qt objects from that thread), the GUI thread's timer does; and
collections wait while a graph opens."""

from __future__ import annotations

import gc
import threading

from gradviz.gui.collector import collector


class Cycle:
    """Garbage only the cyclic collector frees; says on which thread it was freed."""

    freed_in: list[str] = []  # noqa: RUF012 - shared on purpose: the finalizers report here

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_in.append(threading.current_thread().name)


def _churn() -> None:
    """Allocations enough to run the automatic collector several times over, were it on."""
    keep = [[index] for index in range(50_000)]
    del keep


def test_garbage_is_collected_on_the_gui_thread_not_by_a_workers_allocations(window, qtbot):
    assert not gc.isenabled()  # the window turned automatic collection off
    Cycle.freed_in.clear()
    for _ in range(2 * gc.get_threshold()[0]):  # past the youngest generation's threshold
        Cycle()
    worker = threading.Thread(target=_churn, name="worker")
    worker.start()
    worker.join()
    assert Cycle.freed_in == []  # the worker's allocations collected nothing
    qtbot.waitUntil(lambda: bool(Cycle.freed_in), timeout=5000)  # the GUI thread's timer did
    assert set(Cycle.freed_in) == {threading.main_thread().name}


def test_collections_wait_while_a_graph_opens(window, qtbot):
    Cycle.freed_in.clear()
    collector().hold()
    try:
        for _ in range(2 * gc.get_threshold()[0]):
            Cycle()
        collector().check()
        assert Cycle.freed_in == []
    finally:
        collector().release()
    collector().check()
    assert Cycle.freed_in and set(Cycle.freed_in) == {threading.main_thread().name}
