"""The ranking score: factors normalised to [0, 1], their default weights, and the weighted mean.

Each factor has a scalar form (used by the reference loop) and a vectorised form (used by the
index) written side by side so that they stay the same formula. Unknown inputs score the neutral
value 0.5: a firm that has not yet been rated is neither rewarded nor punished.

    score = Σ wᵢ·fᵢ / Σ wᵢ      (factors in FACTORS order; weights ≥ 0, not all 0)

| factor | fᵢ | neutral (0.5) when |
|---|---|---|
| distance | 1 / (1 + km / 300) | no origin given |
| reply_speed | 1 / (1 + median reply hours / 24) | reply time unknown |
| rating | (n·(r − 1)/4 + 3·0.5) / (n + 3), n = max(rating_count, 1) | no rating |
| on_time | (n·t + 3·0.5) / (n + 3); t = share of the n orders delivered in 12 months that shipped by the confirmed date | no delivered order |
| startup_experience | p / (p + 5), p = projects done for startups | never |
| field_experience | 1 if the product field is among the firm's, else 0 | no product field given |
| stage_fit | share of the stages after the required one that the firm also covers (1 at the last) | no stage given |
| lead_time | 1 / (1 + days / 14); days = slowest required process's quickest qualifying capability | lead time unknown |
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import numpy as np
import numpy.typing as npt

from shisaku import taxonomy
from shisaku.engines.messages import refuse

__all__ = [
    "DEFAULT_WEIGHTS",
    "DISTANCE_HALF_KM",
    "FACTORS",
    "FIRM_FACTORS",
    "LEAD_HALF_DAYS",
    "NEUTRAL",
    "ON_TIME_PRIOR_COUNT",
    "RATING_PRIOR_COUNT",
    "REPLY_HALF_HOURS",
    "STARTUP_HALF_PROJECTS",
    "combine",
    "combine_arrays",
    "distance_factor",
    "distance_factor_array",
    "field_factor",
    "firm_partial_array",
    "later_stages",
    "lead_time_factor",
    "lead_time_factor_array",
    "on_time_factor",
    "on_time_factor_array",
    "rating_factor",
    "rating_factor_array",
    "reply_factor",
    "reply_factor_array",
    "stage_fit_factor",
    "startup_factor",
    "startup_factor_array",
    "validate_weights",
]

FloatArray = npt.NDArray[np.float64]

# The firm-only factors come first: their partial sum is precomputed per firm by the index
# (summation order matters for bit-identical scores between the index and the reference).
FIRM_FACTORS: tuple[str, ...] = ("reply_speed", "rating", "startup_experience", "on_time")
FACTORS: tuple[str, ...] = (
    *FIRM_FACTORS, "distance", "field_experience", "stage_fit", "lead_time",
)

# Defaults sum to 1; a deployment overrides any of them (settings), the rest keep these values.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "distance": 0.20,
    "reply_speed": 0.20,
    "rating": 0.10,
    "on_time": 0.10,
    "startup_experience": 0.10,
    "field_experience": 0.10,
    "stage_fit": 0.05,
    "lead_time": 0.15,
}

NEUTRAL = 0.5
DISTANCE_HALF_KM = 300.0  # a firm this far away scores 0.5
REPLY_HALF_HOURS = 24.0  # replies in a day (median) score 0.5
RATING_PRIOR_COUNT = 3.0  # ratings count as if 3 neutral ones were added (few reviews, less weight)
ON_TIME_PRIOR_COUNT = 3.0  # on-time shares count as if 3 neutral orders were added
STARTUP_HALF_PROJECTS = 5.0  # five startup projects score 0.5
LEAD_HALF_DAYS = 14.0  # two weeks of lead time score 0.5


def validate_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The defaults overridden by ``weights``; names must be factors, values finite and ≥ 0.

    Raises :class:`~shisaku.errors.InputError` (field ``weights``) otherwise, or when all are 0.
    """
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS:
            raise refuse("weights", "factor_unknown", valid=list(FACTORS), name=name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse("weights", "weight_not_number", name=name)
        if not math.isfinite(value) or value < 0:
            raise refuse("weights", "weight_not_finite", name=name)
        merged[name] = float(value)
    if sum(merged.values()) <= 0:
        raise refuse("weights", "weights_all_zero")
    return merged


def combine(factors: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Weighted mean of one firm's factors (same operation order as :func:`combine_arrays`)."""
    total = 0.0
    acc = 0.0
    for name in FACTORS:
        total += weights[name]
        acc += weights[name] * factors[name]
    return acc / total


def firm_partial_array(factors: Mapping[str, FloatArray], weights: Mapping[str, float]
                       ) -> FloatArray:
    """Σ wᵢ·fᵢ over FIRM_FACTORS, in :func:`combine`'s order (the index keeps it per firm)."""
    acc = np.zeros(np.shape(factors[FIRM_FACTORS[0]]), dtype=np.float64)
    for name in FIRM_FACTORS:
        acc += weights[name] * factors[name]
    return acc


def combine_arrays(factors: Mapping[str, FloatArray | float], weights: Mapping[str, float],
                   firm_partial: FloatArray) -> FloatArray:
    """Weighted mean of many firms' factors, from :func:`firm_partial_array` of the firm-only
    factors plus the others (``factors[name]``: one value per firm, or one for all)."""
    total = 0.0
    for name in FACTORS:
        total += weights[name]
    acc: FloatArray | None = None
    for name in FACTORS[len(FIRM_FACTORS):]:
        term = weights[name] * factors[name]
        if acc is None:
            acc = firm_partial + term  # the first term also makes the copy
        else:
            acc += term
    assert acc is not None
    acc /= total
    return acc


def distance_factor(distance_km: float | None) -> float:
    if distance_km is None:
        return NEUTRAL
    return 1.0 / (1.0 + distance_km / DISTANCE_HALF_KM)


def distance_factor_array(distance_km: FloatArray) -> FloatArray:
    out: FloatArray = distance_km / DISTANCE_HALF_KM
    out += 1.0
    np.divide(1.0, out, out=out)
    return out


def reply_factor(hours: float | None) -> float:
    if hours is None:
        return NEUTRAL
    return 1.0 / (1.0 + max(hours, 0.0) / REPLY_HALF_HOURS)


def reply_factor_array(hours: FloatArray) -> FloatArray:
    """``hours`` is NaN where unknown."""
    with np.errstate(invalid="ignore"):
        known = 1.0 / (1.0 + np.maximum(hours, 0.0) / REPLY_HALF_HOURS)
    out: FloatArray = np.where(np.isnan(hours), NEUTRAL, known)
    return out


def rating_factor(rating: float | None, rating_count: int | None) -> float:
    if rating is None:
        return NEUTRAL
    quality = min(max((rating - 1.0) / 4.0, 0.0), 1.0)
    n = float(max(rating_count or 0, 1))
    return (n * quality + RATING_PRIOR_COUNT * NEUTRAL) / (n + RATING_PRIOR_COUNT)


def rating_factor_array(rating: FloatArray, rating_count: FloatArray) -> FloatArray:
    """``rating`` is NaN where unknown; ``rating_count`` is a float array (counts)."""
    quality = np.minimum(np.maximum((rating - 1.0) / 4.0, 0.0), 1.0)
    n = np.maximum(rating_count, 1.0)
    known = (n * quality + RATING_PRIOR_COUNT * NEUTRAL) / (n + RATING_PRIOR_COUNT)
    out: FloatArray = np.where(np.isnan(rating), NEUTRAL, known)
    return out


def startup_factor(projects: int | None) -> float:
    p = float(max(projects or 0, 0))
    return p / (p + STARTUP_HALF_PROJECTS)


def startup_factor_array(projects: FloatArray) -> FloatArray:
    p = np.maximum(projects, 0.0)
    out: FloatArray = p / (p + STARTUP_HALF_PROJECTS)
    return out


def lead_time_factor(days: float | None) -> float:
    if days is None:
        return NEUTRAL
    return 1.0 / (1.0 + max(days, 0.0) / LEAD_HALF_DAYS)


def lead_time_factor_array(days: FloatArray) -> FloatArray:
    """``days`` is NaN where unknown."""
    out: FloatArray = np.maximum(days, 0.0)
    out /= LEAD_HALF_DAYS
    out += 1.0
    np.divide(1.0, out, out=out)
    out[np.isnan(days)] = NEUTRAL
    return out


def field_factor(product_field: str | None, firm_fields: Collection[str]) -> float:
    if product_field is None:
        return NEUTRAL
    return 1.0 if product_field in firm_fields else 0.0


def later_stages(stage: str) -> tuple[str, ...]:
    """The stages after ``stage`` in the taxonomy's pipeline order."""
    order = taxonomy.codes("stage")
    return order[order.index(stage) + 1:] if stage in order else ()


def stage_fit_factor(stage: str | None, firm_stages: Collection[str]) -> float:
    """Share of the stages after the required one that the firm covers too (1 at the last)."""
    if stage is None:
        return NEUTRAL
    later = later_stages(stage)
    if not later:
        return 1.0
    covered = sum(1 for s in later if s in firm_stages)
    return float(covered) / float(len(later))


def on_time_factor(rate: float | None, delivered: int | None) -> float:
    """Delivered orders' on-time share ``rate`` in [0, 1] over ``delivered`` orders, shrunk
    towards neutral by ON_TIME_PRIOR_COUNT; neutral without a delivered order."""
    n = float(delivered or 0)
    if rate is None or n <= 0:
        return NEUTRAL
    share = min(max(rate, 0.0), 1.0)
    return (n * share + ON_TIME_PRIOR_COUNT * NEUTRAL) / (n + ON_TIME_PRIOR_COUNT)


def on_time_factor_array(rate: FloatArray, delivered: FloatArray) -> FloatArray:
    """``rate`` is NaN where unknown; ``delivered`` is a float array (counts)."""
    share = np.minimum(np.maximum(rate, 0.0), 1.0)
    known = (delivered * share + ON_TIME_PRIOR_COUNT * NEUTRAL) / (
        delivered + ON_TIME_PRIOR_COUNT)
    out: FloatArray = np.where(np.isnan(rate) | (delivered <= 0), NEUTRAL, known)
    return out
