"""The in-memory directory index against the plain SQL reference over the database, and bad
input on the list page, the API and the download (4xx naming the field, never a 500)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shisaku.directory.filtersets import DirectoryFilter
from shisaku.directory.models import Manufacturer
from shisaku.directory.services import manufacturers_save
from shisaku.sampledata import generate_manufacturers
from tests.factories import capability, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db: Any) -> list[str]:
    """300 sample firms plus a few whose texts need folding; returns words to search for."""
    records = list(generate_manufacturers(300, seed=11))
    for r in records:
        r.pop("id", None)
    records += [
        record("Daehan 사출 성형", slug="spaced", name_local="대한사출"),
        record("ＰＲＥＣＩＳＩＯＮ Works", slug="fullwidth", region="JP-13",
               description={"ja": unicodedata.normalize("NFD", "ガラス 射出成形")}),
        record("Same Name", slug="same-1", region="KR-26"),
        record("Same Name", slug="same-2", region="KR-26", reply_median_hours=None,
               rating=None, capabilities=[capability("welding", min_lot=5, max_lot=50)]),
    ]
    manufacturers_save(records=records)
    words = ["사출성형", "사출 성형", "precision", "PRECISION", "ガラス", "射出成形", "精密",
             "정밀", "가공", "co., ltd", "same name", "주", "seisakusho", "x"]
    texts = Manufacturer.objects.values_list("name", "name_local", "city")[:40]
    for name, local, city in texts:
        for text in (name, local, city):
            if len(text) >= 3:
                words.append(text[1:5])
                words.append(unicodedata.normalize("NFD", text[:4]).upper())
    return words


@st.composite
def params(draw: Any, words: list[str]) -> QueryDict:
    q = QueryDict(mutable=True)
    if draw(st.booleans()):
        q["q"] = draw(st.sampled_from(words))
    options = {
        "country": ["KR", "JP", "CN", "TW", "VN"], "kind": ["manufacturer", "maker_space"],
        "region": ["KR-26", "KR-41", "JP-13", "CN-GD"],
        "process": ["cnc_milling", "injection_molding", "welding", "sheet_metal"],
        "material": ["abs", "aluminum_6061"], "stage": ["prototyping", "mass_production"],
        "certification": ["iso_9001"], "language": ["ko", "en", "ja"],
        "technology": ["mechanism", "electric"], "product_field": ["iot_ict"],
    }
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True)):
        q.setlist(name, draw(st.lists(st.sampled_from(options[name]), min_size=1,
                                      max_size=2, unique=True)))
    for name, values in (("lot", ["1", "100", "5000"]), ("accepts_foreign", ["true", "false"]),
                         ("sample", ["true", "false"])):
        if draw(st.integers(0, 3)) == 0:
            q[name] = draw(st.sampled_from(values))
    sort = draw(st.sampled_from(["", "name", "reply", "rating", "startups", "newest",
                                 "distance"]))
    if sort:
        q["sort"] = sort
    if sort == "distance" or draw(st.booleans()):
        q["near"] = draw(st.sampled_from(["KR-11", "JP-27", "CN-GD"]))
    q["page_size"] = draw(st.sampled_from(["20", "50"]))
    q["page"] = str(draw(st.sampled_from([1, 1, 2, 4])))
    return q


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_index_equals_the_sql_reference(directory: list[str], data: Any) -> None:
    query = data.draw(params(directory))
    form = DirectoryFilter(query)
    assert form.is_valid(), form.errors
    index = form.listing(engine="index")
    sql = form.listing(engine="sql")
    assert (index.count, index.pages) == (sql.count, sql.pages), query.urlencode()
    assert index.ids == sql.ids, query.urlencode()
    assert index.counts == sql.counts, query.urlencode()


def test_spaces_and_normal_forms_do_not_matter(directory: list[str]) -> None:
    def found(q: str) -> set[str]:
        query = QueryDict(mutable=True)
        query.update({"q": q, "page_size": "100"})
        form = DirectoryFilter(query)
        assert form.is_valid()
        ids = form.listing(engine="index").ids
        return set(Manufacturer.objects.filter(id__in=ids).values_list("slug", flat=True))

    assert {"spaced"} <= found("사출성형")
    assert found("사출성형") == found(unicodedata.normalize("NFD", "사출 성형"))
    assert "fullwidth" in found("precision works")
    assert "fullwidth" in found("射出成形")


def test_the_name_sort_is_code_point_order_on_every_database(directory: list[str]) -> None:
    form = DirectoryFilter(QueryDict("page_size=100"))
    assert form.is_valid()
    assert form.listing(engine="index").ids == form.listing(engine="sql").ids
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.parametrize("query, field", [
    ("country=XX", "country"), ("process=laser_welding", "process"),
    ("q=" + "가" * 101, "q"), ("q=a%00b", "q"), ("q=a%07b", "q"), ("q=%1b%5B2J", "q"),
    ("page=999", "page"), ("page=0", "page"), ("page=99999999999999999999", "page"),
    ("sort=distance", "near"), ("near=XX-99", "near"), ("page_size=7", "page_size"),
])
def test_bad_input_is_a_4xx_naming_the_field(client: Client, directory: list[str], query: str,
                                             field: str) -> None:
    page = client.get(f"/manufacturers/?{query}")
    assert page.status_code == 400
    body = page.content.decode()
    # a NUL byte is refused for every page by the input guard (core.middleware) before the
    # list sees it, in plain text naming the field; everything else by the list's own form
    assert f"<strong>{field}</strong>" in body or body.startswith(f"{field}: ")
    api = client.get(f"/api/v1/manufacturers?{query}")
    assert api.status_code == 422, api.content
    assert field in [d["field"] for d in api.json()["detail"]]
    download = client.get(f"/manufacturers/download?{query}&format=csv")
    if field != "page":  # the download has no pages
        assert download.status_code == 400
        assert field in download.content.decode()


def test_a_hundred_characters_are_fine_and_the_last_page_is_served(client: Client,
                                                                   directory: list[str]) -> None:
    assert client.get("/manufacturers/?q=" + "가" * 100).status_code == 200
    count = Manufacturer.objects.count()
    last = -(-count // 20)
    page = client.get(f"/api/v1/manufacturers?page={last}")
    assert page.status_code == 200
    assert len(page.json()["results"]) == count - 20 * (last - 1)
    # No result at all: page 1 exists (and is empty).
    empty = client.get("/api/v1/manufacturers?q=zzzzqqqq")
    assert empty.status_code == 200 and empty.json()["count"] == 0


def test_pages_show_the_rows_of_the_index_order(client: Client, directory: list[str]) -> None:
    api = client.get("/api/v1/manufacturers?sort=distance&near=KR-26&page_size=20").json()
    form = DirectoryFilter(QueryDict("sort=distance&near=KR-26&page_size=20"))
    assert form.is_valid()
    assert [r["id"] for r in api["results"]] == form.listing(engine="sql").ids
    assert {r["slug"] for r in api["results"][:2]} == {"same-1", "same-2"}
    html = client.get("/manufacturers/?sort=distance&near=KR-26").content.decode()
    assert html.index("Same Name") < html.index("</tbody>")


def test_download_is_in_the_list_order(client: Client, directory: list[str]) -> None:
    rows = client.get("/manufacturers/download?format=json&sort=rating&country=KR").json()
    form = DirectoryFilter(QueryDict("sort=rating&country=KR&page_size=100"))
    assert form.is_valid()
    assert [r["id"] for r in rows] == list(form.filter(Manufacturer.objects.all())
                                           .values_list("id", flat=True))


def test_home_counts_come_from_the_index_and_follow_changes(client: Client,
                                                            directory: list[str]) -> None:
    before = client.get("/").context["total"]
    assert before == Manufacturer.objects.count()
    manufacturers_save(records=[record("New Firm", slug="new-firm", region="JP-13")])
    page = client.get("/")
    assert page.context["total"] == before + 1
    jp = next(c for c in page.context["countries"] if c["code"] == "JP")
    assert jp["count"] == Manufacturer.objects.filter(country="JP").count()


@pytest.mark.parametrize("query, field", [
    ("kind=robot", "kind"), ("sort=fastest", "sort"), ("lot=abc", "lot"), ("lot=0", "lot"),
    ("lot=999999999999", "lot"), ("page=abc", "page"), ("page=-1", "page"),
    ("page_size=abc", "page_size"), ("q=%e2%80%8ba%0cb", "q"), ("q=" + "a" * 5000, "q"),
    # a flag that is neither true nor false was ignored by the page (every firm listed) and,
    # for "yes", "on" or "t", by the API too
    ("accepts_foreign=maybe", "accepts_foreign"), ("accepts_foreign=yes", "accepts_foreign"),
    ("sample=2", "sample"), ("sample=on", "sample"),
    # a parameter that takes one value, given twice: which one was meant?
    ("q=a&q=b", "q"), ("page=1&page=2", "page"), ("sort=name&sort=rating", "sort"),
    ("lot=5&lot=500", "lot"), ("near=KR-11&near=JP-13", "near"),
    ("page_size=20&page_size=50", "page_size"), ("sample=true&sample=false", "sample"),
])
def test_more_bad_input_on_the_page_its_partial_and_the_api(client: Client,
                                                            directory: list[str], query: str,
                                                            field: str) -> None:
    page = client.get(f"/manufacturers/?{query}")
    assert page.status_code == 400
    assert f"<strong>{field}</strong>" in page.content.decode()
    partial = client.get(f"/manufacturers/?{query}", headers={"HX-Request": "true"})
    assert partial.status_code == 400
    assert f"<strong>{field}</strong>" in partial.content.decode()
    api = client.get(f"/api/v1/manufacturers?{query}")
    assert api.status_code == 422, api.content
    assert field in [d["field"] for d in api.json()["detail"]]


def test_a_page_past_the_end_of_an_empty_result_is_refused_and_page_one_is_empty(
        client: Client, directory: list[str]) -> None:
    assert client.get("/manufacturers/?q=zzzzqqqq").status_code == 200
    past = client.get("/manufacturers/?q=zzzzqqqq&page=2")
    assert past.status_code == 400 and "<strong>page</strong>" in past.content.decode()
    api = client.get("/api/v1/manufacturers?q=zzzzqqqq&page=2")
    assert api.status_code == 422 and api.json()["detail"][0]["field"] == "page"


def _panel(html: str) -> str:
    return html[html.index('<div id="facets"'):html.index("</form>")]


def _facet_count(html: str, param: str, code: str) -> int:
    start = html.index(f'name="{param}" value="{code}"')
    count = html.index('<span class="count">', start) + len('<span class="count">')
    return int(html[count:html.index("</span>", count)])


def test_the_cached_filter_panel_follows_changes_languages_and_the_filters(
        client: Client, directory: list[str]) -> None:
    url = "/manufacturers/?process=welding"
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()  # the same panel again (from the cache)
    assert _panel(again) == _panel(first)
    jp = _facet_count(first, "country", "JP")
    manufacturers_save(records=[record("Newly Listed Welder", slug="new-welder",
                                       region="JP-13",
                                       capabilities=[capability("welding")])])
    after = client.get(url).content.decode()
    assert _facet_count(after, "country", "JP") == jp + 1
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-swap-oob="true"' in partial and _facet_count(partial, "country", "JP") == jp + 1
    assert 'hx-swap-oob' not in client.get(url).content.decode()
    korean = client.get(url, headers={"Accept-Language": "ko"}).content
    english = client.get(url, headers={"Accept-Language": "en"}).content
    assert korean.decode().count("용접") > english.decode().count("용접")
    # Another filter set is another panel: a ticked box shows as ticked.
    ticked = client.get(url + "&country=JP").content.decode()
    assert 'name="country" value="JP" checked' in ticked
    assert 'name="country" value="JP" checked' not in client.get(url).content.decode()


def test_cached_results_follow_changes_and_roles(client: Client, directory: list[str]) -> None:
    from shisaku.accounts.choices import MembershipRole
    from shisaku.accounts.models import Membership
    from shisaku.accounts.services import organisation_create
    from tests.apps.test_claims_support import person

    url = "/manufacturers/?country=JP&sort=newest"
    assert "Newest Firm Here" not in client.get(url).content.decode()
    assert "Newest Firm Here" not in client.get(url).content.decode()  # from the cache
    manufacturers_save(records=[record("Newest Firm Here", slug="newest", region="JP-13")])
    assert "Newest Firm Here" in client.get(url).content.decode()
    invite = "Invite these firms to claim their profiles"
    assert invite not in client.get(url).content.decode()
    coordinator = person("coord")
    org = organisation_create(name="Kyoto Net", kind="coordinator", country="JP")
    Membership.objects.create(user=coordinator, organisation=org, role=MembershipRole.OWNER)
    client.force_login(coordinator)
    assert invite in client.get(url).content.decode()
    client.logout()
    assert invite not in client.get(url).content.decode()


def _count(query: QueryDict, engine: str) -> int:
    form = DirectoryFilter(query)
    assert form.is_valid(), (query.urlencode(), form.errors)
    return form.listing(engine=engine, facets=False).count


def _clicked(query: QueryDict, param: str, code: str) -> QueryDict:
    """The query after ticking ``code`` of ``param`` (an any-of facet's value instead of the
    ticked ones: its count says what ticking it adds), back on page 1."""
    after = query.copy()
    after.pop("page", None)
    if param in ("kind", "country", "block", "region"):
        after.setlist(param, [code])
    else:
        after.setlist(param, [*query.getlist(param), code])
    return after


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_facet_count_is_what_ticking_the_value_gives(directory: list[str], data: Any) -> None:
    """What a user checks by hand: the number beside an option is the number of results after
    ticking it, on both paths (the fault: with a lot, ticking a process also narrows the lot
    to that process's capabilities, and its count did not say so)."""
    query = data.draw(params(directory))
    if data.draw(st.booleans()):
        query["lot"] = data.draw(st.sampled_from(["5", "60", "2000", "50000", "100000000"]))
    form = DirectoryFilter(query)
    assert form.is_valid(), form.errors
    for engine in ("index", "sql"):
        counts = form.listing(engine=engine).counts
        for param, by_code in counts.items():
            for code, n in by_code.items():
                if code in query.getlist(param):
                    continue
                after = _clicked(query, param, code)
                assert _count(after, engine) == n, (engine, after.urlencode())


def test_a_process_count_under_a_lot_is_what_ticking_it_gives(client: Client,
                                                            directory: list[str]) -> None:
    """The example: a firm making 5 to 50 welded parts and 1 to 1,000 milled ones (the factory
    default) is among "lot=500"; ticking welding must not leave it, and the count beside
    welding must say so."""
    manufacturers_save(records=[record(
        "Lot Welder", slug="lot-welder", region="KR-26",
        capabilities=[capability("welding", min_lot=5, max_lot=50),
                      capability("cnc_milling", min_lot=1, max_lot=1000)])])
    listing = client.get("/api/v1/manufacturers?lot=500&q=lot welder").json()
    assert listing["count"] == 1
    shown = {f["code"]: f["count"] for f in listing["facets"]["process"]}
    ticked = client.get("/api/v1/manufacturers?lot=500&q=lot welder&process=welding").json()
    assert ticked["count"] == 0
    assert shown.get("welding", 0) == 0
    assert shown["cnc_milling"] == 1


_SCRIPT = {"ko": re.compile(r"[\uac00-\ud7a3]"), "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")}


