"""Submit an HTML form as a browser would: what the page shows is what gets posted.

A ``<select>`` without a selected option posts its first option (that is how an untouched
extra row of a formset arrives), unchecked boxes post nothing, ``disabled`` controls are left
out. Enough of the HTML rules for our server-rendered forms; no JavaScript.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormParser(HTMLParser):
    def __init__(self, form_index: int) -> None:
        super().__init__(convert_charrefs=True)
        self.form_index = form_index
        self.forms_seen = -1
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            self.forms_seen += 1
            self.inside = self.forms_seen == self.form_index
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs,
                            "text": ""}
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._select is not None and self._option is not None:
            value = self._option["value"]
            self._select["options"].append(
                (self._option["text"].strip() if value is None else value,
                 self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [v for v, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            if not self._select["multiple"]:
                chosen = chosen[-1:]
            self.data.extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self.data.append((self._textarea["name"], text[1:] if text.startswith("\n")
                              else text))
            self._textarea = None


def form_data(html: str, form_index: int = 0) -> dict[str, list[str]]:
    """The fields the ``form_index``-th ``<form>`` of ``html`` would post, as name -> values."""
    parser = _FormParser(form_index)
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.data:
        out.setdefault(name, []).append(value)
    return out


def form_index_of(html: str, marker: str) -> int:
    """The index of the first ``<form`` whose opening tag contains ``marker``."""
    position = 0
    index = 0
    while True:
        start = html.find("<form", position)
        if start < 0:
            raise LookupError(marker)
        end = html.find(">", start)
        if marker in html[start:end]:
            return index
        index += 1
        position = end
