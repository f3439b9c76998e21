"""Plain-text rendering (e-mail bodies, digests) that can never pass as safe HTML.

A ``.txt`` template is rendered with autoescaping off so that a title like ``R&D`` reads right
in a mail; ``render_to_string`` then returns a string marked safe, and if that text is ever shown in
a page it goes out unescaped (the stored XSS of the weekly digest). Everything rendered here is
returned as an ordinary ``str``: a page that shows it escapes it like any other value.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

__all__ = ["render_plain_text"]


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """The rendered ``.txt`` template as a plain, unsafe ``str`` (escaped wherever shown)."""
    if not template_name.endswith(".txt"):
        raise ValueError(f"{template_name}: plain-text templates end in .txt")
    rendered = render_to_string(template_name, context)
    # An exact str copy: a safe string's __str__ would hand back the marked string itself.
    return str.__str__(rendered)
