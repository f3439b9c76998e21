"""Per request: the signed-in user's time zone for every page, and notifications that link
to the page being opened marked read (so an e-mail link or a click reads them)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from shisaku.notifications.services import notifications_mark_read, user_timezone


class UserPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.method == "GET" and not request.path.startswith(("/static/", "/api/")):
            notifications_mark_read(user=user, url=request.path)
        with timezone.override(user_timezone(user)):
            return self.get_response(request)
