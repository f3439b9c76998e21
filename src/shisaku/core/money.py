"""Money and numbers for people: Babel (CLDR) formats each amount with its currency's minor
units (KRW and JPY have none) in the reader's locale. One place, used by every page and
e-mail; exports keep raw numbers.

Totals are rounded to the currency's minor units. A unit price is too, unless it is below 100
minor units, where rounding would move it by a percent or more: then it keeps up to four
significant decimals (a 0.045 USD screw, a ₩45.5 washer), never fewer than the minor units.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from django.utils.translation import get_language

__all__ = ["UNIT_PRICE_DIGITS", "decimal_plain", "locale_of", "minor_digits", "money_format", "money_round",
           "number_format", "percent_format"]

UNIT_PRICE_DIGITS = 4
_LOCALES = {"ko": "ko_KR", "ja": "ja_JP", "en": "en_US"}


def locale_of(lang: str | None = None) -> str:
    """The Babel locale of a Django language code (the active one by default)."""
    code = (lang or get_language() or "en").lower()
    return _LOCALES.get(code.split("-")[0], "en_US")


def minor_digits(currency: str) -> int:
    """Decimal places of ``currency`` (ISO 4217 / CLDR): KRW 0, JPY 0, USD 2 …"""
    return int(get_currency_precision(currency.upper()))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money_round(amount: Any, currency: str) -> Decimal:
    """``amount`` rounded half-up to ``currency``'s minor units."""
    number = _decimal(amount)
    if number is None:
        raise ValueError(f"not an amount: {amount!r}")
    return number.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)


def money_format(amount: Any, currency: str, *, lang: str | None = None,
                 unit: bool = False) -> str:
    """``amount`` of ``currency`` for the reader: "₩4,500", "￥18,000,000", "US$1,234.50".
    ``unit=True``: a small unit price keeps up to four decimals (see above). "" for none."""
    number = _decimal(amount)
    if number is None or not currency:
        return ""
    minor = minor_digits(currency)
    if unit and abs(number) * 10 ** minor < 100:
        number = number.quantize(Decimal(1).scaleb(-UNIT_PRICE_DIGITS), rounding=ROUND_HALF_UP)
        # drop zeros beyond the minor units, keep the significant sub-unit digits
        exponent = min(-minor, number.normalize().as_tuple().exponent)  # type: ignore[operator]
        number = number.quantize(Decimal(1).scaleb(exponent))
        return format_currency(number, currency, locale=locale_of(lang),
                               decimal_quantization=False)
    return format_currency(money_round(number, currency), currency, locale=locale_of(lang))


def number_format(value: Any, *, lang: str | None = None, digits: int | None = None) -> str:
    """A quantity or measure with the locale's grouping: 30,000 / 12.5. ``digits`` fixes the
    decimals (rounded half-up); by default the value's own, trailing zeros dropped."""
    number = _decimal(value)
    if number is None:
        return ""
    if digits is not None:
        number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(number, format=fmt, locale=locale_of(lang))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return format_decimal(number, locale=locale_of(lang), decimal_quantization=False)


def percent_format(value: Any, *, lang: str | None = None, digits: int = 0) -> str:
    """``value`` given in percent (12.5 → "12.5%" / "13%") in the locale's style."""
    number = _decimal(value)
    if number is None:
        return ""
    fmt = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return format_percent(number / 100, format=fmt, locale=locale_of(lang))


def decimal_plain(value: Any) -> str:
    """A number for a form field: dot decimal, no grouping, no trailing zeros
    (Decimal("4500.0000") -> "4500", Decimal("0.0450") -> "0.045"); "" for none."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")
