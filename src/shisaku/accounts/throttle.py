"""Rate limits for the pages a signed link opens (sign-up confirmation, team and claim
invitations, e-mail verification): guessing or replaying links from one address is slowed
down. Counted per client address in the cache (Redis in a deployment, shared by all
processes); over the limit a page answers 429."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shisaku.core.links import client_hits

WINDOW_SECONDS = 600


def link_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most SHISAKU_LINK_RATE_LIMIT link pages per client address per ten minutes."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = client_hits(request, scope="account-link", window_s=WINDOW_SECONDS)
        if count > settings.SHISAKU_LINK_RATE_LIMIT:
            return render(request, "accounts/link_rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
