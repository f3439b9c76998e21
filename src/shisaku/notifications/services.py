"""Writes: send a notification (and its e-mail) in each recipient's language and time zone,
mark notifications read, choose muted kinds.

Texts are never built in the sender's language: the sender passes a kind and JSON parameters,
and the kind's ``text(params)`` runs once per recipient inside that recipient's language
(``User.preferred_language``, else ``settings.LANGUAGE_CODE``) and time zone
(``User.time_zone``, else ``settings.TIME_ZONE``). Links in e-mails are absolute
(``settings.SHISAKU_BASE_URL``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from shisaku.accounts.models import Organisation, User
from shisaku.core.text import render_plain_text
from shisaku.notifications.kinds import kind_get
from shisaku.notifications.models import Notification, NotificationMute

__all__ = [
    "EMAIL_SUBJECT_LIMIT",
    "absolute_url",
    "email_render",
    "members_of",
    "notification_send",
    "notification_text",
    "notifications_mark_read",
    "notifications_mute",
    "preferences_update",
    "recipient_context",
    "subject_shorten",
    "user_language",
    "user_timezone",
]

EMAIL_SUBJECT_LIMIT = 78  # RFC 5322's recommended line length, the prefix included
ELLIPSIS = "…"


def members_of(*organisations: Organisation | None) -> list[User]:
    """The active users of the given organisations (``None`` entries are skipped)."""
    ids = [o.pk for o in organisations if o is not None]
    if not ids:
        return []
    return list(User.objects.filter(memberships__organisation_id__in=ids, is_active=True)
                .distinct().order_by("id"))


def user_language(user: Any) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    lang = getattr(user, "preferred_language", "") or ""
    return lang if lang in codes else settings.LANGUAGE_CODE


def user_timezone(user: Any) -> zoneinfo.ZoneInfo:
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@contextmanager
def recipient_context(user: Any) -> Iterator[None]:
    """Run the block in ``user``'s language and time zone."""
    with translation.override(user_language(user)), timezone.override(user_timezone(user)):
        yield


def absolute_url(url: str) -> str:
    """``url`` made absolute with ``SHISAKU_BASE_URL`` (already absolute ones are kept)."""
    if not url or "://" in url:
        return url
    base = settings.SHISAKU_BASE_URL.rstrip("/")
    return f"{base}/{url.lstrip('/')}"


def _latin(ch: str) -> bool:
    """A letter or digit of a script that separates words with spaces."""
    if not ch or not (ch.isalnum() or unicodedata.combining(ch)):
        return False
    name = unicodedata.name(ch, "")
    return not any(script in name for script in ("CJK", "HANGUL", "HIRAGANA", "KATAKANA",
                                                 "THAI", "IDEOGRAPH"))


def subject_shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters; a longer one is cut at a word
    boundary (Latin scripts) or a character boundary (CJK, never inside a combining
    sequence) and ends with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = limit - len(ELLIPSIS)
    head = flat[:cut]
    # never split a base letter from its combining marks
    while head and unicodedata.combining(flat[len(head)]):
        head = head[:-1]
    if _latin(flat[len(head)]) and head and _latin(head[-1]):
        space = head.rfind(" ")
        if space > 0:  # (a single word longer than the limit is cut, visibly)
            head = head[:space]
    return head.rstrip(" ,.;:—-") + ELLIPSIS


def notification_text(notification: Notification) -> str:
    """The notification's sentence in the active language and time zone (its stored text when
    its kind is unknown or its parameters do not fit the current text)."""
    kind = kind_get(notification.kind)
    if kind is None or not notification.params:
        return notification.text
    try:
        return str(kind.text(notification.params))
    except (KeyError, TypeError, ValueError):
        return notification.text


def email_render(*, user: Any, kind: str, text: str, url: str) -> tuple[str, str]:
    """(subject, body) of the e-mail copy, rendered in the active language (call it inside
    :func:`recipient_context`)."""
    found = kind_get(kind)
    label = str(found.label) if found else ""
    prefix = "[Shisaku] "
    subject = prefix + subject_shorten(text, EMAIL_SUBJECT_LIMIT - len(prefix))
    body = render_plain_text("notifications/email.txt", {
        "user": user, "text": text, "label": label, "link": absolute_url(url),
        "settings_link": absolute_url(reverse("notifications:settings")),
        "zone": timezone.get_current_timezone_name(),
    })
    return subject, body


def notification_send(*, users: Iterable[User], kind: str, params: Mapping[str, Any],
                      url: str = "", exclude: Any = None) -> list[Notification]:
    """One notification per user of ``users`` (unless the user muted ``kind`` or is
    ``exclude``), with its text rendered in that user's language and time zone, and an
    e-mail copy sent after the transaction commits. ``kind`` must be registered."""
    found = kind_get(kind)
    if found is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = [u for u in dict.fromkeys(users) if exclude is None or u.pk != exclude.pk]
    muted = set(NotificationMute.objects.filter(user__in=recipients, kind=kind)
                .values_list("user_id", flat=True))
    stored = dict(params)
    created = []
    for user in recipients:
        if user.pk in muted:
            continue
        with recipient_context(user):
            body = str(found.text(stored))
            if user.email:
                subject, message = email_render(user=user, kind=kind, text=body, url=url)
                transaction.on_commit(_mailer(user.email, subject, message))
        created.append(Notification(user=user, kind=kind, params=stored,
                                    text=subject_shorten(body, 300), url=url))
    return Notification.objects.bulk_create(created)


def _mailer(address: str, subject: str, message: str) -> Callable[[], None]:
    def send() -> None:
        send_mail(subject=subject, message=message, from_email=None,
                  recipient_list=[address], fail_silently=True)
    return send


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None,
                            url: str | None = None, now: dt.datetime | None = None) -> int:
    """Mark ``user``'s unread notifications read: all of them, those with ``ids``, or those
    that link to ``url``. Returns how many changed."""
    if not getattr(user, "is_authenticated", False):
        return 0
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if url is not None:
        rows = rows.filter(url=url)
    # a read first: most page views match nothing, and an UPDATE would take SQLite's write lock
    if not rows.exists():
        return 0
    return rows.update(read_at=now or timezone.now())


def notifications_mute(*, user: Any, kinds: Iterable[str]) -> list[str]:
    """Replace ``user``'s muted kinds (unknown codes are refused with ValueError)."""
    wanted = list(dict.fromkeys(kinds))
    unknown = [k for k in wanted if kind_get(k) is None]
    if unknown:
        raise ValueError(f"unknown notification kind {unknown[0]!r}")
    with transaction.atomic():
        NotificationMute.objects.filter(user=user).delete()
        NotificationMute.objects.bulk_create(NotificationMute(user=user, kind=k) for k in wanted)
    return wanted


def preferences_update(*, user: Any, language: str, time_zone: str,
                       muted: Iterable[str]) -> None:
    """Save the user's language and time zone ("" = the platform default) and muted kinds."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language not in codes:
        raise ValueError(f"unknown language {language!r}")
    if time_zone:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {time_zone!r}") from None
    with transaction.atomic():
        user.preferred_language, user.time_zone = language, time_zone
        user.save(update_fields=["preferred_language", "time_zone"])
        notifications_mute(user=user, kinds=muted)