@pytest.mark.parametrize("lang", ["ko", "ja"])
@pytest.mark.parametrize("query, field", [
    ("page=abc", "page"), ("page_size=abc", "page_size"), ("lot=1.5", "lot"),
    ("accepts_foreign=maybe", "accepts_foreign"), ("sample=x", "sample"), ("q=a%00", "q"),
    ("q=a%1fb", "q"), ("page=0", "page"), ("page=-1", "page"), ("page=9999", "page"),
    ("country=XX", "country"), ("q=a&q=b", "q"),
])
def test_the_api_gives_its_reasons_in_the_readers_language(client: Client,
                                                           directory: list[str], lang: str,
                                                           query: str, field: str) -> None:
    """The fault: ``page=abc`` answered "Input should be a valid integer, unable to parse
    string as an integer" (pydantic's English) and ``q=a%00`` "contains a NUL character" to a
    Korean or Japanese reader; the page said it in their language."""
    api = client.get(f"/api/v1/manufacturers?{query}", headers={"Accept-Language": lang})
    assert api.status_code == 422, api.content
    detail = {d["field"]: d["reason"] for d in api.json()["detail"]}
    assert field in detail, detail
    assert _SCRIPT[lang].search(detail[field]), detail


def test_the_query_string_of_the_page_works_in_the_api(client: Client,
                                                       directory: list[str]) -> None:
    """The filter form submits its empty fields (``lot=&accepts_foreign=&…``); the page takes
    them for "not given", and so must the API, which serves "the very filters of the HTML
    list" (it answered 422 "Input should be a valid integer" for ``lot=``)."""
    query = ("q=&lot=&accepts_foreign=&sample=&sort=&near=&country=KR&page=&page_size="
             "&process=cnc_milling")
    page = client.get(f"/manufacturers/?{query}")
    assert page.status_code == 200
    api = client.get(f"/api/v1/manufacturers?{query}")
    assert api.status_code == 200, api.content
    download = client.get(f"/manufacturers/download?{query}&format=json")
    assert download.status_code == 200
    assert api.json()["count"] == len(download.json()) > 0


