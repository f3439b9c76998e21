"""Reads of claims and claim invitations, with who may see what in the queryset."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from shisaku.accounts.selectors import coverage_filter
from shisaku.claims.choices import OPEN_CLAIM_STATUSES
from shisaku.claims.models import Claim, PoolInvitation
from shisaku.core.roles import roles_of
from shisaku.core.services import generation_current
from shisaku.directory.models import Manufacturer
from shisaku.engines.names import name_key


def _covered(qs: QuerySet[Any], user: Any, prefix: str) -> QuerySet[Any]:
    if not roles_of(user).coordinator:
        return qs.none()
    q = coverage_filter(user, prefix=prefix)
    return qs if q is None else qs.filter(q)


def claims_reviewable_by(user: Any) -> QuerySet[Claim]:
    """Claims on firms the user coordinates (staff: all); nobody else sees the queue."""
    return _covered(Claim.objects.select_related("manufacturer", "applicant", "invitation",
                                                 "manufacturer__organisation"),
                    user, "manufacturer__")


def claims_queue(user: Any) -> QuerySet[Claim]:
    """Open claims first, oldest first, for the reviewer's queue page."""
    return claims_reviewable_by(user).filter(status__in=OPEN_CLAIM_STATUSES).order_by(
        "manufacturer__name", "manufacturer_id", "created_at", "id")


def claims_of(user: Any) -> QuerySet[Claim]:
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return Claim.objects.filter(applicant=user).select_related("manufacturer")


def pool_invitations_visible_to(user: Any) -> QuerySet[PoolInvitation]:
    return _covered(PoolInvitation.objects.select_related("manufacturer"), user,
                    "manufacturer__")


def manufacturers_invitable_by(user: Any) -> QuerySet[Manufacturer]:
    """Firms a coordinator may invite to claim (and whose contact data they may read)."""
    return _covered(Manufacturer.objects.all(), user, "")


def _name_keys(country: str, region: str) -> list[tuple[int, str, str]]:
    """(id, key of name, key of local name) of the firms of a region (or country), cached per
    directory data generation: computing keys costs ~30 us per firm, so a country of 35,000
    firms is keyed once per directory change, not on every sign-up."""
    cache_key = (f"claims:name_keys:{generation_current(name='directory')}:{country}:"
                 f"{region or '*'}")
    pairs: list[tuple[int, str, str]] | None = cache.get(cache_key)
    if pairs is None:
        qs = Manufacturer.objects.filter(country=country)
        if region:
            qs = qs.filter(region=region)
        pairs = [(pk, name_key(name), name_key(local) if local else "")
                 for pk, name, local in qs.values_list("pk", "name", "name_local")
                 .iterator(chunk_size=2000)]
        cache.set(cache_key, pairs, timeout=3600)
    return pairs


def manufacturers_like(*, name: str, country: str, region: str = "",
                       limit: int = 10) -> list[Manufacturer]:
    """Listed firms whose name or local name has the same key as ``name`` (engines.names),
    in the same region when given, else the same country."""
    key = name_key(name)
    if not key:
        return []
    found = [pk for pk, own, local in _name_keys(country, region) if key in (own, local)]
    return list(Manufacturer.objects.filter(pk__in=found[:limit]).select_related("organisation"))
