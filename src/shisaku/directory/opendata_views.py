"""The public open-data page: the directory's current snapshot, its licence and sources, and a
download of each file. Snapshots are written once per version (date + data generation) under
``SHISAKU_HOME/opendata`` and served from there."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shisaku.directory.opendata import directory_publish, snapshot_version

_lock = threading.Lock()
_FILES = {"manufacturers.csv": "text/csv", "capabilities.csv": "text/csv",
          "manufacturers.json": "application/json",
          "manufacturers.geojson": "application/geo+json",
          "datapackage.json": "application/json", "README.md": "text/markdown"}


_KEEP = 2  # snapshots kept: the current one and the one before (a download may be reading it)


def _current() -> tuple[Path, dict[str, Any]]:
    """The current snapshot's folder, written once. Each app-server process writes into its
    own temporary folder and renames it into place (the first rename wins), so two workers
    never write into the same files; older snapshots are removed."""
    version = snapshot_version()
    root = Path(settings.HOME) / "opendata"
    folder = root / version
    with _lock:
        if not (folder / "datapackage.json").exists():
            root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
            try:
                directory_publish(out_dir=tmp)
                with contextlib.suppress(OSError):  # another process renamed its own first
                    tmp.rename(folder)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            _prune(root, keep=folder)
    return folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _prune(root: Path, *, keep: Path) -> None:
    """Remove all but the newest snapshots (and temporary folders older than an hour)."""
    now = time.time()
    snapshots = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime, reverse=True)
    for old in snapshots[_KEEP:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in root.glob(".*"):
        if tmp.is_dir() and now - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)


def _published(package: dict[str, Any]) -> dict[str, str]:
    """Every file the snapshot publishes: the fixed ones and each resource of the package
    (the statistics under ``insights/``), name -> media type."""
    files = dict(_FILES)
    for resource in package.get("resources", []):
        path = str(resource.get("path", ""))
        if path and path not in files and ".." not in path and not path.startswith("/"):
            files[path] = str(resource.get("mediatype") or "application/octet-stream")
    return files


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    folder, package = _current()
    files = [{"name": name, "bytes": (folder / name).stat().st_size}
             for name in _published(package) if (folder / name).is_file()]
    return render(request, "directory/open_data.html", {"package": package, "files": files})


@require_GET
def open_data_file(request: HttpRequest, name: str) -> FileResponse:
    folder, package = _current()
    published = _published(package)
    path = (folder / name).resolve()
    if name not in published or not path.is_file() or folder.resolve() not in path.parents:
        raise Http404(_("No such file."))
    response = FileResponse(path.open("rb"), as_attachment=name != "README.md",
                            filename=Path(name).name, content_type=published[name])
    response["X-Content-Type-Options"] = "nosniff"
    return response
