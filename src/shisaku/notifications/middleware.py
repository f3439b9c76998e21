"""Per request, for a signed-in user: their time zone for every page; their preferred
language when the browser has made no choice of its own, and the language they pick in the
header remembered as their preference when they have none (so their e-mails follow it);
notifications that link to the page being opened marked read (an e-mail link or a click
reads them)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from shisaku.notifications.services import notifications_mark_read, user_timezone


class UserPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        codes = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in codes and not user.preferred_language:
            user.preferred_language = chosen
            user.save(update_fields=["preferred_language"])
        elif chosen not in codes and user.preferred_language in codes:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        if request.method == "GET" and not request.path.startswith(("/static/", "/api/")):
            notifications_mark_read(user=user, url=request.path)
        with timezone.override(user_timezone(user)):
            return self.get_response(request)
