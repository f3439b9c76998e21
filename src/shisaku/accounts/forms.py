"""Sign-up (a person and the organisation they act for), log-in, and team forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.accounts.choices import SELF_SIGNUP_KINDS, MembershipRole, OrganisationKind
from shisaku.accounts.models import User
from shisaku.core.forms import Form, NFCInputMixin

# The widest username axes stores (its AccessAttempt.username column).
_AXES_USERNAME_MAX = 255


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username axes records: cut to its column's width, so that an overlong one at log-in
    answers the form's own error instead of a database error."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value)[:_AXES_USERNAME_MAX]


class LoginForm(NFCInputMixin, AuthenticationForm):
    """Django's log-in form; an overlong username is a field error (it could not exist)."""

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if len(username) > User._meta.get_field("username").max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"],
                                        code="invalid_login",
                                        params={"username": self.username_field.verbose_name})
        return super().clean()


class SignupForm(NFCInputMixin, UserCreationForm):
    email = forms.EmailField(label=_("E-mail"))
    organisation_kind = forms.ChoiceField(
        label=_("I join as"), widget=forms.RadioSelect,
        choices=[(k.value, k.label) for k in SELF_SIGNUP_KINDS])
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)  # not "email": its uniqueness is never told on this form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c, labels["en"]) for c, labels in
                                          taxonomy.COUNTRIES.items()]

    def clean_email(self) -> str:
        # Whether the address is registered is never told here (accounts.services.user_signup
        # mails that address instead).
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_organisation_kind(self) -> str:
        kind = self.cleaned_data["organisation_kind"]
        if kind == OrganisationKind.COORDINATOR:
            raise forms.ValidationError(_("Coordinator accounts are created by invitation."))
        return str(kind)


class InvitedSignupForm(NFCInputMixin, UserCreationForm):
    """A new person joining through a team invitation: the invited address is their e-mail."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)


class TeamInviteForm(Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices,
                             initial=MembershipRole.MEMBER)
