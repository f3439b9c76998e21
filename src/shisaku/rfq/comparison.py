"""Quotes side by side (pure: no database): currency conversion from a rates table, the unit
price that applies to a quantity, and totals.

Money is ``Decimal``. Rates are "units of USD per one unit of the currency" (USD = 1).

Tiers are quantities of PRODUCTS (the RFQ asks for 10, 300, 30 000 products); a quote line is
the price of one PIECE of a part at a tier, and a product needs ``quantity_per_unit`` pieces.
So the price break that applies to an order of ``quantity`` products is the largest quoted tier
not above ``quantity`` (products compared with product tiers, never the piece count), and the
part costs that unit price x ``quantity`` x pieces per product. Below the smallest quoted tier,
the smallest tier's price applies. Example: breaks at 10 and 100 products, 4 pieces per
product, 30 products at 5.00 per piece at the 10 tier: 5.00 x 30 x 4 = 600.00.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["QuoteRow", "RowResult", "compare", "convert", "tier_for"]

CENT = Decimal("0.01")


def convert(amount: Decimal, source: str, target: str,
            rates: Mapping[str, Decimal]) -> Decimal | None:
    """``amount`` in ``source`` expressed in ``target``; None when a rate is missing."""
    if source == target:
        return amount
    to_usd = Decimal(1) if source == "USD" else rates.get(source)
    from_usd = Decimal(1) if target == "USD" else rates.get(target)
    if not to_usd or not from_usd:
        return None
    return amount * to_usd / from_usd


def tier_for(quantity: int, tiers: Sequence[int]) -> int | None:
    """The tier whose price applies to ``quantity`` (see the module note); None without tiers."""
    ordered = sorted(tiers)
    if not ordered:
        return None
    chosen = ordered[0]
    for tier in ordered:
        if tier <= quantity:
            chosen = tier
    return chosen


@dataclass
class QuoteRow:
    """One quote: ``prices[(part_id, tier)] = unit price`` in ``currency``."""

    key: int
    currency: str
    prices: Mapping[tuple[int, int], Decimal]
    tooling: Decimal = Decimal(0)
    # this quote's own rates (those of its date); None: the ``rates`` given to compare()
    rates: Mapping[str, Decimal] | None = None


@dataclass
class RowResult:
    key: int
    # (part_id, tier) -> unit price in the display currency (None: not quoted or no rate)
    unit: dict[tuple[int, int], Decimal | None] = field(default_factory=dict)
    tooling: Decimal | None = None
    total: Decimal | None = None       # for the chosen quantity, tooling included
    complete: bool = True              # every part priced for the chosen quantity
    rate_missing: bool = False


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def compare(rows: Sequence[QuoteRow], *, parts: Mapping[int, int], tiers: Sequence[int],
            quantity: int, currency: str, rates: Mapping[str, Decimal]) -> list[RowResult]:
    """Convert each quote to ``currency`` and total it for ``quantity`` products.

    ``parts`` maps part id -> pieces per product. The total is the sum over parts of
    unit price (at the tier that applies to ``quantity`` products) x pieces, plus tooling; it
    is None when a part has no price at the applicable tier or a rate is missing.
    """
    out = []
    for row in rows:
        res = RowResult(row.key)
        row_rates = rates if row.rates is None else row.rates
        tooling = convert(row.tooling, row.currency, currency, row_rates)
        res.rate_missing = tooling is None
        res.tooling = _money(tooling)
        for part_id in parts:
            for tier in tiers:
                price = row.prices.get((part_id, tier))
                res.unit[(part_id, tier)] = _money(
                    None if price is None else convert(price, row.currency, currency,
                                                       row_rates))
        total = tooling
        for part_id, per_unit in parts.items():
            pieces = quantity * per_unit
            quoted = [t for t in tiers if (part_id, t) in row.prices]
            tier = tier_for(quantity, quoted)  # tiers count products, not pieces
            price = None if tier is None else row.prices[(part_id, tier)]
            converted = None if price is None else convert(price, row.currency, currency,
                                                           row_rates)
            if converted is None:
                if price is None:
                    res.complete = False
                else:
                    res.rate_missing = True
                total = None
                continue
            if total is not None:
                total += converted * pieces
        res.total = _money(total)
        out.append(res)
    return out
