"""Codes of the insights page: periods, figure groups, the suppression rule and the bins.

Pure: no database. Labels are translated where they are shown (``figures.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# No number is shown or exported when fewer than this many firms (projects, for project
# figures) stand behind it; the cell holds SUPPRESSED instead.
MIN_GROUP = 5
SUPPRESSED = "<5"

# Period filter: code -> days back from the build time (None: everything).
PERIODS: dict[str, int | None] = {"all": None, "365d": 365, "90d": 90}
PERIOD_LABELS = {"all": _("All time"), "365d": _("Last 12 months"), "90d": _("Last 90 days")}

# A project without a stage change or an RFQ for this many days has gone quiet.
QUIET_DAYS = 90

# Quote-time distribution, hours: [0, 4), [4, 24), [24, 72), [72, 168), [168, inf).
QUOTE_BINS_H: tuple[float, ...] = (4.0, 24.0, 72.0, 168.0)
QUOTE_BIN_LABELS = (_("under 4 h"), _("4–24 h"), _("1–3 days"), _("3–7 days"),
                    _("over 7 days"))

# Quantity bands of the estimate-versus-quotes figure (pieces of the part).
QTY_BANDS: tuple[int, ...] = (100, 1000, 10000)
QTY_BAND_CODES = ("1-99", "100-999", "1000-9999", "10000+")

# Sizes of formed joint orders (firms that accepted).
JOINT_SIZES = ("2", "3", "4", "5+")

GROUPS = ("supply", "response", "funnel", "stall", "collab", "estimate", "delivery")

# Stages from which a move back to an earlier stage counts as "redesigned for production".
PRODUCTION_STAGES = ("dfm", "small_lot", "mass_production")