def test_a_page_past_the_end_says_so_and_links_the_last_page(client: Client,
                                                            directory: list[str]) -> None:
    """The fault: page 39 of 38 said "756 results", then "No manufacturer matches these
    filters. Remove a filter to see more." and a pager "Page 1 of 38 · Next"."""
    last = -(-Manufacturer.objects.filter(country="KR").count() // 20)
    body = client.get(f"/manufacturers/?country=KR&page={last + 3}").content.decode()
    assert "No manufacturer matches these filters" not in body
    assert "Page 1 of" not in body
    assert f'href="?country=KR&amp;page={last}"' in body
    korean = client.get(f"/manufacturers/?country=KR&page={last + 3}",
                        headers={"Accept-Language": "ko"}).content.decode()
    assert "마지막 페이지로 이동" in korean


def test_a_row_names_each_process_once(client: Client, directory: list[str]) -> None:
    """A firm may state two capabilities of one process (other lots, other envelopes): its
    row listed "Welding, Welding" (seen on the demo after a profile edit added a row)."""
    manufacturers_save(records=[record(
        "Twice Welder", slug="twice", region="KR-26",
        capabilities=[capability("welding", min_lot=1, max_lot=10),
                      capability("welding", min_lot=100, max_lot=1000)])])
    body = client.get("/manufacturers/?q=twice welder").content.decode()
    row = body[body.index("Twice Welder"):body.index("</tr>", body.index("Twice Welder"))]
    assert row.count("Welding") == 1, row


def test_a_lot_no_capability_holds_is_an_empty_result(client: Client,
                                                      directory: list[str]) -> None:
    """lot=99999999 (above every firm's maximum lot) answered 500 once the process facet was
    counted per process (no capability at all to group)."""
    for url in ("/api/v1/manufacturers?lot=99999999", "/manufacturers/?lot=99999999",
                "/api/v1/manufacturers?lot=99999999&process=welding"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/api/v1/manufacturers?lot=99999999").json()["count"] == 0


def test_the_download_takes_one_format(client: Client, directory: list[str]) -> None:
    """``format=csv&format=json`` served JSON (the last one) without a word."""
    response = client.get("/manufacturers/download?format=csv&format=json")
    assert response.status_code == 400
    assert response.content.decode().startswith("format: ")
