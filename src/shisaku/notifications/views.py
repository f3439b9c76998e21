"""The notifications list (opening it marks what it shows read) and the settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shisaku.notifications import selectors, services
from shisaku.notifications.forms import PreferencesForm
from shisaku.notifications.kinds import kind_label

PAGE = 200


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("notifications:list")
    items = list(selectors.notifications_of(request.user)[:PAGE])
    rows = [{"n": n, "text": services.notification_text(n), "unread": n.read_at is None,
             "label": kind_label(n.kind)} for n in items]
    # what the list shows has now been seen
    services.notifications_mark_read(user=request.user,
                                     ids=[n.pk for n in items if n.read_at is None])
    return render(request, "notifications/list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"preferred_language": user.preferred_language,  # type: ignore[union-attr]
               "time_zone": user.time_zone,  # type: ignore[union-attr]
               "muted": selectors.muted_kinds(user)}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preferences_update(user=user, language=data["preferred_language"],
                                    time_zone=data["time_zone"], muted=data["muted"])
        messages.success(request, _("Settings saved."))
        return redirect("notifications:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)
