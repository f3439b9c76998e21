"""Sample order history for the demo: a past project of the demo startup whose awards became
orders in several states (closed on time, delivered late after a rejected first article, in
rework, shipped in part, waiting for confirmation, disputed), so that the order pages, the
profile figures and the coordinator window show something real on `make demo`.

Everything is labelled as sample data (the project's title and summary). Idempotent: nothing
is created when the project already exists. The requests are written as drafts and then go
through the same services as a user's (send, quote, award, and every order step), dated in the
past.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from shisaku.accounts.models import Organisation, User
from shisaku.core.models import AuditEvent
from shisaku.directory.models import Manufacturer
from shisaku.notifications.models import Notification
from shisaku.orders import services
from shisaku.orders.models import Order
from shisaku.projects.models import Project
from shisaku.projects.services import part_create, project_create
from shisaku.rfq import services as rfq_services
from shisaku.rfq.models import RFQ

TITLE = "Desk lamp L1 (sample order history)"
DAY = dt.timedelta(days=1)

# (request title, days ago of the award, what happened after it)
SCENARIOS: tuple[tuple[str, int, str], ...] = (
    ("L1 pilot lot", 120, "closed_on_time"),
    ("L1 second lot", 90, "late_after_rejection"),
    ("L1 arm rework", 40, "rework"),
    ("L1 spare shades", 30, "partly_shipped"),
    ("L1 accessories", 1, "placed"),
    ("L1 base plates", 60, "disputed"),
)


def _firm_user(firm: Manufacturer) -> User | None:
    return (User.objects.filter(memberships__organisation=firm.organisation, is_active=True)
            .order_by("id").first())


def demo_orders_ensure(*, now: dt.datetime | None = None) -> int:
    """Create the sample order history once; returns the number of orders created (0 when it
    exists already, or when there is no demo startup or no manufacturer with a login). The
    history is the past: it sends no e-mail and leaves no notification."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _history(now=now or timezone.now())


def _history(*, now: dt.datetime) -> int:
    owner = User.objects.filter(username="demo-startup").first()
    startup = (Organisation.objects.filter(memberships__user=owner, kind="startup").first()
               if owner else None)
    firms = [f for f in Manufacturer.objects.filter(organisation__memberships__isnull=False)
             .distinct().order_by("id")[:20] if _firm_user(f) is not None]
    if owner is None or startup is None or not firms:
        return 0
    if Project.objects.filter(organisation=startup, title=TITLE).exists():
        return 0
    coordinator = Organisation.objects.filter(
        kind="coordinator", memberships__user__username="demo-coordinator").first()
    project = project_create(actor=owner, organisation=startup, data={
        "title": TITLE, "product_field": "iot_ict", "currency": "KRW",
        "qty_prototype": 10, "qty_pilot": 200, "coordinator": coordinator.pk if coordinator
        else None,
        "summary": {"en": "Sample data: a finished lamp project whose orders show the order "
                          "pages in every state.",
                    "ko": "샘플 데이터: 주문 화면의 모든 상태를 보여 주는 완료된 조명 프로젝트.",
                    "ja": "サンプルデータ: 注文画面の各状態を示す完了済みの照明プロジェクト。"}})
    parts = [part_create(actor=owner, project=project, data=data) for data in (
        {"name": "Lamp shade", "quantity_per_unit": 1, "process_hints": ["injection_molding"],
         "material": "pc"},
        {"name": "Arm", "quantity_per_unit": 2, "process_hints": ["cnc_milling"],
         "material": "aluminum_6061"},
    )]
    created = 0
    first_note = (Notification.objects.order_by("-id").values_list("id", flat=True).first()
                  or 0)
    for index, (title, days_ago, story) in enumerate(SCENARIOS):
        firm = firms[index % len(firms)]
        order = _awarded(owner=owner, project=project, parts=parts, firm=firm, title=title,
                         at=now - days_ago * DAY)
        _walk(order, story=story, owner=owner, maker=_firm_user(firm), now=now,
              awarded=now - days_ago * DAY)
        created += 1
    # The history is the past: no one needs to be told about it now.
    Notification.objects.filter(id__gt=first_note).delete()
    return created


