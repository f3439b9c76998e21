"""Errors shared by engines, services, the API and the CLI (pure; no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class InputError(ValueError):
    """Input that a user can fix: names the field and the reason.

    The API answers it with 422 and the CLI with exit code 2. ``reason`` is a sentence; an
    engine's refusal also carries ``code`` (a key of ``shisaku.engines.messages.REFUSALS``)
    and ``params`` (the numbers and names in the sentence) so that the apps can say it in the
    reader's language. ``as_dict()`` gives ``{"field", "reason"}`` plus ``valid``, ``code``
    and ``params`` when they are set.
    """

    def __init__(self, field: str, reason: str, *, valid: list[str] | None = None,
                 code: str = "", params: Mapping[str, Any] | None = None) -> None:
        self.field = field
        self.reason = reason
        self.valid = valid or []
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(f"{field}: {reason}" if field else reason)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its keywords (the worker's child process sends it back whole)."""
        return (_rebuild, (self.field, self.reason, self.valid, self.code, self.params))

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "reason": self.reason}
        if self.valid:
            out["valid"] = self.valid
        if self.code:
            out["code"] = self.code
            out["params"] = self.params
        return out


def _rebuild(field: str, reason: str, valid: list[str], code: str,
             params: dict[str, Any]) -> InputError:
    return InputError(field, reason, valid=valid or None, code=code, params=params)
