"""The recipient's settings: language and time zone of notifications and e-mails (and of the
pages' dates), and the kinds not to be told about."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import Form
from shisaku.notifications.kinds import kinds_all

# Zones people in the platform's countries pick first; any IANA zone name is accepted.
COMMON_ZONES = ("Asia/Seoul", "Asia/Tokyo", "Asia/Shanghai", "Asia/Taipei",
                "Asia/Ho_Chi_Minh", "Asia/Singapore", "Europe/Berlin", "Europe/London",
                "America/New_York", "America/Los_Angeles", "UTC")


def _zone_choices() -> list[tuple[str, str]]:
    rest = sorted(z for z in zoneinfo.available_timezones() if z not in COMMON_ZONES
                  and "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))
    return [("", _("Platform default (%(zone)s)") % {"zone": settings.TIME_ZONE}),
            *[(z, z) for z in COMMON_ZONES], *[(z, z) for z in rest]]


class PreferencesForm(Form):
    preferred_language = forms.ChoiceField(label=_("Language of notifications and e-mails"),
                                           required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)
    muted = forms.MultipleChoiceField(label=_("Do not notify me about"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # choices built per request, so their labels follow the reader's language
        self.fields["preferred_language"].choices = [  # type: ignore[attr-defined]
            ("", _("Platform default")), *[(c, _(n)) for c, n in settings.LANGUAGES]]
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]
        self.fields["muted"].choices = [  # type: ignore[attr-defined]
            (k.code, k.label) for k in kinds_all()]
