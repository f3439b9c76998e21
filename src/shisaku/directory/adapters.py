"""ORM ↔ directory engine: records straight from values() queries, and the per-process index.

One index serves matching, lists, facet counts and search (ARCHITECTURE.md rule 10):
``get_directory_index()`` reads the directory's data generation (one indexed query) on every
call. When it moved, the process reads the change log (``DirectoryChange``, written by
``services.directory_changed`` in each changing transaction) and patches its *base* index with
the current records of the firms changed since the base was built, so a profile change made by
any process is seen by every other one on its next request, in milliseconds. Bases are
snapshots under ``settings.HOME`` (``directory-index-<generation>.match.npz`` /
``.listing.npz`` / ``.listing.npz.bin``, with an ``IndexSnapshot`` row); a fresh process loads
the newest one and patches it; the worker saves a new one once enough firms changed
(:func:`compact`). docs/DIRECTORY.md, "Keeping the index current", states the rules.
``get_index()`` is the matching part.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, QuerySet

from shisaku.core.services import generation_current
from shisaku.directory.models import Capability, DirectoryChange, IndexSnapshot, Manufacturer
from shisaku.directory.services import GENERATION
from shisaku.engines.directory import DirectoryIndex, PatchedMatch
from shisaku.engines.matching import MatchIndex, MatchResult, SnapshotError

__all__ = ["LogPosition", "build_snapshot", "compact", "get_directory_index", "get_index", "match",
           "match_weights", "records_from_db", "snapshot_stem"]

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


# A transaction that logs a change commits within this time of logging it (they take
# milliseconds; bulk loads log at their end). Only the bookkeeping relies on it: which log
# rows may still have been in flight when an index read the tables, and which can be dropped.
CHANGE_MARGIN_US = 10 * 60 * 1_000_000
# A process patches its index with at most this many changed firms; beyond, it loads (or
# builds) a newer base. The worker saves a new base once COMPACT_AT firms changed.
PATCH_LIMIT = 5000
COMPACT_AT = 200
# Snapshots kept per host (older ones are deleted once a newer one is saved).
SNAPSHOTS_KEPT = 3


@dataclass(frozen=True)
class LogPosition:
    """Where an index stands in the change log: it holds every row up to ``last`` except the
    ``gaps`` (rows not yet committed, or rolled back, when it read the tables)."""

    last: int
    gaps: frozenset[int] = frozenset()

    def rows_after(self) -> QuerySet[DirectoryChange]:
        """The log rows this index does not hold."""
        found = DirectoryChange.objects.filter(id__gt=self.last)
        if self.gaps:
            found = found | DirectoryChange.objects.filter(id__in=sorted(self.gaps))
        return found

    @classmethod
    def now(cls) -> LogPosition:
        """The log as committed now: the last row, and the rows missing below it among those
        that may still be in flight (logged within the margin)."""
        last = DirectoryChange.objects.aggregate(last=Max("id"))["last"] or 0
        old_us = time.time_ns() // 1000 - 2 * CHANGE_MARGIN_US
        settled = (DirectoryChange.objects.filter(at_us__lt=old_us)
                   .aggregate(last=Max("id"))["last"] or 0)
        seen = set(DirectoryChange.objects.filter(id__gt=settled)
                   .values_list("id", flat=True))
        return cls(last, frozenset(set(range(settled + 1, last + 1)) - seen))


@dataclass(frozen=True)
class _State:
    """What one process serves: ``current`` = ``base`` patched with ``changes`` (firm id ->
    record, or None when deleted); the base stands at ``position`` in the change log, and the
    log rows after it that were read (their records fetched) are ``seen``."""

    current: DirectoryIndex
    base: DirectoryIndex
    position: LogPosition
    changes: Mapping[int, Mapping[str, Any] | None]
    seen: frozenset[int]


def _remove_older(home: Path, keep: set[int]) -> None:
    """Delete snapshot files of generations not in ``keep`` (a process that mapped one keeps
    reading it: the file lives on until it is unmapped)."""
    for old in [*home.glob("directory-index-*"), *home.glob("match-index-*.npz")]:
        number = old.name.removeprefix("directory-index-").removeprefix("match-index-")
        number = number.split(".", 1)[0]
        if number.isdigit() and int(number) not in keep:
            old.unlink(missing_ok=True)


def _changes_after(position: LogPosition) -> dict[int, int] | None:
    """Log row id -> firm id of every row after ``position``; None when one of them says
    "any firm" or more than PATCH_LIMIT firms changed (patching would not pay)."""
    rows: dict[int, int] = {}
    firms: set[int] = set()
    for row_id, firm_id in position.rows_after().values_list("id", "manufacturer_id"):
        if firm_id is None:
            return None
        rows[row_id] = firm_id
        firms.add(firm_id)
        if len(firms) > PATCH_LIMIT:
            return None
    return rows


def _newest_snapshot(generation: int, newer_than: int = -1) -> IndexSnapshot | None:
    """The newest snapshot of this database, of a generation ≤ ``generation`` and >
    ``newer_than``, whose files are on this host."""
    found = (IndexSnapshot.objects.filter(generation__lte=generation, generation__gt=newer_than)
             .order_by("-generation"))
    for snap in found[:SNAPSHOTS_KEPT]:
        if all(p.exists() for p in DirectoryIndex.paths(snapshot_stem(snap.generation))):
            return snap
    return None


def _position(snap: IndexSnapshot) -> LogPosition:
    return LogPosition(snap.log_last, frozenset(snap.log_gaps))


def _base_from(snap: IndexSnapshot) -> tuple[DirectoryIndex, LogPosition] | None:
    try:
        index = DirectoryIndex.load(snapshot_stem(snap.generation), generation=snap.generation)
    except SnapshotError as exc:  # damaged or from another version
        log.warning("ignoring directory index snapshot %s: %s", snap.generation, exc)
        return None
    return index, _position(snap)


def build_snapshot(generation: int | None = None) -> tuple[DirectoryIndex, LogPosition]:
    """Build the directory index from the tables and save it as this host's newest snapshot
    (with its IndexSnapshot row); returns it (memory-mapped when saved) and its log position."""
    generation = generation_current(name=GENERATION) if generation is None else generation
    mark_us = time.time_ns() // 1000
    position = LogPosition.now()
    index = DirectoryIndex.build(records_from_db(), generation=generation,
                                 weights=match_weights())
    stem = snapshot_stem(generation)
    try:
        _record_snapshot(generation, mark_us, position, index.listing.size)
        index.save(stem)
        kept = set(IndexSnapshot.objects.order_by("-generation")
                   .values_list("generation", flat=True)[:SNAPSHOTS_KEPT])
        _remove_older(stem.parent, kept | {generation})
        # Served from the snapshot: postings and texts memory-mapped, shared by the workers.
        return DirectoryIndex.load(stem, generation=generation), position
    except (OSError, SnapshotError) as exc:  # a read-only HOME still serves queries
        log.warning("cannot write directory index snapshot %s: %s", stem, exc)
    return index, position


def _record_snapshot(generation: int, mark_us: int, position: LogPosition, firms: int) -> None:
    """Record a snapshot of ``generation`` standing at ``position``, before its files are
    written. Other hosts (or an earlier build here) may hold files of the same generation built
    at other positions, and the row is the only position a loading process reads: it keeps the
    earliest of them (every file holds all it says), so the changes any of those files lacks
    are patched in. Patching a firm a file holds already changes nothing."""
    with transaction.atomic():
        row, created = IndexSnapshot.objects.select_for_update().get_or_create(
            generation=generation, defaults={
                "mark_us": mark_us, "log_last": position.last,
                "log_gaps": sorted(position.gaps), "firms": firms})
        if not created:
            last = min(row.log_last, position.last)
            row.log_gaps = sorted(g for g in {*row.log_gaps, *position.gaps} if g <= last)
            row.log_last, row.mark_us = last, min(row.mark_us, mark_us)
            row.firms = firms
            row.save(update_fields=["log_last", "log_gaps", "mark_us", "firms"])


def _file_lock() -> Any:
    try:
        lock = open(Path(settings.HOME) / "directory-index.lock", "a+b")  # noqa: SIM115
    except OSError:  # a read-only HOME: build without the lock
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def held() -> Iterator[None]:
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return held()


def _new_base(generation: int, newer_than: int) -> tuple[DirectoryIndex, LogPosition]:
    """A base for ``generation``: this host's newest snapshot if its changes since can be
    patched, else a new build. Processes sharing a ``SHISAKU_HOME`` take turns (a file lock):
    one builds, the others then load its snapshot."""
    with _file_lock():
        snap = _newest_snapshot(generation, newer_than)
        if snap is not None and _changes_after(_position(snap)) is not None:
            loaded = _base_from(snap)
            if loaded is not None:
                return loaded
        return build_snapshot(generation)


def _fresh(base: DirectoryIndex, position: LogPosition) -> _State:
    return _State(base, base, position, {}, frozenset())


def _advance(state: _State | None, generation: int) -> _State:
    """The state for ``generation``: the same base patched with what changed since, or a
    newer base (a snapshot, or built) when there is none yet, when the base is from another
    timeline, when a newer snapshot exists, or when too much changed."""
    if state is not None and (generation < state.base.generation or not IndexSnapshot.objects
                              .filter(generation=state.base.generation).exists()):
        state = None  # a base this database never had (rolled back, restored from a backup)
    if state is not None:
        newer = _newest_snapshot(generation, state.base.generation)
        loaded = None if newer is None else _base_from(newer)
        if loaded is not None:
            state = _fresh(*loaded)
    rows = None if state is None else _changes_after(state.position)
    if state is None or rows is None:
        state = _fresh(*_new_base(generation, -1 if state is None else state.base.generation))
        rows = _changes_after(state.position)
        if rows is None:  # changed again beyond the limit while building: serve the build
            return replace(state, current=replace(state.base, generation=generation))
    # Fetch the records of firms with log rows not read yet; keep the others' records; firms
    # no longer in the log (a restored database) revert to the base.
    changed = set(rows.values())
    fetch = {firm for row, firm in rows.items() if row not in state.seen}
    changes: dict[int, Mapping[str, Any] | None] = {
        firm: state.changes[firm] for firm in changed - fetch if firm in state.changes}
    fetch |= changed - set(changes)
    changes.update(dict.fromkeys(fetch))
    for record in records_from_db(Manufacturer.objects.filter(id__in=sorted(fetch))):
        changes[int(record["id"])] = record
    if changes:
        current = state.base.patched(changes, generation=generation, weights=match_weights())
    else:
        current = replace(state.base, generation=generation)
    return _State(current, state.base, state.position, changes, frozenset(rows))


_state: _State | None = None


def get_directory_index() -> DirectoryIndex:
    """The index of the current directory data (cached per process).

    One query for the generation number per call; when it moved, the change-log rows after
    the process's base index are read, the records of the firms they name fetched (those not
    fetched before) and patched in (milliseconds for tens of firms); only past PATCH_LIMIT
    changed firms, or after a bulk change, is a newer snapshot loaded or the index rebuilt
    (the worker saves snapshots before that: :func:`compact`).
    """
    global _state
    generation = generation_current(name=GENERATION)
    state = _state
    if state is not None and state.current.generation == generation:
        return state.current
    with _lock:
        state = _state
        if state is None or state.current.generation != generation:
            state = _advance(state, generation)
            if connection.in_atomic_block:
                # Read inside a transaction: its own uncommitted rows and records may be among
                # those read, and it may roll back. Serve them, but fetch every changed firm
                # again on the next generation change.
                state = replace(state, seen=frozenset())
            _state = state
    return state.current


def compact(*, force: bool = False) -> IndexSnapshot | None:
    """Build a new snapshot when COMPACT_AT firms or more changed since this host's newest one
    (or there is none, or a bulk change, or ``force``), and forget change-log rows and
    snapshot rows no kept snapshot needs; returns the new snapshot's row, None when nothing
    was built. The worker runs it every five minutes and after bulk changes."""
    generation = generation_current(name=GENERATION)
    snap = _newest_snapshot(generation)
    built = None
    if force or snap is None or _needs_compaction(snap):
        with _file_lock():
            latest = _newest_snapshot(generation)
            if force or latest is None or latest == snap:
                build_snapshot(generation)
                built = IndexSnapshot.objects.get(generation=generation)
    oldest = (IndexSnapshot.objects.order_by("-generation")
              .values_list("mark_us", flat=True)[SNAPSHOTS_KEPT - 1:SNAPSHOTS_KEPT].first())
    if oldest is not None:
        DirectoryChange.objects.filter(at_us__lt=oldest - 2 * CHANGE_MARGIN_US).delete()
        IndexSnapshot.objects.filter(mark_us__lt=oldest).delete()
    return built


def _needs_compaction(snap: IndexSnapshot) -> bool:
    """COMPACT_AT firms changed since ``snap``, or ten times as many log rows (a few firms
    changed very often: every process reads all those rows on each change)."""
    rows = _changes_after(_position(snap))
    return (rows is None or len(set(rows.values())) >= COMPACT_AT
            or len(rows) >= 10 * COMPACT_AT)


def get_index() -> MatchIndex | PatchedMatch:
    """The matching part of :func:`get_directory_index`."""
    return get_directory_index().match


def match(requirement: object, *, top_k: int | None = 20) -> MatchResult:
    """Match a requirement (JSON object or Requirement) against the directory: what the
    page, the API and the CLI all call, so they give the same answer."""
    return get_index().query(requirement, top_k=top_k, weights=match_weights())
