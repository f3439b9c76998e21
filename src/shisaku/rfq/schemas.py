"""API schemas of the RFQ workflow (ninja / pydantic). Inputs are loose on purpose: the
services validate every value and answer 422 with the field and the reason. Money is a decimal
string."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any


class ConflictOut(Schema):
    """An illegal state change: the entity, its current state and the refused target."""

    detail: str
    entity: str
    current: str
    target: str


class RFQIn(Schema):
    project: int
    parts: list[int]
    quantity_tiers: list[Any]
    quote_deadline: datetime.datetime
    title: str = ""
    sealed: bool = False
    auto_invite_next: bool = False
    notes: str = ""


class SendIn(Schema):
    manufacturers: list[int] | None = None


class AwardIn(Schema):
    quote: int
    parts: list[int] | None = None   # None: the whole request
    note: str = ""


class RatingIn(Schema):
    award: int | None = None
    quality: Any
    on_time: Any
    communication: Any
    comment: str = ""


class RatingOut(Schema):
    id: int
    manufacturer: int
    quality: int
    on_time: int
    communication: int
    comment: str
    rating: float | None        # the firm's rating after this one
    rating_count: int


class QuoteLineIn(Schema):
    part: int
    tier: int
    unit_price: Any


class QuoteIn(Schema):
    lines: list[QuoteLineIn]
    currency: str
    lead_time_days: Any
    valid_until: datetime.date
    tooling_cost: Any = 0
    notes: str = ""


class DeclineIn(Schema):
    reason: str
    note: str = ""


class MessageIn(Schema):
    body: str


class FirmOut(Schema):
    id: int
    slug: str
    name: str


class InvitationOut(Schema):
    id: int
    rfq: int
    manufacturer: FirmOut
    status: str
    sent_at: datetime.datetime
    viewed_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    replied_at: datetime.datetime | None
    ack_deadline: datetime.datetime
    quote_deadline: datetime.datetime
    overdue: bool
    overdue_at: datetime.datetime | None
    decline_reason: str
    decline_note: str
    replaces: int | None


class PartBrief(Schema):
    id: int
    name: str
    quantity_per_unit: int
    process_hints: list[str]
    material: str
    finish: str
    notes: str
    spec: dict[str, Any]


class AwardOut(Schema):
    id: int
    rfq: int
    part: int | None
    quote: int
    manufacturer: FirmOut
    created_at: datetime.datetime


class AwardsOut(Schema):
    rfq: int
    status: str                 # "awarded" once the whole request or every part is awarded
    awards: list[AwardOut]      # the awards made by this request


class RFQOut(Schema):
    id: int
    project: int
    title: str
    status: str
    parts: list[PartBrief]
    quantity_tiers: list[int]
    quote_deadline: datetime.datetime
    sealed: bool
    auto_invite_next: bool
    notes: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    invitations: list[InvitationOut] = []
    awards: list[AwardOut] = []


class InboxItemOut(InvitationOut):
    request: RFQOut


class CandidateOut(Schema):
    manufacturer: FirmOut
    score: float
    reply_median_hours: float | None
    # "account": a member answers on Shisaku; "link": no member, a personal link is e-mailed.
    reach: str = "account"


class QuoteLineOut(Schema):
    part: int
    tier: int
    unit_price: str


class QuoteOut(Schema):
    id: int
    invitation: int
    revision: int
    status: str
    currency: str
    tooling_cost: str
    lead_time_days: int
    valid_until: datetime.date
    notes: str
    submitted_at: datetime.datetime
    lines: list[QuoteLineOut]


class ComparisonRowOut(Schema):
    invitation: int
    manufacturer: FirmOut
    invitation_status: str
    quote: QuoteOut | None
    unit_prices: list[list[str | None]]   # [part][tier] in the display currency
    tooling: str | None
    total: str | None
    complete: bool
    rate_missing: bool
    expired: bool
    reply_median_hours: float | None
    rating: float | None
    rating_count: int
    rates_used: list[dict[str, Any]] = []


class ComparisonOut(Schema):
    rfq: int
    currency: str
    quantity: int
    sealed: bool
    tiers: list[int]
    parts: list[int]
    rows: list[ComparisonRowOut]
    rates: list[dict[str, Any]]


class MessageOut(Schema):
    id: int
    invitation: int
    author: str | None
    from_manufacturer: bool
    body: str
    has_file: bool
    created_at: datetime.datetime


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime.datetime
    read: bool
