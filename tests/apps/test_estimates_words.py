"""Engines return codes, the estimates app translates (issue #13, 'Words'): findings, cost
assumptions, chart texts and process names appear in the page's language."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from shisaku.accounts.models import User
from shisaku.engines.messages import TEMPLATES
from shisaku.estimates import words
from shisaku.estimates.models import Estimate

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_every_engine_code_has_a_sentence_with_the_same_placeholders() -> None:
    assert set(words.SENTENCES) == set(TEMPLATES)
    for code, template in TEMPLATES.items():
        for lang in ("ko", "ja", "en"):
            with translation.override(lang):
                text = str(words.SENTENCES[code])
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(template)), (
                code, lang)


def test_describe_renders_in_the_language_with_translated_labels() -> None:
    item = {"code": "thin_walls", "params": {"process": "cnc_milling", "share_pct": 7.0,
                                             "wall_mm": 0.42, "min_wall_mm": 0.8},
            "message": "English"}
    with translation.override("ko"):
        text = words.describe(item)
    assert "CNC 밀링 가공" in text and "0.42" in text and "English" not in text
    with translation.override("ja"):
        assert "CNCフライス加工" in words.describe(item)
    assert words.describe({"code": "unknown_code", "message": "kept"}) == "kept"


@pytest.fixture
def ko_client(client: Client, settings: Any, tmp_path: Path, db: Any) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("words", "w@example.org", "a long enough password 1")
    client.force_login(user)
    client.cookies["django_language"] = "ko"
    return client


def test_korean_page_has_no_english_findings_or_assumptions(ko_client: Client) -> None:
    response = ko_client.post("/estimate/", {
        "file": SimpleUploadedFile("plate.STL", (PARTS / "plate_holes.STL").read_bytes()),
        "units": "auto", "quantities": "10, 1000", "region": "KR", "client_country": "KR"},
        HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    html = ko_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    estimate = Estimate.objects.get()
    for f in estimate.result["dfm"]:
        assert f["message"] not in html  # the English sentence is not shown
    some = estimate.result["estimates"][0]["assumptions"][0]
    assert some["message"] not in html
    assert "제조 가능성" in html or "구배" in html  # Korean words on the page
    assert "quantity</text>" not in html  # chart axis translated
    assert 'data-testid="plan-row"' in html


def test_part_options_take_the_project_currency_and_deadline(db: Any) -> None:
    from shisaku.estimates.services import options_for_part
    from tests.apps.test_projects_support import make_world

    world = make_world()
    project = world.part.project
    project.target_unit_cost = 30000
    project.currency = "KRW"
    project.deadline = date(2027, 1, 30)
    project.save()
    options = options_for_part(world.part, today=date(2027, 1, 1))
    assert options.target_unit_cost == 30000 and options.target_currency == "KRW"
    assert options.max_lead_days == 29
    assert (project.deadline - timedelta(days=29)) == date(2027, 1, 1)


def test_pcb_form_costs_a_board(ko_client: Client) -> None:
    page = ko_client.get("/estimate/pcb/")
    assert page.status_code == 200
    response = ko_client.post("/estimate/pcb/", {
        "width_mm": "100", "height_mm": "80", "layers": "4", "quantities": "5, 500",
        "components": "120", "tht_joints": "10", "sides": "2", "region": "CN",
        "client_country": "KR"})
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert html.count('data-testid="plan-row"') == 2
    bad = ko_client.post("/estimate/pcb/", {"width_mm": "0", "height_mm": "80", "layers": "3",
                                             "quantities": "x", "components": "0",
                                             "tht_joints": "0", "sides": "1", "region": "CN",
                                             "client_country": "KR"})
    assert bad.status_code == 400
