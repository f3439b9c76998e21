"""The directory listing index (pure): text search semantics, filters, facets, sorts, pages and
snapshots, each against a brute-force loop over the same records."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shisaku.engines.directory import (
    DirectoryIndex,
    ListingIndex,
    ListingQuery,
    check_query,
    distance_order,
    fold,
    grams,
    query_tokens,
    record_text_fields,
    search_text,
)
from shisaku.engines.directory.grams import GramBuilder, GramIndex
from shisaku.engines.matching import SnapshotError
from shisaku.sampledata import generate_manufacturers


def firm(i: int, name: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": i, "slug": f"f{i}", "name": name, "name_local": "", "kind": "manufacturer",
        "country": "KR", "region": "KR-11", "block": "KR-CAPITAL", "city": "", "lat": 37.5,
        "lon": 127.0, "stages": [], "product_fields": [], "technologies": [],
        "certifications": [], "languages": [], "accepts_foreign": False, "synthetic": False,
        "reply_median_hours": None, "rating": None, "rating_count": 0, "startup_projects": 0,
        "equipment": "", "description": {}, "capabilities": [],
    }
    base.update(kw)
    return base


@pytest.fixture(scope="module")
def small() -> ListingIndex:
    return ListingIndex.build([
        firm(1, "Daehan 사출 성형", name_local="대한사출", city="Seoul"),
        firm(2, "Yamada Seisakusho", name_local="山田製作所", country="JP", region="JP-26",
             block="JP-KANSAI", description={"ja": "射出成形 と 金型"}),
        firm(3, "PRECISION works", description={"ko": "정밀 가공 사출성형"},
             capabilities=[{"process": "cnc_milling", "materials": ["abs"], "min_lot": 10,
                            "max_lot": 500}]),
        firm(4, "Ｆｕｌｌ Width Co", equipment="5-axis ＣＮＣ"),
        firm(5, "ｶﾀｶﾅ Trading"),
    ])


def ids(index: ListingIndex, **kw: Any) -> list[int]:
    return index.search(ListingQuery(limit=100, **kw)).ids


@pytest.mark.parametrize("query, expected", [
    ("사출성형", [1, 3]),            # "사출 성형" in a name, "사출성형" in a description
    ("사출 성형", [1, 3]),           # two tokens, both present
    ("precision", [3]), ("PRECISION", [3]), ("Precision WORKS", [3]),
    ("射出成形", [2]), ("山田", [2]), ("製作", [2]),
    ("full", [4]), ("ＦＵＬＬ", [4]), ("cnc", [4]), ("5-axis", [4]),
    ("カタカナ", [5]),                # half-width katakana folds to full width
    ("seoul", [1]), ("없음", []), ("a", [1, 2, 4, 5]),
])
def test_text_search_matches_substrings_in_every_script(small: ListingIndex, query: str,
                                                        expected: list[int]) -> None:
    assert sorted(ids(small, text=query)) == expected


def test_nfd_input_finds_nfc_text_and_back(small: ListingIndex) -> None:
    assert sorted(ids(small, text=unicodedata.normalize("NFD", "사출성형"))) == [1, 3]
    assert sorted(ids(small, text=unicodedata.normalize("NFD", "製作所"))) == [2]
    nfd = ListingIndex.build([firm(1, unicodedata.normalize("NFD", "대한 정밀"))])
    assert ids(nfd, text="대한정밀") == [1]


@pytest.mark.parametrize("stored, query", [
    ("カ゛ラス工業", "ガラス"),        # a spacing voiced mark (U+309B) after the kana
    ("ハ゜ーツ", "パーツ"),            # the semi-voiced one (U+309C)
    ("ガラス工業", "カ゛ラス"),        # the same in the query
    ("Cafe\u00b4 Works", "café"),      # Latin-1's spacing acute accent
    ("Cafe \u0301Works", "caféworks"),  # a space typed before a combining accent
])
def test_spacing_marks_fold_like_the_composed_letter(stored: str, query: str) -> None:
    index = ListingIndex.build([firm(1, stored), firm(2, "ガラス"[:1] + "ス")])
    assert ids(index, text=query) == [1]


def test_a_token_never_spans_two_fields(small: ListingIndex) -> None:
    # name "Daehan 사출 성형" then local name "대한사출": "성형대한" crosses the boundary.
    assert ids(small, text="성형대한") == []


def test_query_checks() -> None:
    assert check_query("x" * 100) is None
    assert check_query("x" * 101) == "too_long"
    assert check_query("a\x00b") == "null_character"
    assert check_query("a\x07b") == "control_character"
    assert check_query("a\tb") is None
    assert query_tokens("  Ａ  a b ") == ["a", "b"]
    assert fold("ÉCOLE") == "école"


texts = st.text(alphabet=st.sampled_from(list("ab 가각사출성형 山田製作所 ｶﾀｶﾅ ÉéxY")),
                max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=12), texts)
def test_search_equals_brute_force_substrings(fields: list[tuple[str, str, str]],
                                              query: str) -> None:
    records = [firm(i + 1, a, name_local=b, description={"ko": c})
               for i, (a, b, c) in enumerate(fields)]
    index = ListingIndex.build(records)
    tokens = query_tokens(query)
    expected = [r["id"] for r in records
                if all(t in search_text(record_text_fields(r)) for t in tokens)]
    assert sorted(ids(index, text=query)) == expected


@pytest.fixture(scope="module")
def sample() -> tuple[list[dict[str, Any]], ListingIndex]:
    records = list(generate_manufacturers(600, seed=3))
    return records, ListingIndex.build(records)


def brute(records: list[dict[str, Any]], q: ListingQuery, skip: str = "") -> list[dict[str, Any]]:
    out = []
    for r in records:
        if not all(t in search_text(record_text_fields(r)) for t in query_tokens(q.text)):
            continue
        ok = True
        for param, codes in q.codes.items():
            if param == skip:
                continue
            if param in ("kind", "country", "block", "region"):
                ok &= r[param] in codes
            elif param in ("process", "material"):
                have = {c["process"] for c in r["capabilities"]} if param == "process" else {
                    m for c in r["capabilities"] for m in c["materials"]}
                ok &= set(codes) <= have
            else:
                key = {"stage": "stages", "product_field": "product_fields",
                       "technology": "technologies", "certification": "certifications",
                       "language": "languages"}[param]
                ok &= set(codes) <= set(r[key])
        if q.lot is not None:
            procs = q.codes.get("process") or [c["process"] for c in r["capabilities"]]
            ok &= any(c["min_lot"] <= q.lot <= c["max_lot"] and c["process"] in procs
                      for c in r["capabilities"])
        if q.accepts_foreign is not None:
            ok &= r["accepts_foreign"] == q.accepts_foreign
        if ok:
            out.append(r)
    return out


queries = st.builds(
    ListingQuery,
    text=st.sampled_from(["", "precision", "정밀", "精密", "가공", "co", "사출성형", "ltd"]),
    codes=st.fixed_dictionaries({}, optional={
        "country": st.lists(st.sampled_from(["KR", "JP", "CN", "TW"]), min_size=1, max_size=2),
        "process": st.lists(st.sampled_from(["cnc_milling", "injection_molding", "welding"]),
                            min_size=1, max_size=2),
        "certification": st.lists(st.sampled_from(["iso_9001", "iso_13485"]), min_size=1,
                                  max_size=1),
        "stage": st.lists(st.sampled_from(["prototyping", "mass_production"]), min_size=1,
                          max_size=2),
    }),
    lot=st.one_of(st.none(), st.sampled_from([1, 100, 5000, 100000])),
    accepts_foreign=st.one_of(st.none(), st.booleans()),
    sort=st.sampled_from(["name", "reply", "rating", "startups", "newest", "distance"]),
    near=st.just((35.1, 129.0)),
    offset=st.sampled_from([0, 5, 20, 590]),
    limit=st.sampled_from([1, 20, 100]),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(queries)
def test_filters_sorts_pages_and_facets_equal_brute_force(
        sample: tuple[list[dict[str, Any]], ListingIndex], q: ListingQuery) -> None:
    records, index = sample
    result = index.search(q)
    found = brute(records, q)
    assert result.count == len(found)
    key = {
        "name": lambda r: (r["name"], r["id"]),
        "reply": lambda r: (r["reply_median_hours"] is None, r["reply_median_hours"] or 0,
                            r["id"]),
        "rating": lambda r: (r["rating"] is None, -(r["rating"] or 0), r["id"]),
        "startups": lambda r: (-r["startup_projects"], r["id"]),
        "newest": lambda r: (-r["id"],),
    }
    if q.sort == "distance":
        order = distance_order([r["lat"] for r in found], [r["lon"] for r in found],
                               [r["id"] for r in found], (35.1, 129.0))
        expected = [found[i]["id"] for i in order]
    else:
        expected = [r["id"] for r in sorted(found, key=key[q.sort])]
    assert result.ids == expected[q.offset:q.offset + q.limit]
    # Facets: an any-of facet without its own filter, the others over the result.
    for param in ("country", "process", "stage", "region"):
        scope = brute(records, q, skip=param) if param in ("country", "region") else found
        counts: dict[str, int] = {}
        for r in scope:
            if param in ("country", "region"):
                values = {r[param]}
            elif param == "process":
                values = {c["process"] for c in r["capabilities"]}
            else:
                values = set(r["stages"])
            for v in values:
                counts[v] = counts.get(v, 0) + 1
        if param == "process" and q.lot is not None:
            # Ticking a process also narrows the lot to the ticked processes' capabilities:
            # its count is what ticking it gives.
            ticked = list(q.codes.get("process") or [])
            counts = {}
            for code in {c["process"] for r in records for c in r["capabilities"]}:
                codes = {**q.codes, "process": ticked if code in ticked else [*ticked, code]}
                n = len(brute(records, dataclasses.replace(q, codes=codes)))
                if n:
                    counts[code] = n
        assert result.facets[param] == counts, param


def test_snapshot_round_trip_and_generation(tmp_path: Path,
                                            sample: tuple[list[dict[str, Any]], ListingIndex]
                                            ) -> None:
    records, _ = sample
    index = DirectoryIndex.build(records[:200], generation=5)
    index.save(tmp_path / "directory-index-5")
    loaded = DirectoryIndex.load(tmp_path / "directory-index-5", generation=5)
    q = ListingQuery(text="정밀", codes={"country": ["KR"]}, sort="rating", limit=50)
    assert loaded.listing.search(q) == index.listing.search(q)
    assert loaded.match.query({"processes": ["cnc_milling"]}).to_dict()["eligible"] == \
        index.match.query({"processes": ["cnc_milling"]}).to_dict()["eligible"]
    with pytest.raises(SnapshotError):
        DirectoryIndex.load(tmp_path / "directory-index-5", generation=6)
    text = tmp_path / "directory-index-5.listing.npz.bin"
    text.write_bytes(text.read_bytes()[:-1])
    with pytest.raises(SnapshotError):
        DirectoryIndex.load(tmp_path / "directory-index-5", generation=5)


def test_records_must_come_by_ascending_id() -> None:
    with pytest.raises(ValueError, match="ascending"):
        ListingIndex.build([firm(2, "b"), firm(1, "a")])


def test_a_page_past_the_end_is_empty(small: ListingIndex) -> None:
    result = small.search(ListingQuery(offset=100, limit=20))
    assert result.count == 5 and result.ids == []


def _gram_index(texts: list[str]) -> GramIndex:
    builder = GramBuilder()
    for text in texts:
        builder.add(text)
    arrays = builder.finish()
    # As a loaded snapshot has it: the postings, then the texts, in one buffer.
    blob = arrays["gram_buf"].tobytes() + arrays["text_buf"].tobytes()
    return GramIndex(arrays["gram_keys"], arrays["gram_off"],
                     memoryview(blob)[:arrays["gram_buf"].nbytes], arrays["text_off"], blob,
                     arrays["gram_buf"].nbytes)


long_texts = st.text(alphabet=st.sampled_from(list("abc 사출성형 精密加工 \x00")), max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(long_texts, min_size=1, max_size=80),
       st.sampled_from(["abca", "사출성형", "성형사출", "精密加工", "加工精密", "a사출c", "ab\x00a",
                        "\x00abc", "abc\x00"]))
def test_verification_in_steps_from_either_side_equals_find(
        monkeypatch: pytest.MonkeyPatch, texts: list[str], token: str) -> None:
    """Long tokens are verified in C, in steps, from the side a sample suggests: whatever the
    step, the side and NUL bytes (searched the plain way), the rows are those holding it."""
    texts = [" ".join(t.split()) for t in texts]
    expected = [i for i, t in enumerate(texts) if any(token in f for f in t.split(" "))]
    for step, sample_from in ((3, 2), (1024, 256)):
        monkeypatch.setattr(grams, "_STEP", step)
        monkeypatch.setattr(grams, "_SAMPLE_FROM", sample_from)
        index = _gram_index(texts)
        assert list(index.rows_containing(token)) == expected
        assert list(index.rows_matching([token, token[:2]])) == expected


def test_the_side_to_search_from_follows_where_the_token_lies() -> None:
    head = ["사출성형" + "x" * 200 for _ in range(300)]
    tail = ["x" * 200 + "사출성형" for _ in range(300)]
    for texts, backward in ((head, False), (tail, True)):
        index = _gram_index(texts)
        starts, ends = index.text_off[:-1], index.text_off[1:]
        side, depth = grams._plan(index._view, "사출성형".encode(), starts, ends)
        assert side is backward and depth == len("사출성형".encode())
        assert len(index.rows_containing("사출성형")) == 300


def test_a_snapshot_whose_metadata_lacks_parts_is_refused(tmp_path: Path,
                                                          small: ListingIndex) -> None:
    """A snapshot written by an earlier build of this format (no sort keys): refused as a
    snapshot error (the application rebuilds), never a KeyError."""
    import json as _json

    import numpy as _np

    from shisaku.engines.directory import ListingSnapshotError

    path = small.save(tmp_path / "listing.npz")
    with _np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = _json.loads(bytes(arrays["meta"]).decode())
    for key in ("key_pad", "keys"):
        meta.pop(key)
    arrays["meta"] = _np.frombuffer(_json.dumps(meta).encode(), dtype=_np.uint8)
    _np.savez(path, **arrays)
    with pytest.raises(ListingSnapshotError):
        ListingIndex.load(path)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_capability_table_in_another_order_answers_the_same(
        sample: tuple[list[dict[str, Any]], ListingIndex], seed: int) -> None:
    """Builds keep the capability table by process (one slice per process for the lot
    facet); a snapshot of an earlier build holds it by row, and any order must answer alike."""
    records, index = sample
    proc = index.arrays["cap_proc"]
    assert not np.any(proc[1:] < proc[:-1])  # as built
    rng = np.random.default_rng(seed)
    order = (np.argsort(index.arrays["cap_row"], kind="stable") if seed == 0
             else rng.permutation(proc.size))
    arrays = {k: (v[order] if k.startswith("cap_") else v) for k, v in index.arrays.items()}
    other = ListingIndex(arrays, index.meta, index.generation, index._blob)
    for q in (ListingQuery(lot=100), ListingQuery(lot=1, codes={"process": ["cnc_milling"]}),
              ListingQuery(lot=5000, codes={"process": ["cnc_milling", "welding"],
                                            "country": ["KR"]}, text="가공"),
              ListingQuery(lot=100000, codes={"process": ["no_such_process"]})):
        assert other.search(q) == index.search(q)
        assert len(brute(records, q)) == index.search(q).count
