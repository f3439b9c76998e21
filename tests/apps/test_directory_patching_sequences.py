"""Random sequences of directory writes through the application's own paths (profile edits,
imports, new firms, deletions, figures, bulk changes, rolled-back transactions), with process
restarts and compactions in between: after every step the patched index answers as the SQL
reference (lists, pages, facet counts) and as an index built afresh (matching)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import transaction
from django.http import QueryDict

from shisaku import taxonomy
from shisaku.directory import adapters
from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import Capability, Manufacturer
from shisaku.directory.records import record_of
from shisaku.directory.services import (
    directory_changed,
    manufacturer_reindex,
    manufacturers_save,
)
from shisaku.engines.directory import DirectoryIndex
from shisaku.sampledata import generate_manufacturers
from tests.factories import capability, record

pytestmark = pytest.mark.django_db

PROCESSES = [p.code for p in taxonomy.PROCESSES]
REGIONS = ["KR-11", "KR-47", "JP-13", "JP-27", "CN-GD", "TW-TPE"]
WORDS = ["quokka", "zorb", "plinth", "가나다", "ゾルブ", "works"]


class _Rollback(Exception):
    pass


def _query(rng: random.Random) -> dict[str, str]:
    params: dict[str, str] = {}
    if rng.random() < 0.5:
        params["q"] = rng.choice([*WORDS, "a", "precision", "3d"])
    if rng.random() < 0.4:
        params["process"] = rng.choice(PROCESSES)
    if rng.random() < 0.3:
        params["region"] = rng.choice(REGIONS)
    if rng.random() < 0.2:
        params["accepts_foreign"] = rng.choice(["true", "false"])
    if rng.random() < 0.2:
        params["lot"] = str(rng.choice([1, 50, 5000]))
    params["sort"] = rng.choice(["name", "reply", "rating", "startups", "newest"])
    params["page"] = str(rng.choice([1, 1, 2, 5]))
    return params


def _check(rng: random.Random, step: str) -> None:
    for _ in range(6):
        params = _query(rng)
        q = QueryDict(mutable=True)
        q.update(params)
        index_form, sql_form = DirectoryFilter(q), DirectoryFilter(q)
        assert index_form.is_valid() and sql_form.is_valid()
        got, want = index_form.listing(), sql_form.listing(engine="sql")
        assert (got.count, got.ids, got.counts) == (want.count, want.ids, want.counts), \
            (step, params)
    fresh = DirectoryIndex.build(adapters.records_from_db(), weights=adapters.match_weights())
    for _ in range(3):
        req: dict[str, Any] = {"processes": rng.sample(PROCESSES, rng.choice([0, 1, 2]))}
        if rng.random() < 0.5:
            req["quantity"] = rng.choice([1, 100, 10000])
        got_m = adapters.match(req, top_k=None)
        want_m = fresh.match.query(req, top_k=None, weights=adapters.match_weights())
        assert got_m.eligible == want_m.eligible, (step, req)
        assert [(h.id, h.score) for h in got_m.results] == \
            [(h.id, h.score) for h in want_m.results], (step, req)


def _edit_profile(rng: random.Random, firm: Manufacturer) -> None:
    """What the profile page does: the form's fields, the capability rows, then the reindex."""
    firm.name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {firm.pk}"
    region = taxonomy.region(rng.choice(REGIONS))
    firm.region, firm.country, firm.block = region.code, region.country, region.block
    firm.lat, firm.lon = region.lat, region.lon
    firm.description = {"en": f"we do {rng.choice(WORDS)}"}
    firm.stages = rng.sample(taxonomy.codes("stage"), 2)
    firm.accepts_foreign = rng.random() < 0.5
    firm.save()
    caps = list(firm.capabilities.all())
    if caps and rng.random() < 0.5:
        rng.choice(caps).delete()
    if rng.random() < 0.7:
        Capability.objects.create(manufacturer=firm, process=rng.choice(PROCESSES),
                                  materials=[], min_lot=rng.choice([1, 10]),
                                  max_lot=rng.choice([100, 10000]), lead_time_days=7)
    manufacturer_reindex(manufacturer=firm)


def _step(rng: random.Random, ids: list[int]) -> str:
    kind = rng.choice(["edit", "edit", "import", "new", "delete", "figures", "bulk",
                       "rollback", "restart", "compact"])
    live = list(Manufacturer.objects.values_list("id", flat=True))
    pick = Manufacturer.objects.get(pk=rng.choice(live))
    if kind == "edit":
        _edit_profile(rng, pick)
    elif kind == "import":  # a pool file updating stored firms (imports' update path)
        chosen = rng.sample(live, 3)
        records = []
        for pk in chosen:
            rec = record_of(Manufacturer.objects.get(pk=pk))
            rec.update(_pk=pk, name=f"Imported {rng.choice(WORDS)} {pk}",
                       capabilities=[capability(rng.choice(PROCESSES))])
            records.append(rec)
        manufacturers_save(records=records, action="directory.import")
    elif kind == "new":
        manufacturers_save(records=[record(f"New {rng.choice(WORDS)} firm",
                                           region=rng.choice(REGIONS),
                                           capabilities=[capability(rng.choice(PROCESSES))])])
    elif kind == "delete" and len(live) > 20:
        pick.delete()
    elif kind == "figures":
        Manufacturer.objects.filter(pk=pick.pk).update(
            rating=round(rng.uniform(1, 5), 2), rating_count=rng.randint(1, 9),
            reply_median_hours=round(rng.uniform(0.5, 90), 1), on_time_rate=rng.random(),
            delivered_orders=rng.randint(1, 9))
        directory_changed(ids=[pick.pk])
    elif kind == "bulk":
        with transaction.atomic():
            Manufacturer.objects.filter(region=rng.choice(REGIONS)).update(
                startup_projects=rng.randint(0, 30))
            directory_changed(ids=None)
    elif kind == "rollback":
        try:
            with transaction.atomic():
                _edit_profile(rng, pick)
                adapters.get_directory_index()
                raise _Rollback
        except _Rollback:
            pass
    elif kind == "restart":
        adapters._state = None
    elif kind == "compact":
        adapters.compact(force=rng.random() < 0.3)
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_the_index_equal_to_the_references(
        seed: int, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.HOME = tmp_path
    monkeypatch.setattr(adapters, "_state", None)
    monkeypatch.setattr(adapters, "COMPACT_AT", 6)
    records = list(generate_manufacturers(60, seed=seed))
    for r in records:
        r.pop("id", None)
    ids = list(manufacturers_save(records=records).created_ids)
    adapters.get_directory_index()
    rng = random.Random(seed)
    done = []
    for _ in range(14):
        done.append(_step(rng, ids))
        _check(rng, " ".join(done))
