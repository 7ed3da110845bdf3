"""Bodies rendered in worker processes, each render within a budget of CPU time.

Some bodies cost far more than their size suggests: docutils is quadratic on a run of
reStructuredText targets (``".. _a:\\n\\n" * 11111`` takes 30 s), markdown-it on runs of
brackets (``"![" * 50000``, 6 s). A thread cannot be stopped, a process can: every render runs
in one of a few worker processes. A worker that spends more than the budget
(``RENDER_BUDGET_SECONDS``) of CPU time on one body is stopped by the kernel (``SIGPROF``, from
an ``ITIMER_PROF`` timer), one that has not answered within :data:`WALL_FACTOR` times the budget
of wall time (starved of CPU, or stuck) is killed; either is replaced, and the body refused with
a 422 naming the field. A CPU-time budget refuses the same bodies however busy the machine is.

At most ``RENDER_WORKERS`` renders run at once in a server process; a render that finds every
worker busy waits :data:`SLOT_WAIT` seconds for one, then is a 503 with ``Retry-After``. Workers
run at a lower CPU priority than the server, so a render never starves the requests the event
loop answers meanwhile.

Workers are started by a fork server (``multiprocessing``'s ``forkserver``) that has imported
the renderers once: a replacement starts quickly, and no worker is forked from a process that
runs threads (the event loop's thread pool, granian's).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from anyio import to_thread

from pydotorg.core.exceptions import FieldError, ServiceUnavailableError

if TYPE_CHECKING:
    from litestar import Litestar

    from pydotorg.settings import Settings

SLOT_WAIT = 0.25  # seconds a render waits for a free worker before a 503
WALL_FACTOR = 4  # a render's wall time may be this many times its CPU budget
WORKER_NICENESS = 10
START_TIMEOUT = 30  # seconds a new worker may take to import what it runs
READY = "ready"


class RenderBusyError(ServiceUnavailableError):
    """Every render worker of this server process is busy: 503 with ``Retry-After``."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__("Too many bodies are being rendered now; try again in a second.")


def _serve(connection: Connection) -> None:
    """A worker's life: render what arrives, each within its CPU budget (past it, ``SIGPROF``
    ends the process), until the pool closes its end of the pipe."""
    from pydotorg.content.markup import render

    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    connection.send(READY)
    while True:
        try:
            content, content_type, budget = connection.recv()
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_PROF, budget)
        try:
            answer: tuple[bool, str] = (True, render(content, content_type))
        except Exception as exc:
            answer = (False, type(exc).__name__)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        connection.send(answer)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        if not self.connection.poll(START_TIMEOUT) or self.connection.recv() != READY:
            self.stop()
            raise RuntimeError("a render worker did not start")

    def render(self, content: str, content_type: str, budget: float) -> tuple[bool, str] | None:
        """The worker's answer, or None when it ran out of its budget (and is gone)."""
        try:
            self.connection.send((content, content_type, budget))
            if self.connection.poll(budget * WALL_FACTOR):
                answer: tuple[bool, str] = self.connection.recv()
                return answer
        except (EOFError, OSError):
            pass  # the kernel stopped it at its CPU budget
        self.stop()
        return None

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


class RenderPool:
    """Up to ``workers`` renders at once, each in a process stopped after ``budget`` seconds
    of CPU time.

    :meth:`render` blocks: call it from a worker thread, never on the event loop.
    """

    def __init__(self, workers: int = 2, budget: float = 1.5) -> None:
        self.workers = workers
        self.budget = budget
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pydotorg.content.markup"])

    def start(self) -> None:
        """Start every worker now rather than at the first renders."""
        with self._lock:
            while len(self._idle) < self.workers:
                self._idle.append(_Worker(self._context))

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()

    def render(self, content: str, content_type: str, field: str = "content") -> str:
        """``content`` as safe HTML; a 422 naming ``field`` for a body its renderer refuses or
        that takes longer than the budget, a 503 when every worker stays busy."""
        if not self._slots.acquire(timeout=SLOT_WAIT):
            raise RenderBusyError()
        try:
            worker = self._take()
            answer = worker.render(content, content_type, self.budget)
            self._give_back(worker if answer is not None else _Worker(self._context))
        finally:
            self._slots.release()
        if answer is None:
            raise FieldError(
                field, f"takes longer than {self.budget:g} s to render as {content_type}"
            )
        rendered, value = answer
        if not rendered:
            raise FieldError(field, f"cannot be rendered as {content_type}")
        return value

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self._context)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)


_pool: RenderPool | None = None


def render_pool() -> RenderPool | None:
    """The server process's pool (:func:`render_lifespan`); None in a command (the seed, an
    import), whose bodies are the operator's own and which starts no processes: a fork server
    started there would be inherited, broken, by the server's workers granian forks after it."""
    return _pool


def render_lifespan(settings: Settings) -> Any:
    """Start the server process's render workers with the settings' budget; stop them at
    shutdown."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        global _pool
        pool = _pool = RenderPool(settings.render_workers, settings.render_budget)
        await to_thread.run_sync(pool.start)
        try:
            yield
        finally:
            _pool = None
            await to_thread.run_sync(pool.close)

    return lifespan
