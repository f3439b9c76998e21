"""What a directory text search matches, in one place (the index and the SQL reference both use it).

A firm matches a query when **every token of the query is a substring of the firm's search
text**, where both sides are *folded* first:

1. Unicode NFKC (composes NFD input such as decomposed Hangul jamo or kana with a separate
   voiced mark; maps full-width Latin and half-width katakana to their usual forms), then
   case folding (``str.casefold``: ``Precision`` = ``PRECISION`` = ``precision``), then NFKC
   again (case folding can leave a string that is not in NFKC); white space before a
   combining mark is removed and the text composed again (NFKC makes a spacing voiced mark,
   ``カ゛``, a space and a combining mark: so ``カ゛ラス`` = ``ガラス``);
2. the search text is the firm's name, local name, city, equipment and every description
   (one per language), each folded with **all white space removed**, the fields joined by one
   space; query tokens are the folded query split at white space.

So ``사출성형`` finds ``사출 성형`` (spaces are ignored inside a field), ``사출 성형`` finds
``사출성형`` (two tokens, both present), and a token never spans two fields. A query is at most
:data:`MAX_QUERY_CHARS` characters and may hold no control characters (tab, line feed and
carriage return count as spaces): :func:`check_query` says why one is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["MAX_QUERY_CHARS", "QUERY_PROBLEMS", "check_query", "fold", "query_tokens", "search_text"]

MAX_QUERY_CHARS = 100
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


# White space before a combining mark. NFKC turns a *spacing* mark into a space and the
# combining mark (the kana voiced marks ゛ ゜, U+309B/C; Latin-1's ´ ¨ ¸ ¯; …), after which
# nothing composes across the space: the space goes and the text is composed again, so that
# カ゛ラス folds to ガラス. (Plain ASCII white space: NFKC maps every other space to U+0020,
# and the field separator of :func:`search_text` must stay.)
_SPACED_MARK = re.compile(
    "[ \t\n\r\f\v]+(?=[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
    "\u3099\u309a\ufe20-\ufe2f])")


def fold(text: str) -> str:
    """NFKC, case-folded, NFKC again (see the module docstring); white space before a
    combining mark removed and the text composed again."""
    folded = _nfkc(_nfkc(text).casefold())
    if _SPACED_MARK.search(folded):
        folded = _nfkc(_SPACED_MARK.sub("", folded))
    return folded


_SEP = "\x1f"  # never composed with its neighbours nor changed by folding


def search_text(fields: Iterable[str]) -> str:
    """The folded search text of a firm's text fields (empty fields left out).

    One fold of all fields joined by a control character (normalisation never composes
    across it) equals folding each field apart; then white space goes and fields are joined
    by one space."""
    folded = fold(_SEP.join(f.replace(_SEP, " ") for f in fields if f))
    return " ".join(c for c in ("".join(f.split()) for f in folded.split(_SEP)) if c)


def record_text_fields(record: Mapping[str, Any]) -> list[str]:
    """The text fields of a manufacturer record that search looks in, in a fixed order."""
    fields = [str(record.get(key) or "") for key in ("name", "name_local", "city", "equipment")]
    description = record.get("description") or {}
    if isinstance(description, Mapping):
        fields.extend(str(description[lang]) for lang in sorted(description)
                      if description[lang])
    return fields


QUERY_PROBLEMS = {
    "too_long": f"at most {MAX_QUERY_CHARS} characters",
    "null_character": "null characters are not allowed",
    "control_character": "control characters are not allowed",
}


def check_query(query: str) -> str | None:
    """Why a query is refused — a code of :data:`QUERY_PROBLEMS` (the application translates
    it) — or None when it is acceptable."""
    if len(query) > MAX_QUERY_CHARS:
        return "too_long"
    for ch in query:
        if ch == "\x00":
            return "null_character"
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc":
            return "control_character"
    return None


def query_tokens(query: str) -> list[str]:
    """The folded tokens of a query, each once, in order (no tokens: no text condition)."""
    return list(dict.fromkeys(fold(query).split()))
