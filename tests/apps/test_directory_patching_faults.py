"""Faults found by attacking the patched directory index (docs/DIRECTORY.md, "Keeping the
index current"): each test is the failing input, or a neighbour of it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from shisaku.core.services import generation_current
from shisaku.directory import adapters
from shisaku.directory import services as directory_services
from shisaku.directory.models import DirectoryChange, Manufacturer
from shisaku.directory.services import GENERATION, directory_changed, manufacturers_save
from tests.factories import record


class _Boom(Exception):
    pass


def _names() -> set[str]:
    return {h.name for h in adapters.match({"processes": []}, top_k=None).results}


# --- 1. directory_changed outside a transaction ------------------------------------------------
# The reply-deadline job (rfq.services.reply_deadlines_check -> reply_stats_update) and the demo's
# figures call directory_changed in autocommit mode: the generation bump committed on its own,
# before the log row. A request in between advanced its index to the new generation without the
# change, and once the log row committed nothing moved the generation again: the firm stayed
# stale in that process until the next change of anything.

@pytest.mark.django_db(transaction=True)
def test_the_generation_never_moves_without_its_log_row(monkeypatch: pytest.MonkeyPatch) -> None:
    manufacturers_save(records=[record("Autocommit Firm")])
    firm = Manufacturer.objects.get(name="Autocommit Firm")
    before = generation_current(name=GENERATION)
    logged = DirectoryChange.objects.count()

    def fail(*args: Any, **kwargs: Any) -> None:
        raise _Boom("the log insert failed")

    monkeypatch.setattr(DirectoryChange.objects, "bulk_create", fail)
    assert connection.get_autocommit()
    with pytest.raises(_Boom):
        directory_changed(ids=[firm.pk])  # no transaction around it
    assert generation_current(name=GENERATION) == before
    assert DirectoryChange.objects.count() == logged


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_logged_in_autocommit_mode_reaches_a_process_reading_in_between(
        settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HOME = tmp_path
    monkeypatch.setattr(adapters, "_state", None)
    manufacturers_save(records=[record("Plain Firm"), record("Other Firm")])
    firm = Manufacturer.objects.get(name="Plain Firm")
    adapters.get_directory_index()
    bumped, release = threading.Event(), threading.Event()
    errors: list[str] = []
    real_bump = directory_services.generation_bump

    def slow_bump(*, name: str) -> None:
        real_bump(name=name)
        if threading.current_thread() is writer:
            bumped.set()
            release.wait(timeout=30)

    monkeypatch.setattr(directory_services, "generation_bump", slow_bump)

    def write() -> None:  # as reply_deadlines_check does: no transaction around it
        try:
            Manufacturer.objects.filter(pk=firm.pk).update(name="Renamed In Autocommit")
            directory_changed(ids=[firm.pk])
        except Exception as exc:  # reported by the assert below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert bumped.wait(timeout=30)
    adapters.get_directory_index()  # a request of this process, while the writer is between
    release.set()
    writer.join(timeout=30)
    assert errors == []
    assert "Renamed In Autocommit" in _names() and "Plain Firm" not in _names()


@pytest.mark.django_db(transaction=True)
def test_reply_figures_and_their_log_row_commit_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """The firm's reply time and its log row are one transaction even when the caller (the
    deadline job) has none: a failed log leaves the figure as it was."""
    from shisaku.rfq import services as rfq_services
    from shisaku.rfq.services import reply_stats_update

    manufacturers_save(records=[record("Silent Firm", reply_median_hours=None)])
    firm = Manufacturer.objects.get(name="Silent Firm")

    class Figures:
        ack_median_hours, ack_p90_hours, quote_median_hours = 3.0, 3.0, None
        quote_p90_hours, response_rate, answered = None, 1.0, 1

    monkeypatch.setattr(rfq_services, "reply_figures", lambda rows, now: Figures())

    def fail(*, ids: Any) -> None:
        raise _Boom("the log insert failed")

    monkeypatch.setattr(rfq_services, "directory_changed", fail)
    with pytest.raises(_Boom):
        reply_stats_update(manufacturer=firm)  # no transaction around it
    firm.refresh_from_db()
    assert firm.reply_median_hours is None


# --- 2. two hosts save a snapshot of the same generation ---------------------------------------
# Each host has its own SHISAKU_HOME and builds its own snapshot files, but the IndexSnapshot row
# (the log position the files stand at) is one per generation in the shared database. Two hosts
# building the same generation (both workers' compaction at the same five minutes, or every host
# after a bulk import while the one queued compaction runs on one of them) wrote their positions
# over each other: the earlier build's files were then paired with the later build's position,
# and a fresh process of that host never patched in what changed between the two builds.

@pytest.fixture
def two_hosts(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(adapters, "_state", None)
    homes = {"a": tmp_path / "host-a", "b": tmp_path / "host-b"}
    for home in homes.values():
        home.mkdir()

    def on(host: str) -> None:
        settings.HOME = homes[host]
        monkeypatch.setattr(adapters, "_state", None)  # a fresh process of that host
    return on


@pytest.mark.django_db
def test_a_snapshot_built_earlier_on_another_host_keeps_its_own_position(two_hosts: Any) -> None:
    manufacturers_save(records=[record("Steady Firm"), record("Early Name Firm")])
    firm = Manufacturer.objects.get(name="Early Name Firm")
    generation = generation_current(name=GENERATION)
    two_hosts("a")
    adapters.build_snapshot(generation)  # host A's worker
    Manufacturer.objects.filter(pk=firm.pk).update(name="Late Name Firm")
    directory_changed(ids=[firm.pk])
    two_hosts("b")
    adapters.build_snapshot(generation)  # host B's, of the same generation, a moment later
    assert "Late Name Firm" in _names()
    two_hosts("a")  # a new process on host A loads A's snapshot
    assert "Late Name Firm" in _names() and "Early Name Firm" not in _names()


@pytest.mark.django_db
def test_a_later_snapshot_of_the_same_generation_on_another_host_is_patched_too(
        two_hosts: Any) -> None:
    """The other order: host B's build is the later one and finishes first."""
    manufacturers_save(records=[record("Steady Firm"), record("Early Name Firm")])
    firm = Manufacturer.objects.get(name="Early Name Firm")
    generation = generation_current(name=GENERATION)
    two_hosts("b")
    adapters.build_snapshot(generation)
    Manufacturer.objects.filter(pk=firm.pk).update(name="Late Name Firm")
    directory_changed(ids=[firm.pk])
    Manufacturer.objects.filter(pk=firm.pk).update(name="Latest Name Firm")
    directory_changed(ids=[firm.pk])
    two_hosts("a")
    adapters.build_snapshot(generation)
    for host in ("a", "b", "a"):
        two_hosts(host)
        assert "Latest Name Firm" in _names(), host
        assert not {"Early Name Firm", "Late Name Firm"} & _names(), host


