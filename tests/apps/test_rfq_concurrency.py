"""Award exactly once: 50 concurrent award requests for one RFQ on PostgreSQL (each thread with
its own connection) -> one succeeds, the other 49 get a conflict; one Award row."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from shisaku.rfq import services
from shisaku.rfq.choices import IllegalTransition
from shisaku.rfq.models import Award, Quote
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

N = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_awards_one_wins(settings: Any, tmp_path: Any) -> None:
    settings.HOME = tmp_path
    world = make_world()
    now = timezone.now()
    rfq, invitations = make_rfq(world, now=now)
    quotes = [services.quote_submit(
        actor=world.makers[inv.manufacturer.slug], invitation=inv, lines=quote_lines(world),
        currency="USD", lead_time_days=5, valid_until=(now + dt.timedelta(days=9)).date())
        for inv in invitations]
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.award_create(actor=world.owner, rfq=rfq, quote_id=quotes[i % 3].pk)
            result = "won"
        except IllegalTransition as exc:
            result = f"conflict:{exc.current}"
        except Exception as exc:  # any other outcome fails the asserts below
            result = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == N
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("conflict:awarded") == N - 1, outcomes
    assert Award.objects.filter(rfq=rfq).count() == 1
    assert Quote.objects.filter(status="awarded").count() == 1
    assert Quote.objects.filter(status="lost").count() == 2