def _awarded(*, owner: User, project: Project, parts: list[Any], firm: Manufacturer,
             title: str, at: dt.datetime) -> Order:
    rfq = RFQ.objects.create(project=project, title=title, quantity_tiers=[20, 200],
                             quote_deadline=at + 5 * DAY, created_by=owner,
                             notes="Sample data.")
    rfq.parts.set(parts)
    (invitation,) = rfq_services.rfq_send(actor=owner, rfq=rfq, manufacturer_ids=[firm.pk],
                                          now=at - 4 * DAY)
    maker = _firm_user(firm)
    lines = [{"part": p.pk, "tier": tier, "unit_price": price}
             for p, base in zip(parts, (Decimal("5200"), Decimal("8900")), strict=True)
             for tier, price in ((20, base), (200, (base * Decimal("0.7")).quantize(
                 Decimal("1"))))]
    quote = rfq_services.quote_submit(actor=maker, invitation=invitation, lines=lines,
                                      currency="KRW", tooling_cost="4800000",
                                      lead_time_days=30, valid_until=(at + 30 * DAY).date(),
                                      now=at - 2 * DAY)
    with _dated(at):
        rfq_services.award_create(actor=owner, rfq=rfq, quote_id=quote.pk, now=at)
    return Order.objects.get(rfq=rfq)


def _pieces(order: Order) -> int:
    return sum(ln.quantity for ln in order.lines.all())


def _dated(at: dt.datetime) -> Any:
    """Date the audit events written inside the block at ``at`` (the history's own time)."""
    class _Block:
        def __enter__(self) -> None:
            self.last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

        def __exit__(self, *exc: object) -> None:
            AuditEvent.objects.filter(id__gt=self.last or 0).update(created_at=at)

    return _Block()


def _walk(order: Order, *, story: str, owner: User, maker: Any, now: dt.datetime,
          awarded: dt.datetime) -> None:
    """Move ``order`` along ``story`` with dates between the award and ``now``."""
    def day(offset: int) -> dt.datetime:
        return awarded + offset * DAY

    def step(offset: int, fn: Any, **kw: Any) -> None:
        with _dated(day(offset)):
            fn(order=order, **kw)

    if story == "placed":
        return
    step(1, services.order_confirm, actor=maker, promised_ship_date=timezone.localdate(day(30)),
         now=day(1))
    step(2, services.order_start_production, actor=maker)
    if story in ("late_after_rejection", "rework"):
        step(18, services.first_article_submit, actor=maker, note="T1 samples", now=day(18))
        step(20, services.first_article_decide, actor=owner, approve=False,
             findings="Shade wall shows sink marks near the boss.", now=day(20))
        if story == "rework":
            return
    step(24, services.first_article_submit, actor=maker, note="samples", now=day(24))
    step(25, services.first_article_decide, actor=owner, approve=True, now=day(25))
    pieces = _pieces(order)
    ship_day = 35 if story == "late_after_rejection" else 28
    if story == "partly_shipped":
        step(28, services.shipment_create, actor=maker, quantity=pieces // 2,
             shipped_on=timezone.localdate(day(28)), carrier="CJ Logistics",
             tracking_number="SAMPLE-0001", now=day(28))
        return
    step(ship_day, services.shipment_create, actor=maker, quantity=pieces,
         shipped_on=timezone.localdate(day(ship_day)), carrier="CJ Logistics",
         tracking_number="SAMPLE-0002", now=day(ship_day))
    received = pieces - 5 if story == "disputed" else pieces
    step(ship_day + 3, services.order_receive, actor=owner, received_quantity=received,
         now=day(ship_day + 3))
    if story == "closed_on_time":
        step(3, services.milestone_add, actor=owner, kind="deposit", amount="2400000",
             due_on=timezone.localdate(day(3)))
        step(10, services.tooling_add, actor=maker, kind="mould", name="Shade mould (2 cav.)",
             cost="4800000", cavities=2, shot_life=300000,
             part_id=order.lines.values_list("part_id", flat=True).first())
        step(ship_day + 5, services.order_close, actor=owner, now=day(ship_day + 5))
