"""A change still in flight while an index reads the tables (PostgreSQL, two connections).

``directory_changed`` takes the generation row's lock before it logs, so log rows commit in
the order of their ids; a writer that logged out of that order (here: a log row written
before the lock) leaves a gap below the last committed row, which the index's log position
remembers and patches in once committed — not lost, as a plain "last row seen" rule would."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from shisaku.core.services import generation_bump
from shisaku.directory import adapters
from shisaku.directory.models import DirectoryChange, Manufacturer
from shisaku.directory.services import GENERATION, directory_changed, manufacturers_save
from tests.factories import record


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_the_build_began_is_patched_in(
        settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HOME = tmp_path
    monkeypatch.setattr(adapters, "_state", None)
    manufacturers_save(records=[record("Early Firm"), record("Other Firm")])
    early, other = (Manufacturer.objects.get(name=n) for n in ("Early Firm", "Other Firm"))
    logged, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[str] = []

    def slow_edit() -> None:
        try:
            with transaction.atomic():
                Manufacturer.objects.filter(pk=early.pk).update(name="Renamed Late Firm")
                DirectoryChange.objects.create(manufacturer_id=early.pk,
                                               at_us=time.time_ns() // 1000)
                logged.set()
                release.wait(timeout=30)
                generation_bump(name=GENERATION)
        except Exception as exc:  # reported by the assert below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=slow_edit)
    worker.start()
    assert logged.wait(timeout=30)
    Manufacturer.objects.filter(pk=other.pk).update(startup_projects=7)
    directory_changed(ids=[other.pk])  # a later log row commits first
    adapters.get_directory_index()  # the base reads the tables now
    state = adapters._state
    assert state is not None and state.position.gaps  # the row still in flight
    release.set()
    assert done.wait(timeout=30) and errors == []
    worker.join(timeout=30)
    index = adapters.get_directory_index()
    names = {h.name for h in adapters.match({"processes": []}, top_k=None).results}
    assert "Renamed Late Firm" in names and "Early Firm" not in names
    assert early.pk in index.changed
