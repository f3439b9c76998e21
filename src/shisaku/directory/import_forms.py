"""Forms of the coordinator's pool import: the upload, and the confirmation of a checked batch."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from shisaku.core.forms import Form
from shisaku.directory.choices import DuplicatePolicy
from shisaku.directory.import_files import ENCODINGS

FORMATS = ("csv", "xlsx", "json")


def upload_limit_mb() -> int:
    return int(getattr(settings, "SHISAKU_IMPORT_UPLOAD_MB", 20))


class ImportUploadForm(Form):
    file = forms.FileField(label=_("Pool file (CSV, XLSX or JSON)"))
    source = forms.CharField(
        label=_("Source"), max_length=200,
        help_text=_("Where the data comes from, e.g. \"Gyeongbuk TP companion firms, "
                    "2026-11\". Shown as attribution on the batch and on the firms."))
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"), required=False,
        choices=[("", _("Detect (UTF-8, CP949 or Shift_JIS)")), *[(e, e) for e in ENCODINGS]])
    duplicates = forms.ChoiceField(label=_("Probable duplicates"),
                                   choices=DuplicatePolicy.choices,
                                   initial=DuplicatePolicy.REFUSE)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = upload_limit_mb()
        if upload.size is not None and upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit})
        suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
        if suffix not in FORMATS:
            raise forms.ValidationError(_("Give a .csv, .xlsx or .json file."))
        return upload

    @property
    def file_format(self) -> str:
        return PurePath(self.cleaned_data["file"].name or "").suffix.lower().lstrip(".")


class ImportConfirmForm(Form):
    duplicates = forms.ChoiceField(label=_("Probable duplicates"),
                                   choices=DuplicatePolicy.choices,
                                   widget=forms.RadioSelect)
