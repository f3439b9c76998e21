"""The import report's reasons in the reader's language.

The checks (``sampledata.validate_record`` is pure Python, the importer is shared with the
command line) write their reasons in English; the pages translate the common ones here by
pattern, with the values kept, and show any other reason as written.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

_PATTERNS: list[tuple[re.Pattern[str], Any]] = [(re.compile(p), m) for p, m in [
    (r"^(?:is )?required$", _("required")),
    (r"^unknown (?P<kind>[a-z_]+) code(?:\(s\))?: (?P<codes>.*)$",
     _("unknown %(kind)s code(s): %(codes)s")),
    (r"^(?P<n>\d+) characters; at most (?P<max>\d+)$",
     _("%(n)s characters; at most %(max)s")),
    (r"^(?P<value>-?\d+) is outside the column's range (?P<lo>-?\d+) to (?P<hi>-?\d+)$",
     _("%(value)s is outside the allowed range %(lo)s to %(hi)s")),
    (r"^(?P<value>.*) is not an e-mail address$", _("%(value)s is not an e-mail address")),
    (r"^(?P<value>.*) is not a web address$", _("%(value)s is not a web address")),
    (r"^contains a NUL byte$", _("contains a NUL byte")),
    (r"^contains a broken character \(lone surrogate\)$",
     _("contains a broken character (lone surrogate)")),
    (r"^contains control characters$", _("contains control characters")),
    (r"^(?P<value>.*) is not a whole number$", _("%(value)s is not a whole number")),
    (r"^(?P<value>.*) is not a number$", _("%(value)s is not a number")),
    (r"^(?P<value>.*) is not true or false$", _("%(value)s is not true or false")),
    (r"^duplicate of line (?P<line>\d+)$", _("repeats line %(line)s")),
    (r"^min_lot (?P<lo>\d+) > max_lot (?P<hi>\d+)$",
     _("minimum lot %(lo)s is larger than the maximum lot %(hi)s")),
    (r"^region (?P<region>\S+) is not in country (?P<country>\S+)$",
     _("region %(region)s is not in country %(country)s")),
    (r"^must be >= (?P<lo>\S+)$", _("must be at least %(lo)s")),
    (r"^must be <= (?P<hi>\S+)$", _("must be at most %(hi)s")),
    (r"^a capability row needs a process$", _("a capability row needs a process")),
    (r"^probable duplicate of a firm with the same name and region",
     _("probably a firm that exists already (same name and region): choose update or create")),
    (r"^no manufacturer with id (?P<id>\d+)$", _("no manufacturer with id %(id)s")),
    (r"^(?P<value>.*): wrong number of digits$", _("%(value)s: wrong number of digits")),
    (r"^(?P<value>.*): the check digit is wrong$", _("%(value)s: the check digit is wrong")),
    (r"^(?P<value>.*): wrong format$", _("%(value)s: wrong format")),
    (r"^(?P<value>.*) is not three sizes like 600x400x300$",
     _("%(value)s is not three sizes like 600x400x300")),
]]


def translate_reason(reason: str) -> str:
    """``reason`` in the active language when it is a known kind; as written otherwise."""
    for pattern, message in _PATTERNS:
        found = pattern.match(reason)
        if found:
            return str(message) % found.groupdict()
    return reason
