"""Errors shared by engines, services, the API and the CLI (pure; no Django)."""

from __future__ import annotations


class InputError(ValueError):
    """Input that a user can fix: names the field and the reason.

    The API answers it with 422 and the CLI with exit code 2.
    """

    def __init__(self, field: str, reason: str, *, valid: list[str] | None = None) -> None:
        self.field = field
        self.reason = reason
        self.valid = valid or []
        super().__init__(f"{field}: {reason}" if field else reason)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "reason": self.reason}
        if self.valid:
            out["valid"] = self.valid
        return out
