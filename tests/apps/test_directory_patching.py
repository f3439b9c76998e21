"""Keeping the directory index current without rebuilding it: every write logs the firms it
changed; serving processes patch their base index with exactly those (docs/DIRECTORY.md,
"Keeping the index current")."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.http import QueryDict

from shisaku.core import events
from shisaku.core.services import generation_bump
from shisaku.directory import adapters
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import DirectoryChange, IndexSnapshot, Manufacturer
from shisaku.directory.services import (
    GENERATION,
    directory_changed,
    manufacturer_reindex,
    manufacturers_save,
)
from shisaku.sampledata import generate_manufacturers
from tests.factories import capability, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as if just started (no index in memory)."""
    monkeypatch.setattr(adapters, "_state", None)


@pytest.fixture
def directory(fresh_process: None) -> list[int]:
    records = list(generate_manufacturers(250, seed=21))
    for r in records:
        r.pop("id", None)
    summary = manufacturers_save(records=records)
    adapters.get_directory_index()  # the base: built once, saved as a snapshot
    return list(summary.created_ids)


def listing(**params: Any) -> tuple[Any, Any]:
    q = QueryDict(mutable=True)
    for k, v in params.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    index_form, sql_form = DirectoryFilter(q), DirectoryFilter(q)
    assert index_form.is_valid() and sql_form.is_valid()
    return index_form.listing(), sql_form.listing(engine="sql")


def assert_same(**params: Any) -> Any:
    got, want = listing(**params)
    assert (got.count, got.ids, got.counts) == (want.count, want.ids, want.counts)
    return got


def base_of(index: Any) -> Any:
    """The listing of the index under ``index`` (itself when not patched)."""
    return index.listing.base if index.base is not None else index.listing


def test_a_profile_edit_is_patched_in_not_rebuilt(directory: list[int]) -> None:
    base = base_of(adapters.get_directory_index())
    firm = Manufacturer.objects.get(pk=directory[7])
    firm.name = "Zyxwv Quokka Works"
    firm.save()
    manufacturer_reindex(manufacturer=firm)
    index = adapters.get_directory_index()
    assert base_of(index) is base and firm.pk in index.changed  # no rebuild
    found = assert_same(q="zyxwvquokka")
    assert found.ids == [firm.pk]
    assert_same(sort="name", page="1")
    # The matching index follows too.
    hit_ids = [h.id for h in adapters.match({"processes": []}, top_k=None).results]
    assert firm.pk in hit_ids and len(hit_ids) == Manufacturer.objects.count()


def test_new_deleted_and_rated_firms_equal_the_sql_reference(directory: list[int]) -> None:
    base = base_of(adapters.get_directory_index())
    manufacturers_save(records=[record("Newcomer Precision", region="JP-13",
                                       capabilities=[capability("welding")])])
    gone = Manufacturer.objects.get(pk=directory[3])
    gone.delete()  # (a profile removed by an administrator: logged by a signal)
    Manufacturer.objects.filter(pk=directory[5]).update(rating=4.99, rating_count=9)
    directory_changed(ids=[directory[5]])
    index = adapters.get_directory_index()
    assert base_of(index) is base and {directory[3], directory[5]} <= index.changed
    assert index.listing.size == Manufacturer.objects.count()
    for params in ({"sort": "rating"}, {"q": "newcomer"}, {"process": "welding"},
                   {"country": "JP", "sort": "newest"}, {"sort": "name", "page": "3"}):
        assert_same(**params)
    assert gone.pk not in index.match.eligible_ids({"processes": []}).tolist()


def test_a_rolled_back_change_is_never_seen(directory: list[int]) -> None:
    before = assert_same(q="phantom")
    assert before.count == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        manufacturers_save(records=[record("Phantom Works")])
        raise RuntimeError("the request failed")
    assert assert_same(q="phantom").count == 0
    assert not DirectoryChange.objects.filter(at_us__gt=0, manufacturer_id__isnull=True).exists()


def test_a_new_process_loads_the_snapshot_and_patches_it(directory: list[int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    base = base_of(adapters.get_directory_index())
    Manufacturer.objects.filter(pk=directory[0]).update(name="Aardvark First Firm")
    directory_changed(ids=[directory[0]])
    monkeypatch.setattr(adapters, "_state", None)  # another worker process starts
    built: list[int] = []
    monkeypatch.setattr(adapters, "build_snapshot",
                        lambda generation=None: built.append(1))  # must not be called
    index = adapters.get_directory_index()
    assert not built and index.base is not None and base_of(index) is not base
    assert index.base.generation == base.generation and index.changed == {directory[0]}
    assert assert_same(sort="name").ids[0] == directory[0]


def test_a_snapshot_this_database_never_had_is_ignored(directory: list[int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    base = base_of(adapters.get_directory_index())
    IndexSnapshot.objects.all().delete()  # (as after a rollback or a restored backup)
    generation_bump(name=GENERATION)
    index = adapters.get_directory_index()
    assert base_of(index) is not base  # built afresh
    assert IndexSnapshot.objects.filter(generation=base_of(index).generation).exists()
    assert index.changed == frozenset()


def test_bulk_changes_load_a_new_base_and_queue_a_snapshot(
        directory: list[int], monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    queued: list[int] = []
    monkeypatch.setattr(events, "_subscribers", {events.DIRECTORY_BULK_CHANGED:
                                                 [lambda: queued.append(1)]})
    base = base_of(adapters.get_directory_index())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Manufacturer.objects.update(accepts_foreign=False)
        directory_changed(ids=None)
    assert queued == [1]  # after the commit: the worker builds the snapshot
    index = adapters.get_directory_index()
    assert base_of(index) is not base
    assert index.listing.count_flag("accepts_foreign") == 0
    assert_same(accepts_foreign="true")


def test_the_worker_compacts_and_forgets_old_changes(directory: list[int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapters, "COMPACT_AT", 3)
    assert adapters.compact() is None  # nothing changed since the snapshot
    for pk in directory[:3]:
        Manufacturer.objects.filter(pk=pk).update(startup_projects=99)
        directory_changed(ids=[pk])
    built = adapters.compact()
    assert built is not None and built.firms == Manufacturer.objects.count()
    index = adapters.get_directory_index()
    assert base_of(index).generation == built.generation and index.base is None
    assert assert_same(sort="startups").ids[:3] == sorted(directory[:3])
    # Log rows older than every kept snapshot's margin are dropped.
    DirectoryChange.objects.create(manufacturer_id=1, at_us=1)
    for _ in range(adapters.SNAPSHOTS_KEPT):
        adapters.compact(force=True)
        directory_changed(ids=[directory[0]])
    assert not DirectoryChange.objects.filter(at_us=1).exists()
    assert IndexSnapshot.objects.count() == adapters.SNAPSHOTS_KEPT
