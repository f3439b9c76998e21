"""Company names reduced to a comparison key: the same firm written two ways gets one key.

Unicode NFKC (full-width letters, ㈜ -> (주), ㈱ -> (株)), case folded, legal-form words
dropped (주식회사, (주), 株式会社, (株), 有限公司, 股份有限公司, Co., Ltd., Inc., Corp., GmbH …),
and spacing and punctuation ignored. Pure Python: no Django.

>>> name_key("㈜ 대한정밀") == name_key("대한정밀 주식회사") == name_key("대한 정밀")
True
>>> name_key("Yamada Seisakusho Co., Ltd.") == name_key("YAMADA  SEISAKUSHO")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CJK_LEGAL_FORMS", "LATIN_LEGAL_WORDS", "name_key"]

# Written inside the name without spaces, in any position: removed as substrings, longest first.
CJK_LEGAL_FORMS = tuple(sorted((
    "주식회사", "유한회사", "유한책임회사", "합자회사", "합명회사",
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社",
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "股份公司",
), key=len, reverse=True))

# Abbreviations in parentheses, after NFKC: (주) (유) (株) (有) (合) (사); ㈜ and ㈱ become these.
_PARENTHESISED = re.compile(r"\(\s*(?:주|유|사|株|有|合|資|名)\s*\)")

# Whole words in Latin script (after case folding); a name's own words are kept.
LATIN_LEGAL_WORDS = frozenset({
    "co", "company", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "llc",
    "llp", "plc", "gmbh", "ag", "kg", "sa", "sarl", "bv", "nv", "kk", "pte", "pty", "jsc",
    "tnhh", "jointstock", "công", "ty", "cổ", "phần",
})

_SEPARATORS = re.compile(r"[\W_]+")


def _once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = _PARENTHESISED.sub(" ", text)
    words = [w for w in _SEPARATORS.split(text) if w and w not in LATIN_LEGAL_WORDS]
    joined = "".join(words)
    for form in CJK_LEGAL_FORMS:
        joined = joined.replace(form, "")
    return joined


def name_key(name: str) -> str:
    """The comparison key of a company name ("" when nothing but legal forms remains).

    Applied until nothing changes, so that ``name_key(name_key(x)) == name_key(x)``.
    """
    key = _once(name)
    for _ in range(8):
        again = _once(key)
        if again == key:
            break
        key = again
    return key
