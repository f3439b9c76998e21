"""Input schemas of `/api/v1/consortia` (outputs are plain dicts built in api.py)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema


class WindowSendIn(Schema):
    project: int
    coordinator: int
    note: str = ""


class InquiryPatchIn(Schema):
    status: str | None = None
    owner: int | None = None
    clear_owner: bool = False
    notes: str | None = None


class ProposeIn(Schema):
    project: int
    # Edited work packages; omitted: split from the project's parts.
    packages: list[dict[str, Any]] | None = None


class PackagesIn(Schema):
    packages: list[dict[str, Any]]
    # Team constraints (countries, regions with blocks, max_distance_km + origin_region);
    # left out: unchanged.
    constraints: dict[str, Any] | None = None


class RespondIn(Schema):
    answer: Literal["accept", "decline"]
