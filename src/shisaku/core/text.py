"""Text normalisation at the platform's input boundaries (imports, forms, the API).

Everything a user types or uploads is stored in Unicode NFC, so that a name typed in decomposed
Hangul (NFD, as macOS writes file names and some keyboards send) is the same text as the one
typed on Windows, and is found by the same searches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Mapping
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

__all__ = ["nfc", "nfc_deep", "nfc_querydict"]


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (composed): "한" typed as ㅎ+ㅏ+ㄴ becomes one syllable."""
    if text.isascii():  # the common case costs nothing
        return text
    return unicodedata.normalize("NFC", text)


def nfc_deep(value: Any) -> Any:
    """Every string inside ``value`` (dict keys and values, lists, tuples) in NFC."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    if isinstance(value, tuple):
        return tuple(nfc_deep(v) for v in value)
    return value


def nfc_querydict(data: Any, *, skip: Container[str] = ()) -> Any:
    """A copy of form data (QueryDict, MultiValueDict or dict) with every text value in NFC.

    Keys in ``skip`` (password fields) keep the exact characters typed.
    """
    if isinstance(data, MultiValueDict):
        out = QueryDict(mutable=True) if isinstance(data, QueryDict) else MultiValueDict()
        for key, values in data.lists():
            out.setlist(key, values if key in skip else [nfc_deep(v) for v in values])
        if isinstance(out, QueryDict):
            out._mutable = False
        return out
    if isinstance(data, Mapping):
        return {k: (v if k in skip else nfc_deep(v)) for k, v in data.items()}
    return data
