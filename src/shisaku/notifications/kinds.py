"""The registry of notification kinds.

Apps above this one register their kinds in ``AppConfig.ready()``: a code, a label (lazy, for
the mute settings and the list) and ``text(params)``, called inside the recipient's language
and time zone, which turns the stored parameters into a sentence. Parameters are JSON values;
helpers here format the ones that need the reader's locale (deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["Kind", "deadline_text", "kind_get", "kind_label", "kind_register", "kinds_all"]

Text = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    text: Text


_KINDS: dict[str, Kind] = {}


def kind_register(*, code: str, label: str | Promise, text: Text) -> Kind:
    """Add (or replace: ``ready()`` may run twice in tests) a kind."""
    kind = Kind(code, label, text)
    _KINDS[code] = kind
    return kind


def kind_get(code: str) -> Kind | None:
    return _KINDS.get(code)


def kind_label(code: str) -> str | Promise:
    """The kind's label; a generic one for a kind no longer registered (never the code)."""
    found = _KINDS.get(code)
    return found.label if found else _("Notification")


def kinds_all() -> list[Kind]:
    return list(_KINDS.values())


def deadline_text(value: str | dt.datetime | None) -> str:
    """A moment as the pages show it (``Y-m-d H:i``) in the active time zone, with the zone's
    name, so an e-mail and the page it links to say the same thing."""
    if value is None or value == "":
        return ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
