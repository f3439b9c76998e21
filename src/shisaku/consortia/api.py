"""`POST /api/v1/consortia/plan`: one firm per work package and a lead, from the directory."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router
from ninja.security import django_auth

from shisaku.consortia.services import consortium_plan

router = Router(tags=["consortia"], auth=django_auth)


@router.post("/plan", summary="Plan a joint order (CP-SAT, docs/CONSORTIUM.md)")
def plan(request: HttpRequest, body: dict[str, Any] = Body(...),  # noqa: B008
         time_limit_s: float | None = None) -> dict[str, Any]:
    """The request format of `shisaku consortium` (docs/CONSORTIUM.md). Without
    ``manufacturers`` the candidates are the directory's firms that run a needed process.
    The time limit is capped at 10 s."""
    return consortium_plan(request=body, time_limit_s=time_limit_s)
