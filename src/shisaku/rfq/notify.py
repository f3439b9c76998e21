"""In-app notifications (and an e-mail copy) to the people around an RFQ, honouring each
user's muted kinds. Texts are rendered in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from shisaku.accounts.models import Organisation, User
from shisaku.rfq.models import Notification, NotificationMute

__all__ = ["members_of", "notify"]


def members_of(*organisations: Organisation | None) -> list[User]:
    ids = [o.pk for o in organisations if o is not None]
    if not ids:
        return []
    return list(User.objects.filter(memberships__organisation_id__in=ids, is_active=True)
                .distinct().order_by("id"))


def notify(*, users: Iterable[User], kind: str, text: Callable[[], str], url: str = "",
           exclude: Any = None) -> list[Notification]:
    """One notification per user (unless muted or ``exclude``); ``text`` is called inside
    each recipient's language. E-mails go out after the transaction commits."""
    recipients = [u for u in dict.fromkeys(users) if exclude is None or u.pk != exclude.pk]
    muted = set(NotificationMute.objects.filter(user__in=recipients, kind=kind)
                .values_list("user_id", flat=True))
    created = []
    for user in recipients:
        if user.pk in muted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = str(text())
        created.append(Notification(user=user, kind=kind, text=body[:300], url=url))
        if user.email:
            transaction.on_commit(_mailer(user.email, body, url))
    return Notification.objects.bulk_create(created)


def _mailer(address: str, body: str, url: str) -> Callable[[], None]:
    def send() -> None:
        send_mail(subject=f"[Shisaku] {body[:70]}", message=f"{body}\n\n{url}",
                  from_email=None, recipient_list=[address], fail_silently=True)
    return send
