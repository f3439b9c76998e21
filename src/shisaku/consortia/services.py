"""Plan a consortium against the directory: candidates are the firms that run a needed process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shisaku.directory.models import ManufacturerFacet
from shisaku.directory.records import iter_records
from shisaku.directory.selectors import manufacturers_public
from shisaku.errors import InputError

MAX_TIME_LIMIT_S = 10.0
INTEGRATION_PROCESSES = ("final_assembly",)


def _needed_processes(request: Mapping[str, Any]) -> set[str]:
    needed: set[str] = set()
    for key in ("packages", "parts"):
        for item in request.get(key) or []:
            if isinstance(item, Mapping):
                needed.update(p for p in item.get("processes") or [] if isinstance(p, str))
    return needed


def consortium_plan(*, request: Mapping[str, Any], time_limit_s: float | None = None) -> dict[str, Any]:
    """The engine's plan; without inline ``manufacturers`` the directory supplies them."""
    from shisaku.engines.consortium import plan_consortium

    if not isinstance(request, Mapping):
        raise InputError("", "the request must be a JSON object")
    limit = min(float(time_limit_s or request.get("time_limit_s") or MAX_TIME_LIMIT_S),
                MAX_TIME_LIMIT_S)
    body = dict(request)
    if "manufacturers" not in body:
        needed = _needed_processes(body) | set(INTEGRATION_PROCESSES)
        if not needed - set(INTEGRATION_PROCESSES):
            raise InputError("packages", "give packages or parts with processes")
        ids = (ManufacturerFacet.objects.filter(kind="process", code__in=sorted(needed))
               .values("manufacturer_id"))
        body["manufacturers"] = list(iter_records(manufacturers_public().filter(id__in=ids)))
    return plan_consortium(body, time_limit_s=limit)
