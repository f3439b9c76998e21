"""Files of an RFQ's parts for the invited firms: only for projects shared "after an NDA", only
once a member of the firm has accepted the confidentiality terms for that invitation, and only
while the invitation, the request and the project are live
(:func:`shisaku.rfq.selectors.firm_files_closed_reason`)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shisaku.core.services import audit_record
from shisaku.errors import InputError
from shisaku.projects.choices import Confidentiality
from shisaku.projects.models import PartFile
from shisaku.rfq.models import Invitation, NdaAcceptance
from shisaku.rfq.selectors import firm_files_closed_reason

TERMS_VERSION = "2026-11"
# firm_files_closed_reason code -> what the firm reads instead of the files
CLOSED_REASONS = {
    "deleted": _("The startup has deleted this project."),
    "declined": _("Your firm declined this request; its files are closed."),
    "cancelled": _("The startup cancelled this request; its files are closed."),
    "not_sent": _("This request has not been sent."),
    "no_quote": _("The quote deadline has passed without a quote from your firm; the files are closed."),
    "not_awarded": _("This request was awarded to another firm; its files are closed."),
}
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
    if (not files_shared(invitation) or firm_files_closed_reason(invitation) is not None
            or not nda_accepted(invitation)):
        return PartFile.objects.none()
    return (PartFile.objects.filter(part__in=invitation.rfq.parts.all())
            .select_related("part").order_by("part__position", "part_id", "id"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None  # a link: no user


def nda_accept(*, actor: Any, invitation: Invitation) -> NdaAcceptance:
    """Record the firm's acceptance (once per invitation; a repeat returns the first)."""
    if not files_shared(invitation):
        raise InputError("nda", gettext("this startup does not share files with invited firms"))
    closed = firm_files_closed_reason(invitation)
    if closed is not None:
        raise InputError("nda", str(CLOSED_REASONS[closed]))
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


# Processes for which a firm cannot quote from words alone: it needs the part's model or drawing.
GEOMETRY_PROCESSES = frozenset({
    "mold_making", "injection_molding", "die_casting", "urethane_casting", "cnc_milling",
    "cnc_turning", "sheet_metal", "laser_cutting", "fdm_printing", "sla_printing",
    "sls_printing", "mjf_printing", "metal_printing", "pcb_fabrication", "pcb_assembly"})


def rfq_sharing(rfq: Any) -> dict[str, Any]:
    """What invited firms will see of this RFQ, for the startup before it sends it.

    ``shared``: part files go to invited firms after they accept the NDA (``TERMS``); else
    they see the specification only. ``files``: the parts' files by kind; ``geometry_parts``:
    parts whose processes need a model or drawing to be quoted; ``warn``: files stay hidden
    although such a part has some (a moulder cannot quote without them).
    """
    parts = list(rfq.parts.all())
    files = PartFile.objects.filter(part__in=parts)
    counts: dict[str, int] = {}
    for kind in files.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    shared = rfq.project.confidentiality == Confidentiality.INVITED
    geometry_parts = [p for p in parts if GEOMETRY_PROCESSES & set(p.process_hints or [])]
    return {"shared": shared, "file_count": sum(counts.values()), "by_kind": counts,
            "geometry_parts": geometry_parts, "terms": TERMS,
            "warn": not shared and bool(geometry_parts)}
