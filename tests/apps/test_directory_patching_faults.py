"""Faults found by attacking the patched directory index (docs/DIRECTORY.md, "Keeping the
index current"): each test is the failing input, or a neighbour of it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

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
