"""Matching and consortium refusals in the reader's language: the engines raise
``refuse(field, code, **params)`` (English ``reason``); the API's 422, the Find page and the
consortium forms say the sentence of the code through ``core.refusals``; the CLI keeps the
English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from shisaku.accounts.models import User
from shisaku.cli import main
from shisaku.core import refusals
from shisaku.engines.messages import REFUSALS, refuse

pytestmark = pytest.mark.django_db
PLACEHOLDER = re.compile(r"%\((\w+)\)")
PACKAGES = [{"id": "frame", "name": "Frame", "processes": ["cnc_milling"], "quantity": 200}]


def test_every_refusal_code_has_a_translation_with_its_placeholders() -> None:
    assert set(refusals.SENTENCES) == set(REFUSALS)
    for code, template in REFUSALS.items():
        for lang in ("ko", "ja"):
            with translation.override(lang):
                text = str(refusals.SENTENCES[code])
            assert text != template, (code, lang)
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(template)), code


def test_refusal_renders_params_in_the_current_language() -> None:
    exc = refuse("weights", "weight_not_number", name="price")
    assert exc.reason == "the weight of price must be a number"
    with translation.override("ja"):
        assert refusals.refusal(exc) == "price の重みは数値である必要があります"
        spoken = refusals.spoken_error(exc)
    assert spoken.as_dict() == {"field": "weights", "code": "weight_not_number",
                                "params": {"name": "price"}, "reason": spoken.reason}


@pytest.mark.parametrize(("payload", "field", "code", "params", "korean"), [
    ({"quantity": -3}, "quantity", "quantity_below_one", {}, "1 이상이어야 합니다"),
    ({"part_size_mm": [10, -1, 3]}, "part_size_mm", "match_size_not_positive", {},
     "모든 크기는 0 mm보다 커야 합니다"),
    ({"max_distance_km": 100}, "max_distance_km", "distance_no_origin", {},
     "거리를 잴 origin 또는 origin_region이 필요합니다"),
    ({"processes": ["laser_welding"]}, "process", "unknown_code",
     {"kind": "process", "codes": ["laser_welding"]}, "알 수 없는 코드: laser_welding"),
])
def test_match_api_refuses_in_korean_with_code_and_params(
        client: Client, payload: dict[str, Any], field: str, code: str,
        params: dict[str, Any], korean: str) -> None:
    response = client.post("/api/v1/match", payload, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 422, response.content
    item = response.json()["detail"][0]
    assert item["field"] == field and item["code"] == code and item["params"] == params
    assert korean in item["reason"], item["reason"]
    if code != "unknown_code":
        english = client.post("/api/v1/match", payload,
                                         content_type="application/json",
                                         HTTP_ACCEPT_LANGUAGE="en").json()["detail"][0]
        assert english["reason"] == REFUSALS[code] % params


@pytest.fixture
def coordinator(client: Client) -> Client:
    client.force_login(User.objects.create_user("coord", "c@example.org", "pw long enough 123"))
    return client


@pytest.mark.parametrize(("body", "field", "code", "japanese"), [
    ({"packages": PACKAGES, "constraints": {"nearby": True}}, "constraints",
     "constraints_unknown", "nearby"),
    ({"packages": [{"id": "lead", "processes": ["cnc_milling"]}]}, "packages.id",
     "package_id_lead", "'lead' は幹事企業の役割用に予約されています"),
    ({"packages": [{**PACKAGES[0], "quantity": 0}]}, "packages[frame].quantity",
     "pieces_not_positive", "個数は正の整数である必要があります"),
    ({"packages": [{**PACKAGES[0], "depends_on": ["frame"]}]}, "packages[frame].depends_on",
     "package_self_dependency", "自分自身に依存しています"),
    ({"packages": PACKAGES, "seed": "x"}, "seed", "not_integer", "整数が必要です"),
])
def test_plan_api_refuses_in_japanese(coordinator: Client, pool: dict[str, Any],
                                      body: dict[str, Any], field: str, code: str,
                                      japanese: str) -> None:
    response = coordinator.post("/api/v1/consortia/plan", body,
                                content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422, response.content
    item = response.json()["detail"][0]
    assert item["field"] == field, item
    assert item.get("code") == code, item  # the engine's refusal, not the app's own words
    assert japanese in item["reason"], item["reason"]
    assert not re.search(r"[a-z]{4,} [a-z]{4,}", item["reason"]), item["reason"]  # no English


def test_cli_match_keeps_the_english_reason(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "BAD.json"
    bad.write_text(json.dumps({"processes": ["cnc_milling"], "quantity": -3}))
    assert main(["match", str(bad), "--json"]) == 2
    err = capsys.readouterr().err
    payload = json.loads(err[len("error: "):])
    assert payload == {"field": "quantity", "reason": "must be at least 1",
                       "code": "quantity_below_one", "params": {}}
