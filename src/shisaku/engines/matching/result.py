"""The answer of a match: counts, timing and the ranked hits, with the JSON of ARCHITECTURE.md."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shisaku.engines.matching.reasons import Reason

__all__ = ["MatchHit", "MatchResult"]


@dataclass(frozen=True, slots=True)
class MatchHit:
    """One eligible manufacturer: its score in [0, 1], distance in km (``None`` without an
    origin), one value in [0, 1] per scoring factor, and the reasons it was matched."""

    id: int
    slug: str
    name: str
    score: float
    distance_km: float | None
    factors: Mapping[str, float]
    reasons: tuple[Reason, ...] = ()

    def render_reasons(self, lang: str = "en",
                       translate: Callable[[str], str] | None = None) -> list[str]:
        return [r.render(lang, translate) for r in self.reasons]

    def to_dict(self, lang: str = "en", translate: Callable[[str], str] | None = None,
                *, reason_codes: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "score": round(self.score, 6),
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "factors": {k: round(v, 4) for k, v in self.factors.items()},
            "reasons": self.render_reasons(lang, translate),
        }
        if reason_codes:
            out["reason_codes"] = [r.as_dict() for r in self.reasons]
        return out


@dataclass(frozen=True, slots=True)
class MatchResult:
    """``considered`` manufacturers looked at, ``eligible`` of them passing every rule, the
    time taken in ms, and the best ``results`` (score descending, then id ascending)."""

    considered: int
    eligible: int
    elapsed_ms: float
    results: tuple[MatchHit, ...] = field(default_factory=tuple)

    def to_dict(self, lang: str = "en", translate: Callable[[str], str] | None = None,
                *, reason_codes: bool = False) -> dict[str, Any]:
        """The JSON object of ``shisaku match --json`` (and of the API)."""
        return {
            "considered": self.considered,
            "eligible": self.eligible,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "results": [h.to_dict(lang, translate, reason_codes=reason_codes)
                        for h in self.results],
        }
