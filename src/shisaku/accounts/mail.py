"""Platform e-mail: rendered in the recipient's language, with absolute links, through Django's
mail backends (SMTP in a deployment, the console by default, locmem in tests)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from shisaku.core.text import render_plain_text

# The language of a firm nobody has logged in for yet: that of its country.
_COUNTRY_LANGUAGE = {"KR": "ko", "JP": "ja"}


def absolute_url(path: str) -> str:
    """``path`` on the deployment's public address (settings.SHISAKU_BASE_URL)."""
    return settings.SHISAKU_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def language_for(*, user: Any = None, country: str = "") -> str:
    """The recipient's preferred language, else their country's, else the site default."""
    codes = {code for code, _label in settings.LANGUAGES}
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    if preferred in codes:
        return str(preferred)
    return _COUNTRY_LANGUAGE.get(country, settings.LANGUAGE_CODE)


def mail_send(*, to: str, template: str, context: dict[str, Any], language: str) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` in ``language`` and send them.

    Raises what the mail backend raises (callers that must record a failure catch it).
    """
    with translation.override(language):
        subject = " ".join(render_plain_text(f"{template}_subject.txt", context).split())
        body = render_plain_text(f"{template}.txt", context)
    send_mail(subject, body, None, [to], fail_silently=False)
