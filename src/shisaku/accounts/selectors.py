"""Reads about accounts, with the permission rules in the queryset.

Coverage (docs/CLAIMS.md): a coordinator organisation covers the firms of its region's block
when it has a region (a centre in KR-47 covers KR-DAEGYEONG: Daegu and Gyeongbuk), else the
firms of its country; one with neither covers nobody. Staff cover every firm.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shisaku import taxonomy
from shisaku.accounts.choices import MembershipRole, OrganisationKind
from shisaku.accounts.models import Membership, Organisation, TeamInvitation


def _coordinator_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COORDINATOR,
                                       memberships__user=user)


def coverage_filter(user: Any, *, prefix: str) -> Q | None:
    """A Q over ``<prefix>country`` / ``<prefix>block`` of the firms ``user`` covers as a
    coordinator: None for every firm (staff), ``Q(pk__in=[])`` for nobody."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_staff:
        return None
    q = Q(pk__in=[])
    for country, region in _coordinator_organisations(user).values_list("country", "region"):
        if region and region in taxonomy.REGIONS:
            q |= Q(**{f"{prefix}block": taxonomy.region(region).block})
        elif country:
            q |= Q(**{f"{prefix}country": country})
    return q


def coordinator_covers(user: Any, *, country: str, block: str) -> bool:
    """Whether ``user`` coordinates the firms of this country and region block."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    for org_country, region in _coordinator_organisations(user).values_list("country", "region"):
        if region and region in taxonomy.REGIONS:
            if taxonomy.region(region).block == block:
                return True
        elif org_country and org_country == country:
            return True
    return False


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def team_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return (Membership.objects.filter(organisation=organisation).select_related("user")
            .order_by("user__username"))


def team_invitations_pending(*, organisation: Organisation) -> QuerySet[TeamInvitation]:
    return TeamInvitation.objects.filter(organisation=organisation, status="pending")


def organisations_administered_by(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user,
                                       memberships__role=MembershipRole.OWNER)


def organisation_of_member(*, user: Any, pk: int) -> Organisation | None:
    """One of the user's organisations (None when they are not a member)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Organisation.objects.filter(pk=pk, memberships__user=user).first()
