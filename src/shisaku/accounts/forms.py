"""Sign-up: a person and the organisation they act for, in one step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.accounts.choices import OrganisationKind
from shisaku.accounts.models import User
from shisaku.core.forms import NFCInputMixin


class SignupForm(NFCInputMixin, UserCreationForm):
    email = forms.EmailField(label=_("E-mail"))
    organisation_kind = forms.ChoiceField(label=_("I join as"),
                                          choices=OrganisationKind.choices,
                                          widget=forms.RadioSelect)
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language() or "en"  # the reader's language, not English
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            (c, taxonomy.label("country", c, lang)) for c in taxonomy.COUNTRIES]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail exists; log in or reset "
                                          "the password."))
        return email
