"""A founder signs up as a startup, creates a project with three parts, watches the spec
completeness rise as they fill it in, and moves the project through stages — in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 42"


def _percent(page: Any, test_id: str) -> int:
    text = page.get_by_test_id(test_id).inner_text()
    match = re.search(r"(\d+)%", text)
    assert match, text
    return int(match.group(1))


def _tick_checklist(page: Any) -> None:
    """Tick every item of the current stage's checklist (each click swaps the pipeline)."""
    while True:
        pending = page.locator('#pipeline button.tick[aria-pressed="false"]')
        if pending.count() == 0:
            return
        key = pending.first.get_attribute("data-item")
        pending.first.click()
        page.wait_for_selector(f'#pipeline button.tick[data-item="{key}"][aria-pressed="true"]')


def test_startup_project_parts_spec_and_stages(page: Any, live_server: Any, settings: Any,
                                               tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    # Sign up as a startup.
    page.goto(f"{base}/accounts/signup")
    page.fill("#id_username", "mina")
    page.fill("#id_email", "mina@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check('input[name="organisation_kind"][value="startup"]')
    page.fill("#id_organisation_name", "Mina Robotics")
    page.select_option("#id_country", "KR")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/sent")
    # Follow the confirmation link of the e-mail (the live server shares the test's outbox).
    from django.core import mail

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(f"{base}{link.group(1)}")
    page.wait_for_url("**/accounts/me")

    # My projects -> new project.
    page.get_by_role("link", name="My projects").click()
    page.get_by_role("link", name="New project").click()
    page.fill("#id_title", "Rehab glove")
    page.fill("#id_summary", "A soft robotic glove for stroke rehabilitation")
    page.select_option("#id_product_field", "medical_welfare")
    page.fill("#id_qty_pilot", "300")
    page.fill("#id_qty_small_lot", "5000")
    page.fill("#id_qty_mass", "30000")
    page.fill("#id_target_unit_cost", "45000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/projects/\d+/$"))
    project_url = page.url
    assert page.locator("h1").inner_text() == "Rehab glove"

    # Three parts.
    for name, process in (("Finger housing", "cnc_milling"), ("Palm cover", "injection_molding"),
                          ("Controller board", "pcb_assembly")):
        page.goto(project_url)
        page.get_by_role("link", name="Add a part").click()
        page.fill("#id_name", name)
        page.check(f'input[name="process_hints"][value="{process}"]')
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(r".*/parts/\d+/$"))
    page.goto(project_url)
    assert page.locator("table.parts tbody tr").count() == 3
    project_before = _percent(page, "project-completeness")

    # Fill the housing's spec step by step; the score rises at each save.
    page.get_by_role("link", name="Finger housing").click()
    scores = [_percent(page, "part-completeness")]
    page.select_option("#id_material", "aluminum_6061")
    page.select_option("#id_tolerance_class", "m")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    scores.append(_percent(page, "part-completeness"))
    page.fill("#id_finish", "black anodised")
    page.fill("#id_spec-quantity", "300")
    page.fill("#id_spec-threads", "4 x M3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    scores.append(_percent(page, "part-completeness"))
    assert scores == sorted(scores) and scores[0] < scores[1] < scores[2] < 100, scores

    # Ticking another process brings its fields in through htmx, without a page load.
    page.evaluate("window.__same_page = true")
    page.check('input[name="process_hints"][value="surface_finishing"]')
    page.check('input[name="process_hints"][value="fdm_printing"]')
    page.wait_for_selector("#id_spec-colour")
    assert page.evaluate("window.__same_page") is True
    page.uncheck('input[name="process_hints"][value="fdm_printing"]')
    page.wait_for_selector("#id_spec-colour", state="detached")

    # The missing drawing: upload a PDF.
    page.select_option("#id_kind", "drawing")
    page.set_input_files("#id_file", files=[{
        "name": "housing.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"}])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state("load")
    assert _percent(page, "part-completeness") == 100
    assert "housing.pdf" in page.content()

    page.goto(project_url)
    assert _percent(page, "project-completeness") > project_before

    # Stages: the forward button waits for the checklist.
    assert page.get_by_test_id("stage-forward").is_disabled()
    _tick_checklist(page)
    page.reload()
    page.get_by_test_id("stage-forward").click()
    page.wait_for_load_state("load")
    assert _current_stage(page) == "spec_review"

    # "Specs complete" is backed by the data: two parts are not specified yet.
    page.locator('#pipeline button.tick[data-item="sr_specs_complete"]').click()
    error = page.get_by_test_id("checklist-error")
    error.wait_for()
    assert "Palm cover" in error.inner_text() and "Controller board" in error.inner_text()
    assert page.get_by_test_id("stage-forward").is_disabled()

    # Going back needs a note; with one, the project returns to business design.
    page.get_by_role("button", name="Back to Business design").click()
    page.wait_for_load_state("load")
    assert "say why" in page.locator(".messages").inner_text()
    assert _current_stage(page) == "spec_review"
    page.fill("#stage-note", "the investor asked for a new target market")
    page.get_by_role("button", name="Back to Business design").click()
    page.wait_for_load_state("load")
    assert _current_stage(page) == "business_design"
    page.get_by_test_id("stage-forward").click()  # its checklist is still ticked
    page.wait_for_load_state("load")
    assert _current_stage(page) == "spec_review"
    history = page.get_by_test_id("stage-history").inner_text()
    assert "Specification review → Business design" in history
    assert "the investor asked for a new target market" in history


def _current_stage(page: Any) -> str:
    return str(page.locator('li.stage[aria-current="step"]').get_attribute("data-stage"))
