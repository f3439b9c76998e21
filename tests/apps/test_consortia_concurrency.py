"""Answers at the same moment on PostgreSQL (each thread with its own connection): the
consortium row lock serialises them, so every answer counts and every re-plan sees the
declines before it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from shisaku.consortia import services
from shisaku.consortia.models import ConsortiumMember
from tests.apps.test_consortia_support import make_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_all_count(settings: Any, tmp_path: Any) -> None:
    settings.HOME = tmp_path
    world = make_world()
    services.window_send(actor=world.owner, project=world.project,
                         coordinator=world.coordinator)
    consortium = services.consortium_propose(actor=world.coord, project=world.project)
    services.consortium_invite(actor=world.coord, consortium=consortium)
    # housing and frame decline, board accepts, all at once
    answers = {"housing-a": "decline", "frame-a": "decline", "board-a": "accept"}
    rows = {slug: ConsortiumMember.objects.get(consortium=consortium,
                                               manufacturer=world.firms[slug])
            for slug in answers}
    barrier = threading.Barrier(len(answers))
    errors: list[str] = []

    def answer(slug: str) -> None:
        try:
            barrier.wait(timeout=30)
            services.member_respond(actor=world.makers[slug], member=rows[slug],
                                    answer=answers[slug])
        except Exception as exc:  # any outcome other than success fails the assert below
            errors.append(f"{slug}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(slug,)) for slug in answers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    consortium.refresh_from_db()
    open_slots = {m.package_id: (m.manufacturer.slug, m.state)
                  for m in consortium.members.filter(state__in=["invited", "accepted"])}
    assert open_slots["housing"] == ("housing-b", "invited")
    assert open_slots["frame"] == ("frame-b", "invited")
    assert open_slots["board"] == ("board-a", "accepted")
    assert consortium.members.filter(state="declined").count() == 2
