"""Rate limits for the pages a signed link opens (sign-up confirmation, team and claim
invitations, e-mail verification): guessing or replaying links from one address is slowed
down. Counted per client address in the cache (Redis in a deployment, shared by all
processes); over the limit a page answers 429."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WINDOW_SECONDS = 600


def link_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most SHISAKU_LINK_RATE_LIMIT link pages per client address per ten minutes."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        key = f"shisaku:link-rate:{address}"
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
        if count > settings.SHISAKU_LINK_RATE_LIMIT:
            return render(request, "accounts/link_rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
