"""Run one estimate in a child process with a memory and a time limit.

The worker forks a child per job: the child sets ``RLIMIT_AS`` (its address space may grow by
at most the memory budget over what it inherited) and a CPU-time backstop, runs the engine
and sends its progress and result back through a pipe. The parent kills it at the deadline.
When the child ends, all its memory goes back to the system: a worker does not keep gigabytes
after a large part (issue #11).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from typing import Any

from shisaku.errors import InputError

__all__ = ["JobLimitError", "run_bounded"]


class JobLimitError(Exception):
    """The job went over its memory or time limit (``kind`` is "memory" or "time")."""

    def __init__(self, kind: str, limit: float) -> None:
        self.kind = kind
        self.limit = limit
        unit = "MB" if kind == "memory" else "s"
        super().__init__(f"the estimate went over its {kind} limit of {limit:g} {unit}")


def _address_space_bytes() -> int:
    """Virtual memory this process maps now (Linux /proc), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _heap_settle() -> None:
    """Make new large allocations count against the address-space limit (glibc only).

    glibc raises its mmap threshold after large blocks are freed, so a forked child could
    serve a big array from heap the parent had already mapped and freed: the limit would then
    depend on what ran in the process before (a test order made 1 MB pass). A fixed threshold
    of 128 KiB and a trim of the freed heap make every large array a new mapping."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(name)
        m_mmap_threshold = -3
        libc.mallopt(m_mmap_threshold, 128 * 1024)
        libc.malloc_trim(0)


def _child(conn: Any, fn: Callable[..., Any], kwargs: dict[str, Any], memory_mb: int,
           timeout_s: float) -> None:
    import resource

    try:
        _heap_settle()
        budget = memory_mb * 1024 * 1024
        limit = _address_space_bytes() + budget
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(timeout_s) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        result = fn(**kwargs, progress=lambda stage: conn.send(("progress", stage)))
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except InputError as exc:
        conn.send(("input", (exc.field, exc.reason, exc.code, exc.params)))
    except BaseException as exc:
        with contextlib.suppress(Exception):  # the pipe may be gone; the exit code speaks
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:400]))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers of the parent (database connections, huey)


def run_bounded(fn: Callable[..., Any], kwargs: dict[str, Any], *, memory_mb: int,
                timeout_s: float, on_progress: Callable[[str], None] | None = None) -> Any:
    """``fn(**kwargs, progress=callback)`` in a forked child; its return value.

    Raises InputError (from the engine), JobLimitError (memory or time) or RuntimeError.
    """
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, fn, kwargs, memory_mb, timeout_s),
                       daemon=True)
    proc.start()
    sender.close()
    deadline = time.monotonic() + timeout_s
    outcome: tuple[str, Any] | None = None
    exitcode: int | None = None
    try:
        while outcome is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JobLimitError("time", timeout_s)
            if receiver.poll(min(remaining, 0.25)):
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    break
                if kind == "progress":
                    if on_progress:
                        on_progress(str(payload))
                else:
                    outcome = (kind, payload)
            elif not proc.is_alive() and not receiver.poll(0):
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        exitcode = proc.exitcode
        receiver.close()
    if outcome is None:
        # killed without a word: CPU-time backstop, or the kernel's answer to memory exhaustion
        if exitcode == -signal.SIGXCPU:
            raise JobLimitError("time", timeout_s)
        raise JobLimitError("memory", memory_mb)
    kind, payload = outcome
    if kind == "ok":
        return payload
    if kind == "memory":
        raise JobLimitError("memory", memory_mb)
    if kind == "input":
        field, reason, code, params = payload
        raise InputError(field, reason, code=code, params=params)
    raise RuntimeError(payload)
