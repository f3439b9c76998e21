"""Who sees which order: its two organisations (the startup of the project and the awarded
firm) and the project's coordinator, nobody else. The coordinator reads, the two sides act.

Access follows live state: an order of a deleted project is gone for everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.orders.choices import (
    OPEN_STATES,
    FirstArticleDecision,
    OrderStatus,
    Side,
    TransferStatus,
)
from shisaku.orders.models import DeliveryStats, FirstArticle, Order, ToolingAsset
from shisaku.rfq.models import QuoteLine

__all__ = [
    "delivery_figures", "next_step", "order_for", "order_late", "orders_needing_help", "orders_visible_to",
    "second_source", "side_of", "tool_holder", "tooling_for", "tooling_visible_to",
]


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def orders_visible_to(user: Any) -> QuerySet[Order]:
    if not _authenticated(user):
        return Order.objects.none()
    return (Order.objects.filter(project__deleted_at__isnull=True)
            .filter(Q(startup__memberships__user=user)
                    | Q(manufacturer__organisation__memberships__user=user)
                    | Q(project__coordinator__memberships__user=user))
            .distinct()
            .select_related("project", "rfq", "startup", "manufacturer",
                            "manufacturer__organisation"))


def order_for(*, user: Any, pk: int) -> Order | None:
    return orders_visible_to(user).filter(pk=pk).first()


def side_of(user: Any, order: Order) -> str | None:
    """``startup`` | ``manufacturer`` | ``coordinator`` | None: what ``user`` is to the order.
    A member of both sides' organisations acts as the startup."""
    if not _authenticated(user) or order.project.deleted_at is not None:
        return None
    if order.startup.memberships.filter(user=user).exists():
        return Side.STARTUP
    org = order.manufacturer.organisation
    if org is not None and org.memberships.filter(user=user).exists():
        return Side.MANUFACTURER
    coordinator = order.project.coordinator
    if coordinator is not None and coordinator.memberships.filter(user=user).exists():
        return "coordinator"
    return None


def order_late(order: Order, today: dt.date | None = None) -> bool:
    """Open, not yet fully shipped, and past its promised ship date."""
    today = today or timezone.localdate()
    return (order.status in OPEN_STATES and order.status not in (OrderStatus.SHIPPED,
                                                                  OrderStatus.DELIVERED)
            and order.promised_ship_date is not None and order.promised_ship_date < today)


def next_step(order: Order) -> str:
    """What the order waits for, in words (translated)."""
    steps = {
        OrderStatus.PLACED: _("the firm confirms a ship date"),
        OrderStatus.CONFIRMED: _("the firm starts production"),
        OrderStatus.IN_PRODUCTION: _("the firm submits a first article or ships"),
        OrderStatus.FA_SUBMITTED: _("the startup reviews the first article"),
        OrderStatus.FA_APPROVED: _("the firm ships"),
        OrderStatus.SHIPPED: _("the startup confirms receipt"),
        OrderStatus.DELIVERED: _("the startup closes the order"),
        OrderStatus.DISPUTED: _("the dispute is settled"),
    }
    return str(steps.get(order.status, ""))


def orders_needing_help(user: Any) -> dict[str, list[Order]]:
    """For the coordinator's window: late orders, rejected first articles still in rework,
    disputes; only orders of projects the user coordinates."""
    if not _authenticated(user):
        return {"late": [], "rejected": [], "disputed": []}
    mine = Order.objects.filter(project__coordinator__memberships__user=user,
                                project__deleted_at__isnull=True).select_related(
        "project", "manufacturer").distinct()
    today = timezone.localdate()
    late = [o for o in mine.filter(promised_ship_date__lt=today,
                                   status__in=[OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION,
                                               OrderStatus.FA_SUBMITTED,
                                               OrderStatus.FA_APPROVED])]
    rejected_ids = (FirstArticle.objects.filter(decision=FirstArticleDecision.REJECTED,
                                                order__in=mine)
                    .values_list("order_id", flat=True))
    rejected = list(mine.filter(pk__in=rejected_ids, status=OrderStatus.IN_PRODUCTION))
    disputed = list(mine.filter(status=OrderStatus.DISPUTED))
    return {"late": late, "rejected": rejected, "disputed": disputed}


def tooling_visible_to(user: Any) -> QuerySet[ToolingAsset]:
    """Tools of visible orders, tools held by one of the user's firms (also after a
    transfer), plus tools with a transfer requested to one of the user's firms (the
    receiving firm sees the request and its checklist)."""
    if not _authenticated(user):
        return ToolingAsset.objects.none()
    return (ToolingAsset.objects.filter(order__project__deleted_at__isnull=True)
            .filter(Q(order__in=orders_visible_to(user))
                    | Q(location__organisation__memberships__user=user)
                    | Q(transfers__to_manufacturer__organisation__memberships__user=user,
                        transfers__status=TransferStatus.REQUESTED))
            .distinct().select_related("order", "owner", "location", "part"))


def tool_holder(user: Any, asset: ToolingAsset) -> bool:
    """Whether ``user`` belongs to the firm that holds ``asset`` now (after a transfer, the
    receiving firm, no longer the order's firm)."""
    org = asset.location.organisation if asset.location_id else None
    return bool(_authenticated(user) and org is not None
                and org.memberships.filter(user=user).exists())


def tooling_for(*, user: Any, pk: int) -> ToolingAsset | None:
    return tooling_visible_to(user).filter(pk=pk).first()


def delivery_figures(manufacturer: Any) -> DeliveryStats | None:
    """The firm's on-time and first-pass figures (public), None before any fact."""
    stats = DeliveryStats.objects.filter(manufacturer=manufacturer).first()
    if stats is None or not (stats.delivered or stats.first_articles):
        return None
    return stats


def second_source(part: Any, *, exclude_manufacturer_id: int | None = None,
                  today: dt.date | None = None) -> list[dict[str, Any]]:
    """Second-source readiness of a part: other firms with a valid quote for it (submitted,
    not past its validity) or an approved first article of it. ``[]`` means the part depends
    on one maker."""
    today = today or timezone.localdate()
    out: dict[int, dict[str, Any]] = {}
    # A live offer: submitted, or not selected / awarded in a request (still a valid price).
    lines = (QuoteLine.objects.filter(part=part,
                                      quote__status__in=["submitted", "lost", "awarded"],
                                      quote__valid_until__gte=today)
             .select_related("quote__invitation__manufacturer"))
    for line in lines:
        firm = line.quote.invitation.manufacturer
        out.setdefault(firm.pk, {"manufacturer": firm, "quote": line.quote,
                                 "first_article": False})
    approved = (FirstArticle.objects.filter(order__lines__part=part,
                                            decision=FirstArticleDecision.APPROVED)
                .select_related("order__manufacturer"))
    for fa in approved:
        firm = fa.order.manufacturer
        entry = out.setdefault(firm.pk, {"manufacturer": firm, "quote": None,
                                         "first_article": False})
        entry["first_article"] = True
    if exclude_manufacturer_id is not None:
        out.pop(exclude_manufacturer_id, None)
    return sorted(out.values(), key=lambda e: (not e["first_article"], e["manufacturer"].name))
