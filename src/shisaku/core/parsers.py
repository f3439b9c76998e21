"""The API's request parser: JSON bodies, query strings and form fields reach schemas in NFC."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from shisaku.core.text import nfc_deep

__all__ = ["NFCParser"]


class NFCParser(Parser):
    """ninja's JSON parser, with every string of the input in Unicode NFC."""

    def parse_body(self, request: HttpRequest) -> Any:
        return nfc_deep(super().parse_body(request))

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        return nfc_deep(super().parse_querydict(data, list_fields, request))  # type: ignore[no-any-return]
