"""ORM ↔ engine: the platform's dated currency rates (the RFQ app's rates table) in the shape
the costing engine takes ({currency: (USD per unit, as_of, source)})."""

from __future__ import annotations

from shisaku.rfq.selectors import rates_latest

RATES_TABLE = "Shisaku currency rates table"  # the source the pages name in words


def currency_rates() -> dict[str, tuple[float, str, str]]:
    """The newest rate of each currency in the rates table; the engine falls back to the ECB
    rates shipped in its parameter file for a currency the table does not have."""
    return {cur: (float(rate), as_of.isoformat(), RATES_TABLE)
            for cur, (rate, as_of) in rates_latest().items()}
