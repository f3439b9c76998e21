"""Form bases for every form of the platform: input is normalised to NFC before it is cleaned.

Use ``shisaku.core.forms.Form`` / ``ModelForm`` (or ``NFCInputMixin`` first among the bases of a
form built on another Django form) instead of ``django.forms.Form``; a test walks every form of
the project and fails on one that does not normalise.
"""

from __future__ import annotations

from typing import Any

from django import forms

from shisaku.core.text import nfc_querydict

__all__ = ["Form", "ModelForm", "NFCInputMixin"]


class NFCInputMixin:
    """Bound data in NFC; password fields keep the exact characters typed."""

    nfc_normalised = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # type: ignore[attr-defined]
            skip = {self.add_prefix(name)  # type: ignore[attr-defined]
                    for name, f in self.fields.items()  # type: ignore[attr-defined]
                    if isinstance(f.widget, forms.PasswordInput)}
            self.data = nfc_querydict(self.data, skip=skip)  # type: ignore[has-type]


class Form(NFCInputMixin, forms.Form):
    """django.forms.Form with NFC input."""


class ModelForm(NFCInputMixin, forms.ModelForm):
    """django.forms.ModelForm with NFC input."""
