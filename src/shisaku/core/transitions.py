"""Status transition tables: ``{state: frozenset(states it may become)}``, one per entity.

Each app declares its tables in ``choices.py``; this is the one place that reads them.
"""

from __future__ import annotations

from collections.abc import Mapping


def transition_allowed(table: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    """Whether ``current -> target`` is in ``table`` (an unknown state allows nothing)."""
    return target in table.get(current, frozenset())
