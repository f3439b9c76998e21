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


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or attribute values."""
    from html import unescape

    body = html[html.index("<main"):] if "<main" in html else html
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def _english_msgids(lang: str) -> set[str]:
    """Catalogue sentences whose translation differs from the English: seeing one of them on a
    page in ``lang`` means a text was not translated."""
    import polib

    po = Path(words.__file__).resolve().parents[1] / "locale" / lang / "LC_MESSAGES" / "django.po"
    out = set()
    for entry in polib.pofile(str(po)):
        if entry.msgstr and entry.msgstr != entry.msgid and " " in entry.msgid:
            # the literal part before any placeholder is what would show
            head = re.split(r"%\(|\{", entry.msgid)[0].strip()
            if len(head) >= 12:
                out.add(head)
    return out


def _codes() -> set[str]:
    """Raw codes a page must never show: processes, materials, checks, cost items, engine
    message codes."""
    from shisaku.engines.costing import default_parameters

    p = default_parameters()
    codes = set(TEMPLATES) | set(words.CHECK_TITLES) | set(words.BREAKDOWN)
    codes |= set(p.tree["processes"]) | set(p.tree["materials"])
    return {c for c in codes if "_" in c}  # one-word codes are also English words


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_result_page_with_findings_has_no_untranslated_text(
        client: Client, settings: Any, tmp_path: Path, db: Any, lang: str) -> None:
    """A part with findings (thin walls, undercuts, draft, sharp corners) rendered in Korean
    and Japanese: no English catalogue sentence, no raw code (``injection_molding``,
    ``thin_walls``, ``pa12`` …) and no engine message in the visible text, the plan and the
    chart's table included; the chart image's texts are in the language too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user(f"words{lang}", f"w{lang}@example.org",
                                    "a long enough password 1")
    client.force_login(user)
    client.cookies["django_language"] = lang
    response = client.post("/estimate/", {
        "file": SimpleUploadedFile("tray.STL", (PARTS / "1002_tray_bottom.STL").read_bytes()),
        "units": "auto", "quantities": "1, 100, 10000", "region": "KR",
        "client_country": "VN", "target_unit_cost": "30000", "target_currency": "KRW"},
        HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 302, response.content[:3000]
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    estimate = Estimate.objects.get(owner=user)
    result = estimate.result
    assert result["dfm"], "the part must have findings for this test to mean anything"
    assert result["target"] and result["target_rate"]["currency"] == "KRW"
    text = _visible_text(html)
    leftovers = sorted(m for m in _english_msgids(lang) if m in text)
    assert not leftovers, leftovers
    raw = sorted(c for c in _codes() if re.search(rf"\b{re.escape(c)}\b", text))
    assert not raw, raw
    messages = [f["message"] for f in result["dfm"]]
    for x in result["estimates"]:
        messages += [a["message"] for a in x["assumptions"] + x.get("notes", [])]
    shown = sorted({m for m in messages if m and m in text})
    assert not shown, shown
    # no bare snake_case word at all (a code the lists above do not know yet)
    assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", text), re.findall(
        r"\b[a-z]+_[a-z0-9_]+\b", text)[:10]
    # what stays in Latin letters: abbreviations, units, names and the file's name
    allowed = {"ABS", "ADC", "API", "CAM", "CNC", "FDM", "MJF", "PLA", "POM", "SLA", "SLS",
               "STL", "SMT", "PCB", "FR", "PA", "PC", "PP", "TPU", "PETG", "USD", "US", "Shisaku",
               "KRW", "ECB",
               "Wright", "min", "mm", "cm", "kg", "tray", "estimate", "shisaku", "EDM"}
    latin = set(re.findall(r"[A-Za-z][A-Za-z]{2,}", text)) - allowed
    assert not latin, sorted(latin)
    countries = re.findall(r"\b(?:KR|JP|CN|TW|VN)\b", text)  # region codes, not names
    assert not countries, countries
    assert 'data-testid="chart-table"' in html
    chart = client.get(f"/estimate/{estimate.pk}/chart.svg", HTTP_ACCEPT_LANGUAGE=lang)
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    svg = chart.content.decode()
    assert "style=" not in svg
    with translation.override(lang):
        from django.utils.translation import gettext

        assert gettext("Landed unit cost (USD, cheapest region)") in svg
        assert gettext("quantity") in svg
        assert words.label("process", result["plan"][0]["process"]) in svg
    assert ">quantity<" not in svg and "cheapest region" not in svg


@pytest.mark.parametrize(("lang", "script"), [("ko", r"[\uac00-\ud7a3]"),
                                              ("ja", r"[\u3040-\u30ff\u4e00-\u9fff]")])
def test_api_gives_sentences_and_names_in_the_request_language(
        ko_client: Client, lang: str, script: str) -> None:
    """The API keeps codes and English messages for programs, and adds ``text`` and
    ``labels`` in the request's language."""
    ko_client.cookies["django_language"] = lang
    response = ko_client.post("/api/v1/estimates", {
        "file": SimpleUploadedFile("t.STL", (PARTS / "1002_tray_bottom.STL").read_bytes()),
        "quantities": "1,1000"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 201, response.content[:2000]
    result = response.json()["result"]
    finding = result["dfm"][0]
    assert finding["code"] and finding["message"] and re.search(script, finding["text"])
    assumption = result["estimates"][0]["assumptions"][0]
    assert re.search(script, assumption["text"]) and assumption["text"] != assumption["message"]
    row = result["plan"][0]
    assert row["process"] and re.search(script, row["labels"]["process"])
    assert re.search(script, row["labels"]["region"])
