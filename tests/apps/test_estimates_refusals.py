"""A refused file is refused in the reader's language (issue 13, 'Words'): the engines give
``code`` + ``params`` with an English ``reason``; the estimate page, the API and a failed
job's page say the sentence of the code in the page's language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from shisaku.accounts.models import User
from shisaku.engines.messages import REFUSALS, refuse
from shisaku.estimates import words
from shisaku.estimates.choices import EstimateStatus
from shisaku.estimates.models import Estimate

pytestmark = pytest.mark.django_db
PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"
PLACEHOLDER = re.compile(r"%\((\w+)\)")
# four triangles, every vertex on the plane z = 0: read, but no solid
FLAT_STL = (b"solid flat\n" + b"".join(
    b"facet normal 0 0 1\nouter loop\nvertex %d 0 0\nvertex %d 10 0\nvertex %d 0 0\n"
    b"endloop\nendfacet\n" % (i, i + 5, i + 10) for i in range(0, 40, 10))
    + b"endsolid flat\n")


@pytest.fixture
def reader(client: Client, settings: Any, tmp_path: Path) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("refused", "r@example.org", "a long enough password 1")
    client.force_login(user)
    return client


def _english_heads() -> set[str]:
    """The literal start of every English refusal sentence (what would show untranslated)."""
    return {h for h in (PLACEHOLDER.split(t)[0].strip() for t in REFUSALS.values())
            if len(h) >= 10}


def _visible(html: str) -> str:
    body = html[html.index("<main"):] if "<main" in html else html
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_every_refusal_has_a_translated_sentence_with_its_placeholders() -> None:
    assert set(REFUSALS) <= set(words.SENTENCES)
    for code, template in REFUSALS.items():
        for lang in ("ko", "ja"):
            with translation.override(lang):
                text = str(words.SENTENCES[code])
            assert text != template, (code, lang)  # translated, not the English again
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(template))


@pytest.mark.parametrize(("name", "data", "korean", "english"), [
    # the form's file field refuses an empty file first, in Django's own Korean
    ("empty.stl", b"", "빈 파일입니다", "the file is empty"),
    ("flat.stl", FLAT_STL, "메시가 평평합니다", "the mesh is flat"),
])
def test_korean_page_refuses_a_file_in_korean(reader: Client, name: str, data: bytes,
                                              korean: str, english: str) -> None:
    """The example: an empty file and a flat mesh on /estimate/ in Korean."""
    reader.cookies["django_language"] = "ko"
    response = reader.post("/estimate/", {
        "file": SimpleUploadedFile(name, data), "units": "auto", "quantities": "10",
        "region": "KR", "client_country": "KR"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert Estimate.objects.count() == 0
    text = _visible(response.content.decode())
    assert korean in text
    assert english not in text
    assert not [h for h in _english_heads() if h in text]
    assert not [c for c in REFUSALS if c in text]  # no raw code either


def test_api_refuses_in_japanese_with_code_and_params(reader: Client, settings: Any) -> None:
    """Own case: a part over the triangle limit and a file named .step that is not STEP, on
    the API in Japanese: 422, ``reason`` in Japanese, ``code`` and ``params`` for programs."""
    settings.SHISAKU_ESTIMATE_MAX_TRIANGLES = 1000
    big = (PARTS / "1002_tray_bottom.STL").read_bytes()
    response = reader.post("/api/v1/estimates", {"file": SimpleUploadedFile("tray.stl", big),
                                                 "quantities": "10"},
                           HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422, response.content[:500]
    item = response.json()["detail"][0]
    assert item["field"] == "file" and item["code"] == "triangles_too_many"
    assert item["params"]["limit"] == 1000 and item["params"]["triangles"] > 1000
    assert "上限" in item["reason"] and "1,000" in item["reason"]
    assert "over the limit" not in item["reason"]

    response = reader.post("/api/v1/estimates", {
        "file": SimpleUploadedFile("part.step", b"solid nothing here\n" * 10)},
        HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item == {"field": "file", "code": "step_no_header", "params": {},
                    "reason": "STEP ファイルではありません（ISO-10303-21 ヘッダーがありません）",
                    }
    assert Estimate.objects.count() == 0


def test_api_refuses_an_empty_file_in_korean_with_the_engine_code(reader: Client) -> None:
    response = reader.post("/api/v1/estimates", {"file": SimpleUploadedFile("e.stl", b"")},
                           HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "file", "reason": "파일이 비어 있습니다",
                                          "code": "file_empty", "params": {}}]


def test_api_own_reasons_are_translated_too(reader: Client) -> None:
    response = reader.post("/api/v1/estimates", {
        "file": SimpleUploadedFile("p.stl", FLAT_STL), "units": "yard"},
        HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["field"] == "units" and "중 하나를" in item["reason"]
    assert item.get("code") is None  # the app's own reason: no engine code


def test_failed_job_page_says_the_engine_refusal_in_korean(reader: Client,
                                                           settings: Any) -> None:
    """A part queued for the worker and refused there (a flat mesh passes the scan, the
    loader refuses it in the child process) keeps its code: the page says it in Korean, the
    API gives ``result.error`` with ``text`` beside the English ``error``."""
    from shisaku.estimates.services import estimate_execute

    settings.SHISAKU_ESTIMATE_INLINE_TRIANGLES = 2  # four triangles count as a large part
    reader.cookies["django_language"] = "ko"
    response = reader.post("/estimate/", {
        "file": SimpleUploadedFile("flat.stl", FLAT_STL), "units": "auto", "quantities": "10",
        "region": "KR", "client_country": "KR"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    estimate = Estimate.objects.get()
    assert estimate.status == EstimateStatus.QUEUED
    estimate_execute(estimate=estimate)  # what the huey task runs (a forked child)
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.FAILED
    assert estimate.error.startswith("the mesh is flat")  # stored English, as before
    assert estimate.result["error"]["code"] == "mesh_flat"
    text = _visible(reader.get(f"/estimate/{estimate.pk}/", HTTP_ACCEPT_LANGUAGE="ko")
                    .content.decode())
    assert "메시가 평평합니다" in text and "the mesh is flat" not in text
    reader.cookies["django_language"] = "ja"
    body = reader.get(f"/api/v1/estimates/{estimate.pk}", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert body["status"] == "failed" and body["error"].startswith("the mesh is flat")
    assert body["result"]["error"]["code"] == "mesh_flat"
    assert "メッシュが平らです" in body["result"]["error"]["text"]


def test_worker_child_passes_code_and_params_through_the_pipe() -> None:
    from shisaku.errors import InputError
    from shisaku.estimates.jobs import run_bounded

    def engine(*, progress: Any) -> None:
        raise refuse("file", "file_too_large", bytes=5_000_000, limit=1_000)

    with pytest.raises(InputError) as err:
        run_bounded(engine, {}, memory_mb=512, timeout_s=20)
    assert err.value.code == "file_too_large"
    assert err.value.params == {"bytes": 5_000_000, "limit": 1_000}
    assert err.value.reason == "5,000,000 bytes exceed the limit of 1,000"
