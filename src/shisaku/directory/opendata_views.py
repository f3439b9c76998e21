"""The public open-data page: the directory's current snapshot, its licence and sources, and a
download of each file. Snapshots are written once per version (date + data generation) under
``SHISAKU_HOME/opendata`` and served from there."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shisaku.core.services import generation_current
from shisaku.directory.opendata import directory_publish
from shisaku.directory.services import GENERATION

_lock = threading.Lock()
_FILES = {"manufacturers.csv": "text/csv", "capabilities.csv": "text/csv",
          "manufacturers.json": "application/json",
          "manufacturers.geojson": "application/geo+json",
          "datapackage.json": "application/json", "README.md": "text/markdown"}


def _current() -> tuple[Path, dict[str, Any]]:
    version = f"{timezone.localdate().isoformat()}.g{generation_current(name=GENERATION)}"
    folder = Path(settings.HOME) / "opendata" / version
    with _lock:
        if not (folder / "datapackage.json").exists():
            tmp = folder.with_name(folder.name + ".tmp")
            directory_publish(out_dir=tmp)
            if not folder.exists():
                tmp.replace(folder)
    return folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    folder, package = _current()
    files = [{"name": name, "bytes": (folder / name).stat().st_size} for name in _FILES
             if (folder / name).exists()]
    return render(request, "directory/open_data.html", {"package": package, "files": files})


@require_GET
def open_data_file(request: HttpRequest, name: str) -> FileResponse:
    if name not in _FILES:
        raise Http404(_("No such file."))
    folder, _package = _current()
    response = FileResponse((folder / name).open("rb"), as_attachment=name != "README.md",
                            filename=name, content_type=_FILES[name])
    response["X-Content-Type-Options"] = "nosniff"
    return response
