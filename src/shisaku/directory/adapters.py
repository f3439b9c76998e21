"""ORM ↔ directory engine: records straight from values() queries, and the per-process index.

One index serves matching, lists, facet counts and search (ARCHITECTURE.md rule 10):
``get_directory_index()`` reads the directory's data generation (one indexed query) on every
call and rebuilds only when it moved, so a profile change made by any worker process is seen by
every other one on its next request. A rebuilt index is snapshotted under ``settings.HOME`` as
``directory-index-<generation>.match.npz`` / ``.listing.npz`` / ``.listing.npz.text``; a fresh
process loads those files instead of reading the tables. ``get_index()`` is its matching part.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from shisaku.core.services import generation_current
from shisaku.directory.models import Capability, Manufacturer
from shisaku.directory.services import GENERATION
from shisaku.engines.directory import DirectoryIndex
from shisaku.engines.matching import MatchIndex, MatchResult, SnapshotError

__all__ = ["get_directory_index", "get_index", "match", "match_weights", "records_from_db",
           "snapshot_stem"]

log = logging.getLogger(__name__)

# What the index reads: nothing else is fetched (no contact details, no figures it ignores).
_FIRM_FIELDS = ("id", "slug", "name", "country", "lat", "lon", "stages", "product_fields",
                "certifications", "accepts_foreign", "reply_median_hours", "rating",
                "rating_count", "startup_projects", "name_local", "kind", "region", "block",
                "city", "technologies", "languages", "equipment", "description", "synthetic",
                "created_at", "on_time_rate", "delivered_orders", "search_text")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_CAP_FIELDS = ("manufacturer_id", "process", "materials", "min_lot", "max_lot",
               "max_part_x_mm", "max_part_y_mm", "max_part_z_mm", "lead_time_days")

_lock = threading.Lock()


def records_from_db(queryset: QuerySet[Manufacturer] | None = None, *,
                    chunk_size: int = 20_000) -> Iterator[dict[str, Any]]:
    """Yield matching records (the record fields the engine reads) by ascending id.

    Two streamed values_list() queries (manufacturers, capabilities) merged on the
    manufacturer id: no model instances, no per-firm query.
    """
    firms = (queryset if queryset is not None else Manufacturer.objects.all()).order_by("id")
    caps = Capability.objects.order_by("manufacturer_id", "id")
    if queryset is not None:
        caps = caps.filter(manufacturer_id__in=firms.values("id"))
    cap_rows = caps.values_list(*_CAP_FIELDS).iterator(chunk_size=chunk_size)
    pending = next(cap_rows, None)
    for row in firms.values_list(*_FIRM_FIELDS).iterator(chunk_size=chunk_size):
        record = dict(zip(_FIRM_FIELDS, row, strict=True))
        created = record.pop("created_at")
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        record["created_us"] = 0 if created is None else (created - _EPOCH) // _MICROSECOND
        capabilities = []
        # Capabilities of firms outside the queryset cannot occur; lower ids are skipped.
        while pending is not None and pending[0] <= record["id"]:
            if pending[0] == record["id"]:
                (_mid, process, materials, min_lot, max_lot, x, y, z, lead) = pending
                envelope = None if x is None or y is None or z is None else [x, y, z]
                capabilities.append({"process": process, "materials": materials or [],
                                     "min_lot": min_lot, "max_lot": max_lot,
                                     "max_part_mm": envelope, "lead_time_days": lead})
            pending = next(cap_rows, None)
        record["capabilities"] = capabilities
        yield record


def match_weights() -> Mapping[str, float] | None:
    """The deployment's scoring weights (``SHISAKU_MATCH_WEIGHTS`` setting), if any."""
    weights: Mapping[str, float] | None = getattr(settings, "SHISAKU_MATCH_WEIGHTS", None)
    return weights


def snapshot_stem(generation: int) -> Path:
    return Path(settings.HOME) / f"directory-index-{generation}"


def _remove_older(home: Path, generation: int) -> None:
    """Delete snapshots of older generations (another process may have saved a newer one)."""
    for old in [*home.glob("directory-index-*"), *home.glob("match-index-*.npz")]:
        number = old.name.removeprefix("directory-index-").removeprefix("match-index-")
        number = number.split(".", 1)[0]
        if number.isdigit() and int(number) < generation:
            old.unlink(missing_ok=True)


def _load_or_build(generation: int) -> DirectoryIndex:
    """Load this generation's snapshot, or build and save it. Processes sharing a
    ``SHISAKU_HOME`` take turns (a file lock): one builds, the others then load its snapshot."""
    stem = snapshot_stem(generation)
    try:
        lock = open(stem.parent / "directory-index.lock", "a+b")  # noqa: SIM115
    except OSError:  # a read-only HOME: build without the lock
        return _load_or_build_locked(stem, generation)
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _load_or_build_locked(stem, generation)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _load_or_build_locked(stem: Path, generation: int) -> DirectoryIndex:
    if all(p.exists() for p in DirectoryIndex.paths(stem)):
        try:
            return DirectoryIndex.load(stem, generation=generation)
        except SnapshotError as exc:  # damaged or from another version: rebuild it
            log.warning("ignoring directory index snapshot %s: %s", stem, exc)
    index = DirectoryIndex.build(records_from_db(), generation=generation,
                                 weights=match_weights())
    try:
        index.save(stem)
        _remove_older(stem.parent, generation)
        # Served from the snapshot: postings and texts memory-mapped, shared by the workers.
        return DirectoryIndex.load(stem, generation=generation)
    except (OSError, SnapshotError) as exc:  # a read-only HOME still serves queries
        log.warning("cannot write directory index snapshot %s: %s", stem, exc)
    return index


_cached: DirectoryIndex | None = None


def get_directory_index() -> DirectoryIndex:
    """The index of the current directory data (cached per process).

    One query for the generation number per call; a rebuild (or snapshot load) only when
    the directory changed since this process last looked.
    """
    global _cached
    generation = generation_current(name=GENERATION)
    index = _cached
    if index is not None and index.generation == generation:
        return index
    with _lock:
        index = _cached
        if index is None or index.generation != generation:
            index = _cached = _load_or_build(generation)
    return index


def get_index() -> MatchIndex:
    """The matching part of :func:`get_directory_index`."""
    return get_directory_index().match


def match(requirement: object, *, top_k: int | None = 20) -> MatchResult:
    """Match a requirement (JSON object or Requirement) against the directory: what the
    page, the API and the CLI all call, so they give the same answer."""
    return get_index().query(requirement, top_k=top_k, weights=match_weights())
