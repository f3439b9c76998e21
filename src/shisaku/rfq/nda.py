"""Files of an RFQ's parts for the invited firms: only for projects shared "after an NDA", and
only once a member of the firm has accepted the confidentiality terms for that invitation."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shisaku.core.services import audit_record
from shisaku.errors import InputError
from shisaku.projects.choices import Confidentiality
from shisaku.projects.models import PartFile
from shisaku.rfq.models import Invitation, NdaAcceptance

TERMS_VERSION = "2026-11"
TERMS = _(
    "We keep the drawings, models and specifications of this request confidential: we use them "
    "only to quote and, if awarded, to make the parts; we do not pass them to anyone outside "
    "our firm without the startup's written consent; we delete them on request if we are not "
    "awarded. The startup owns its design files.")


def files_shared(invitation: Invitation) -> bool:
    """Whether the startup shares part files with invited firms at all."""
    return bool(invitation.rfq.project.confidentiality == Confidentiality.INVITED)


def nda_accepted(invitation: Invitation) -> bool:
    return NdaAcceptance.objects.filter(invitation=invitation).exists()


def invitation_files(invitation: Invitation) -> QuerySet[PartFile]:
    """The part files this invited firm may download now (none before the NDA)."""
    if not files_shared(invitation) or not nda_accepted(invitation):
        return PartFile.objects.none()
    return (PartFile.objects.filter(part__in=invitation.rfq.parts.all())
            .select_related("part").order_by("part__position", "part_id", "id"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None  # a link: no user


def nda_accept(*, actor: Any, invitation: Invitation) -> NdaAcceptance:
    """Record the firm's acceptance (once per invitation; a repeat returns the first)."""
    if not files_shared(invitation):
        raise InputError("nda", "this startup does not share files with invited firms")
    existing = NdaAcceptance.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(invitation=invitation, user=_user(actor),
                                                      terms_version=TERMS_VERSION)
            audit_record(actor=actor, action="rfq.nda_accept", obj=invitation,
                         summary=invitation.manufacturer.name,
                         data={"terms_version": TERMS_VERSION})
    except IntegrityError:  # a colleague accepted at the same moment
        return NdaAcceptance.objects.get(invitation=invitation)
    return acceptance
