"""A patched directory index (base + changed firms) answers exactly as an index built afresh over
the same records: lists, pages in every sort order, facet counts, totals, matching ranks."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shisaku.engines.directory import DirectoryIndex, ListingQuery
from shisaku.sampledata import generate_manufacturers
from tests.engines.test_directory_index import queries
from tests.engines.test_matching_properties import requirements

BASE = 400


def _records(n: int, seed: int) -> list[dict[str, Any]]:
    out = []
    for i, record in enumerate(generate_manufacturers(n, seed=seed)):
        record = dict(record)
        record["created_us"] = 1_700_000_000_000_000 + (i * 7919) % 1000 * 1_000_000
        out.append(record)
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A base snapshot of 400 firms, then edits, deletions and new firms (some with ids above
    the base's, some between them), and the same directory indexed from scratch."""
    base_records = _records(BASE, seed=11)
    others = _records(300, seed=12)
    rng = random.Random(5)
    base = DirectoryIndex.build(base_records, generation=1)
    stem = Path(tmp_path_factory.mktemp("patch")) / "directory-index-1"
    base.save(stem)
    loaded = DirectoryIndex.load(stem, generation=1)
    current = {r["id"]: r for r in base_records}
    changes: dict[int, dict[str, Any] | None] = {}
    for n, firm_id in enumerate(rng.sample(sorted(current), 90)):
        if n % 6 == 0:  # deleted
            del current[firm_id]
            changes[firm_id] = None
        else:  # edited: another firm's profile under this id (name, facets, texts, sorts)
            edited = dict(others[n], id=firm_id, created_us=current[firm_id]["created_us"])
            current[firm_id] = changes[firm_id] = edited
    max_id = max(current)
    for n, new_id in enumerate([max_id + 5, max_id + 9, 10**6, *range(max_id + 20, max_id + 60)]):
        record = dict(others[100 + n], id=new_id, created_us=1_800_000_000_000_000 + n)
        current[new_id] = changes[new_id] = record
    changes[10**7] = None  # a firm created and deleted since the base: nothing to leave out
    patched = loaded.patched(changes, generation=2)
    fresh = DirectoryIndex.build([current[i] for i in sorted(current)], generation=2)
    return {"patched": patched, "fresh": fresh, "changes": changes}


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
def test_lists_pages_and_facets_equal_a_fresh_index(world: dict[str, Any],
                                                    q: ListingQuery) -> None:
    patched, fresh = world["patched"], world["fresh"]
    got, want = patched.listing.search(q), fresh.listing.search(q)
    assert got.count == want.count
    assert got.ids == want.ids
    assert got.facets == want.facets


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(req=requirements(), top_k=st.sampled_from([None, 0, 1, 5, 40]))
def test_matching_equals_a_fresh_index(world: dict[str, Any], req: dict[str, Any],
                                       top_k: int | None) -> None:
    patched, fresh = world["patched"], world["fresh"]
    got, want = patched.match.query(req, top_k=top_k), fresh.match.query(req, top_k=top_k)
    assert (got.considered, got.eligible) == (want.considered, want.eligible)
    assert [h.to_dict() for h in got.results] == [h.to_dict() for h in want.results]
    assert patched.match.eligible_ids(req).tolist() == fresh.match.eligible_ids(req).tolist()


def test_totals_flags_sizes_and_the_download(world: dict[str, Any]) -> None:
    patched, fresh = world["patched"], world["fresh"]
    assert patched.listing.size == fresh.listing.size == patched.match.size
    for param in ("country", "stage", "process", "region", "certification"):
        assert patched.listing.totals(param) == fresh.listing.totals(param)
    for flag in ("synthetic", "accepts_foreign"):
        assert patched.listing.count_flag(flag) == fresh.listing.count_flag(flag)
    for sort in ("name", "reply", "rating", "startups", "newest"):
        q = ListingQuery(sort=sort, limit=fresh.listing.size, facets=False)
        assert patched.listing.search(q).ids == fresh.listing.search(q).ids


def test_patches_do_not_stack_and_are_not_saved(world: dict[str, Any], tmp_path: Path) -> None:
    patched = world["patched"]
    # Patching a patched index starts again from its base: no change is applied twice.
    again = patched.patched(world["changes"], generation=3)
    assert again.base is patched.base and again.generation == 3
    q = ListingQuery(text="정밀", sort="rating", limit=50)
    assert again.listing.search(q) == patched.listing.search(q)
    # An empty patch answers as the base.
    plain = patched.patched({}, generation=4)
    assert plain.listing.search(q) == patched.base.listing.search(q)
    with pytest.raises(ValueError, match="patched"):
        patched.save(tmp_path / "x")
    with pytest.raises(ValueError, match="record of firm"):
        patched.patched({5: {"id": 6}}, generation=5)


def test_a_large_patch_searches_its_texts_through_postings(world: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from shisaku.engines.directory import index as index_module

    monkeypatch.setattr(index_module, "_SCAN_BELOW", 0)
    with_postings = world["patched"].patched(world["changes"], generation=6)
    assert with_postings.listing.delta._grams.__class__.__name__ == "GramIndex"
    for text in ("정밀", "precision", "사출성형", "精密", "co ltd", "zz"):
        q = ListingQuery(text=text, sort="name", limit=100)
        assert with_postings.listing.search(q) == world["fresh"].listing.search(q)
