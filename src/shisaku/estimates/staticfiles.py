"""Serve three.js from the installed ``ifc-console-viewer`` wheel (PyPI), which ships the
three.js ES modules (three.module.min.js, three.core.min.js, OrbitControls.js, MIT licence)
as plain static files: no npm step, no CDN, nothing copied into the repository. Only those
files are exposed, under ``three/``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "three"
FILES = ("three.module.min.js", "three.core.min.js", "OrbitControls.js", "LICENSE.three.txt")


def _vendor_dir() -> Path | None:
    spec = importlib.util.find_spec("ifc_console_viewer")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "static" / "vendor"
    return path if path.is_dir() else None


class ThreeFinder(BaseFinder):
    """A staticfiles finder for the few three.js files the part preview needs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = _vendor_dir()
        self.storage = FileSystemStorage(location=str(self.root)) if self.root else None

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        head, _, name = path.partition("/")
        if self.root is None or head != PREFIX or name not in FILES:
            return []
        found = str(self.root / name)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Any:
        if self.storage is None:
            return
        storage = FileSystemStorage(location=str(self.root))
        storage.prefix = PREFIX  # type: ignore[attr-defined]
        for name in FILES:
            if (self.root / name).exists():  # type: ignore[operator]
                yield name, storage
