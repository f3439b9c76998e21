"""The insights figures in the open-data snapshot (`shisaku publish`): one CSV per figure
under ``insights/`` and a Table Schema resource each in ``datapackage.json``.

The figures are those of the unfiltered page (every area, process and period), in English,
with the very cells the page shows: suppressed values are ``<5`` and missing ones ``–``, both
declared as missing values of the schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils import translation

from shisaku.core.spreadsheets import csv_write
from shisaku.insights.build import latest_build
from shisaku.insights.choices import SUPPRESSED
from shisaku.insights.figures import Figure, Filters, cell_text, figures

__all__ = ["insights_publish", "insights_publish_event", "insights_version"]

MISSING = ["", "–", SUPPRESSED]


def _field_type(fig: Figure, index: int) -> str:
    values = [row[index] for row in fig.rows]
    if index == 0 or any(isinstance(v, str) and v != SUPPRESSED for v in values):
        return "string"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values if v not in (None, SUPPRESSED)):
        return "integer"
    return "number"


def insights_publish(*, out_dir: Path) -> dict[str, Any]:
    """Write ``insights/<figure>.csv`` and add their resources to ``datapackage.json`` in
    ``out_dir`` (written before by the directory's publish); returns ``{"figures", "files"}``.
    Nothing is written when the aggregates were never built."""
    build = latest_build()
    if build is None:
        return {"figures": 0, "files": [], "built_at": None}
    folder = out_dir / "insights"
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    with translation.override("en"):
        figs = figures(Filters(), build=build)
    for fig in figs:
        path = folder / f"{fig.code}.csv"
        keys = [k for k, _label in fig.columns]
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv_write(fh, keys, ([cell_text(v) for v in row] for row in fig.rows))
        resources.append({
            "name": f"insights-{fig.code.replace('_', '-')}",
            "path": f"insights/{fig.code}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "profile": "tabular-data-resource", "title": fig.title,
            "description": (f"{fig.note} " if fig.note else "") + (
                "Aggregated statistics; '<5' marks a value suppressed because fewer than 5 "
                "firms (startups, for project figures) stand behind it or because it would "
                "reveal such a value by "
                "subtraction, '–' no data."),
            "schema": {"fields": [{"name": k, "title": label, "type": _field_type(fig, i)}
                                  for i, (k, label) in enumerate(fig.columns)],
                       "missingValues": MISSING},
        })
    package_path = out_dir / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    package["resources"] = [r for r in package.get("resources", [])
                            if not str(r.get("name", "")).startswith("insights-")] + resources
    package_path.write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
    readme = out_dir / "README.md"
    if readme.exists():
        with readme.open("a", encoding="utf-8") as fh:
            fh.write("\n## insights/\n\nAggregated statistics of the platform (the insights "
                     "page, unfiltered), one CSV per figure. `<5`: suppressed, fewer than 5 "
                     "firms (startups, for project figures) behind the value, or it would "
                     "reveal such a value by subtraction; `–`: no data.\n\n")
            for r in resources:
                fh.write(f"- `{r['path']}`: {r['title']}\n")
    return {"figures": len(resources), "files": [r["path"] for r in resources],
            "built_at": build.built_at.isoformat() if build.built_at else None}


def insights_publish_event(*, out_dir: Path) -> tuple[str, dict[str, Any]]:
    """Handler of ``opendata.written``: the statistics beside every directory snapshot (the
    command's and the open-data page's)."""
    return "insights", insights_publish(out_dir=out_dir)


def insights_version() -> str:
    """Handler of ``opendata.version``: the aggregates' build (``i<id>``, ``i0`` before any)."""
    build = latest_build()
    return f"i{build.pk if build is not None else 0}"
