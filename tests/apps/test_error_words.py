"""Errors a user reads are in the user's language: every reason given to ``InputError``,
``ValidationError`` or ``messages.*`` in the apps goes through gettext.

The fault (issue 12's kind, found again in the consortium, project and file checks): a
Korean founder moving a project a stage forward read "finish the checklist first: ..." in
English. CLI commands and benchmarks speak to operators and stay English.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2] / "src" / "shisaku"
SKIP = {"commands", "bench", "engines", "taxonomy", "sampledata", "migrations"}
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "str"}
RAISERS = {"InputError", "ValidationError"}
MESSAGE_CALLS = {"error", "warning", "success", "info"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _plain_text(node: ast.expr) -> bool:
    """A reason written as a bare literal, an f-string or a concatenation of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):  # words outside the {...} parts are not translated
        return any(isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value))
                   for v in node.values)
    if isinstance(node, ast.BinOp):
        return _plain_text(node.left) or _plain_text(node.right)
    return False


def untranslated(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        reason: ast.expr | None = None
        if name in ("InputError", "HttpError") and len(node.args) >= 2:
            reason = node.args[1]
        elif name == "ValidationError" and node.args:
            reason = node.args[0]
        elif (name in MESSAGE_CALLS and isinstance(node.func, ast.Attribute)
              and _name(node.func.value) == "messages" and len(node.args) >= 2):
            reason = node.args[1]
        if reason is not None and _plain_text(reason):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_plain_reasons() -> None:
    code = ('raise InputError("a", "plain")\nraise InputError("b", f"x {y}")\n'
            'raise InputError("c", _("fine"))\nraise InputError("d", gettext("ok %(n)s") % {"n": 1})\n'
            'messages.error(request, "oops")\nraise ValidationError("bad " + x)\n'
            'messages.error(request, f"{label}: {reason}")\n')
    assert untranslated(ast.parse(code)) == [1, 2, 5, 6]


def test_every_reason_in_the_apps_is_translated() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if SKIP & set(path.relative_to(SRC).parts):
            continue
        for line in untranslated(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{path.relative_to(SRC)}:{line}")
    assert found == []


@pytest.fixture
def founder(client: Client) -> Client:
    from tests.apps.test_projects_support import member

    user, _org = member("mina", "startup")
    client.force_login(user)
    return client


def _reason(response: Any) -> str:
    assert response.status_code == 422, response.content
    return str(response.json()["detail"][0]["reason"])


@pytest.mark.django_db
def test_stage_move_with_an_open_checklist_answers_in_korean(founder: Client) -> None:
    """The example: moving forward with the checklist open names what is missing in Korean."""
    created = founder.post("/api/v1/projects", data=json.dumps({"title": "Glove"}),
                           content_type="application/json")
    pid = created.json()["id"]
    reason = _reason(founder.post(f"/api/v1/projects/{pid}/stage",
                                  data=json.dumps({"to_stage": "spec_review"}),
                                  content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko"))
    assert "finish the checklist" not in reason
    assert "체크리스트" in reason


@pytest.mark.django_db
def test_out_of_range_spec_value_answers_in_japanese(founder: Client) -> None:
    """Own case: a spec value above its maximum is refused in the reader's language."""
    pid = founder.post("/api/v1/projects", data=json.dumps({"title": "Lamp"}),
                       content_type="application/json").json()["id"]
    part = founder.post(f"/api/v1/projects/{pid}/parts",
                        data=json.dumps({"name": "Board", "process_hints": ["pcb_fabrication"]}),
                        content_type="application/json").json()["id"]
    reason = _reason(founder.patch(f"/api/v1/projects/{pid}/parts/{part}",
                                   data=json.dumps({"spec": {"layers": 999}}),
                                   content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"))
    assert "must be at most" not in reason
    assert "以下" in reason


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/api/v1/manufacturers/424242", "/api/v1/projects/424242", "/api/v1/orders/424242",
    "/api/v1/estimates/424242", "/api/v1/consortia/424242", "/api/v1/rfqs/424242",
    "/api/v1/projects/424242/parts/1", "/api/v1/inbox/424242",
])
def test_not_found_answers_in_the_readers_language(founder: Client, path: str) -> None:
    """The API's 404 reasons were English ("no such project") to a Korean reader, while the
    same refusal on a page was Korean (the directory's kind of fault, found by its tester)."""
    response = founder.get(path, headers={"Accept-Language": "ko"})
    assert response.status_code == 404, response.content
    reason = response.json()["detail"][0]["reason"]
    assert any("\uac00" <= c <= "\ud7a3" for c in reason), reason
