"""One guard for drawing with matplotlib in a server (pure; no Django).

matplotlib is not thread-safe: ``rc_context`` changes the process-wide ``rcParams``, and
``warnings.catch_warnings`` the process-wide warning filters. Two charts drawn at once by two
threads of one server (the development server, the test live server, a threaded worker) could
each restore the other's state half-way through a drawing: a chart with the wrong settings, or a
warning turned into an error. Every chart is therefore drawn under :data:`RENDER_LOCK` with
:func:`drawing`, and the only warnings drawing text raises here — a Korean or Japanese glyph
missing from the font matplotlib measures with (the browser draws SVG text with its own fonts)
— are ignored once, process-wide, by message.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = ["RENDER_LOCK", "drawing"]

RENDER_LOCK = threading.RLock()

_IGNORED = (r"Glyph \d+ .* missing from font", r"findfont: ")


def _quiet() -> None:
    for message in _IGNORED:
        warnings.filterwarnings("ignore", message=message, category=UserWarning)


_quiet()


@contextmanager
def drawing(rc: Mapping[str, Any]) -> Iterator[None]:
    """``rc`` applied and the lock held while the caller draws and saves one figure."""
    import matplotlib

    with RENDER_LOCK:
        _quiet()  # a test harness may have reset the filters since the import
        with matplotlib.rc_context(dict(rc)):  # type: ignore[arg-type]
            yield
