"""A quote revision racing the award must lose (issue #11): on PostgreSQL, firms revise their
quotes while the startup awards; afterwards no quote of an awarded RFQ is still "submitted"
(every revision that slipped in before the award is "lost", every later one refused)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from shisaku.rfq import services
from shisaku.rfq.choices import IllegalTransition
from shisaku.rfq.models import RFQ, Quote
from tests.apps.test_rfq_support import make_rfq, make_world, quote_lines

ROUNDS = 6
REVISIONS = 6  # revision attempts per round, spread over the three invited firms


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_revisions_racing_the_award_are_lost(settings: Any, tmp_path: Any) -> None:
    settings.HOME = tmp_path
    world = make_world()
    valid = (timezone.now() + dt.timedelta(days=9)).date()
    errors: list[str] = []
    for round_no in range(ROUNDS):
        rfq, invitations = make_rfq(world, now=timezone.now())
        quotes = [services.quote_submit(
            actor=world.makers[inv.manufacturer.slug], invitation=inv,
            lines=quote_lines(world), currency="USD", lead_time_days=5, valid_until=valid)
            for inv in invitations]
        barrier = threading.Barrier(REVISIONS + 1)

        def revise(i: int, invitations: list[Any] = invitations) -> None:
            inv = invitations[i % len(invitations)]
            try:
                barrier.wait(timeout=30)
                services.quote_submit(actor=world.makers[inv.manufacturer.slug],
                                      invitation=inv, lines=quote_lines(world, "11.00"),
                                      currency="USD", lead_time_days=5, valid_until=valid)
            except IllegalTransition:
                pass  # refused after the award: as it should
            except Exception as exc:
                errors.append(f"revise:{type(exc).__name__}:{exc}")
            finally:
                connection.close()

        def award(rfq: RFQ = rfq, quote: Quote = quotes[0]) -> None:
            try:
                barrier.wait(timeout=30)
                for _attempt in range(REVISIONS + 1):
                    # the chosen firm's live revision (it may be revised meanwhile: retry)
                    live = Quote.objects.filter(invitation=quote.invitation,
                                                status="submitted").first()
                    try:
                        services.award_create(actor=world.owner, rfq=rfq, quote_id=live.pk)
                        return
                    except IllegalTransition:
                        continue
                errors.append("award: never won the race")
            except Exception as exc:
                errors.append(f"award:{type(exc).__name__}:{exc}")
            finally:
                connection.close()

        threads = [threading.Thread(target=revise, args=(i,)) for i in range(REVISIONS)]
        threads.append(threading.Thread(target=award))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == [], (round_no, errors)
        rfq.refresh_from_db()
        assert rfq.status == "awarded", round_no
        still = list(Quote.objects.filter(invitation__rfq=rfq, status="submitted")
                     .values_list("invitation__manufacturer__slug", "revision"))
        assert still == [], (round_no, still)
        assert Quote.objects.filter(invitation__rfq=rfq, status="awarded").count() == 1
