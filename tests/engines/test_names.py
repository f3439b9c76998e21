"""Company-name keys: the same firm written two ways gets one key (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shisaku.engines.names import CJK_LEGAL_FORMS, LATIN_LEGAL_WORDS, name_key


@pytest.mark.parametrize(("a", "b"), [
    ("㈜ 대한정밀", "대한정밀 주식회사"),
    ("(주)대한 정밀", "대한정밀"),
    ("주식회사 대한정밀", "대한정밀(주)"),
    ("株式会社 山田製作所", "山田製作所"),
    ("㈱山田製作所", "山田製作所 (株)"),
    ("有限会社 京都試作", "京都試作"),
    ("Yamada Seisakusho Co., Ltd.", "YAMADA SEISAKUSHO"),
    ("ＹＡＭＡＤＡ　ＳＥＩＳＡＫＵＳＨＯ", "yamada seisakusho"),
    ("Daehan Precision Inc.", "DaehanPrecision"),
    ("Huaxin Hardware Corp.", "huaxin-hardware"),
    ("深圳华信五金有限公司", "深圳华信五金"),
    ("华信五金股份有限公司", "华信五金"),
    ("Müller GmbH", "MÜLLER"),
])
def test_same_firm_same_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [
    ("SPCOL 한빛정밀", "SPCOL 대한금형"),   # differ only in Hangul (issue #11)
    ("Daehan Precision", "Daehan Plastics"),
    ("山田製作所", "山口製作所"),
])
def test_different_firms_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_nothing_but_legal_forms_is_empty() -> None:
    assert name_key("주식회사") == "" and name_key("Co., Ltd.") == "" and name_key("  ") == ""


_FORBIDDEN = set("".join(CJK_LEGAL_FORMS)) | set("()㈜㈱")
_word = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x61, max_codepoint=0x7A),      # a-z
    st.characters(min_codepoint=0xAC00, max_codepoint=0xAC40),  # Hangul syllables
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),  # CJK ideographs
).filter(lambda c: c not in _FORBIDDEN), min_size=1, max_size=8).filter(
    lambda w: w.casefold() not in LATIN_LEGAL_WORDS)
_words = st.lists(_word, min_size=1, max_size=4)
_space = st.sampled_from([" ", "  ", "\u3000", "\t", " - ", ", "])
_legal = st.sampled_from(["주식회사", "(주)", "㈜", "株式会社", "(株)", "㈱", "有限会社",
                          "有限公司", "股份有限公司", "Co., Ltd.", "Inc.", "Corp.", "GmbH",
                          "CO LTD", "Limited"])


@given(st.text(max_size=40))
def test_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(_words, _space, _space)
def test_invariant_to_spacing_between_words(words: list[str], sep1: str, sep2: str) -> None:
    assert name_key(sep1.join(words)) == name_key(sep2.join(words))


@given(_words)
def test_invariant_to_case(words: list[str]) -> None:
    name = " ".join(words)
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(name.title())


@given(_words, _legal, st.booleans())
def test_invariant_to_legal_form(words: list[str], legal: str, before: bool) -> None:
    name = " ".join(words)
    decorated = f"{legal} {name}" if before else f"{name} {legal}"
    assert name_key(decorated) == name_key(name)