# --- 3. an index read inside a transaction that then rolls back ---------------------------------
# Inside a transaction a process reads its own uncommitted log rows and records. It remembered
# those rows as read ("seen") with the uncommitted record; after the rollback, a firm that had an
# earlier committed log row kept the rolled-back record (its rows were all "seen": not fetched).
# (On SQLite the rolled-back row's id is even reused by the next change.)

@pytest.mark.django_db(transaction=True)
def test_a_record_read_inside_a_rolled_back_transaction_is_not_kept(
        settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HOME = tmp_path
    monkeypatch.setattr(adapters, "_state", None)
    manufacturers_save(records=[record("Steady Firm"), record("First Name Firm")])
    firm = Manufacturer.objects.get(name="First Name Firm")
    adapters.get_directory_index()
    Manufacturer.objects.filter(pk=firm.pk).update(name="Second Name Firm")
    directory_changed(ids=[firm.pk])
    assert "Second Name Firm" in _names()
    with pytest.raises(_Boom), transaction.atomic():
        Manufacturer.objects.filter(pk=firm.pk).update(name="Phantom Name Firm")
        directory_changed(ids=[firm.pk])
        assert "Phantom Name Firm" in _names()  # e.g. RFQ candidates inside the transaction
        raise _Boom("the request failed")
    assert "Second Name Firm" in _names() and "Phantom Name Firm" not in _names()
    Manufacturer.objects.filter(pk=firm.pk).update(name="Third Name Firm")
    directory_changed(ids=[firm.pk])  # (SQLite: the rolled-back row's id again)
    assert "Third Name Firm" in _names() and "Phantom Name Firm" not in _names()


# --- 4. the bulk path's timestamps in SQLite ----------------------------------------------------
# Firms written by the bulk path (imports, sign-ups, the demo) had created_at stored by raw SQL
# as "…+00:00" text in SQLite, firms saved since by the ORM as "…": the SQL reference's "newest"
# order compares the text, so a profile edit moved the firm behind its peers there while the
# index (which reads the instant) kept it in place.

def _newest(ids: list[int]) -> tuple[list[int], list[int]]:
    from django.http import QueryDict

    from shisaku.directory.filtersets import DirectoryFilter

    q = QueryDict("sort=newest")
    index_form, sql_form = DirectoryFilter(q), DirectoryFilter(q)
    assert index_form.is_valid() and sql_form.is_valid()
    return index_form.listing().ids, sql_form.listing(engine="sql").ids


@pytest.mark.django_db
def test_a_profile_saved_by_the_orm_keeps_its_place_among_the_newest(
        settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HOME = tmp_path
    monkeypatch.setattr(adapters, "_state", None)
    ids = list(manufacturers_save(records=[record(f"Same Moment {n}") for n in range(4)])
               .created_ids)
    firm = Manufacturer.objects.get(pk=ids[2])
    firm.city = "Gumi"
    firm.save()  # the profile form's save
    directory_services.manufacturer_reindex(manufacturer=firm)
    got, want = _newest(ids)
    assert got == want


@pytest.mark.django_db
def test_the_bulk_path_stores_timestamps_as_the_orm_does() -> None:
    ids = list(manufacturers_save(records=[record("Stamped Firm")]).created_ids)
    table = Manufacturer._meta.db_table

    def raw() -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT created_at FROM {table} WHERE id = %s", [ids[0]])
            return tuple(cursor.fetchone())

    written = raw()
    firm = Manufacturer.objects.get(pk=ids[0])
    Manufacturer.objects.filter(pk=firm.pk).update(created_at=firm.created_at)
    assert raw() == written
