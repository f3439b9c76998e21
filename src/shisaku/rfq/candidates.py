"""Who may be invited to an RFQ: the matching requirement of its parts and the best matches
that can answer (members on Shisaku, or a contact e-mail for a personal link), next to the
best matches nobody can reach yet (shown as "not reachable": the coordinator's window is the
way to them)."""

from __future__ import annotations

from typing import Any

from shisaku.directory.matching import stage_filter
from shisaku.directory.models import Manufacturer
from shisaku.rfq.links import reachable_q
from shisaku.rfq.models import RFQ

__all__ = ["rfq_candidates", "rfq_candidates_split", "rfq_requirement"]


def rfq_requirement(rfq: RFQ) -> dict[str, Any]:
    """The matching requirement of an RFQ: the parts' processes and materials, the largest
    tier as quantity and the project's stage (from prototyping on: ``stage_filter``)."""
    processes: list[str] = []
    materials: list[str] = []
    for part in rfq.parts.all():
        processes.extend(part.process_hints or [])
        if part.material:
            materials.append(part.material)
    req: dict[str, Any] = {"processes": list(dict.fromkeys(processes)),
                           "materials": list(dict.fromkeys(materials)),
                           "quantity": max(rfq.quantity_tiers or [1])}
    stage = stage_filter(rfq.project.stage)  # early stages do not filter (directory/matching.py)
    if stage:
        req["stage"] = stage
    return req


def rfq_candidates_split(*, rfq: RFQ, limit: int = 10, unreachable_limit: int = 5
                         ) -> tuple[list[tuple[Manufacturer, float]],
                                    list[tuple[Manufacturer, float]]]:
    """The best matches not yet invited that can answer (best first, with their scores), and
    the best ones among the others, which have neither a member nor a contact e-mail.

    Tries the full requirement, then without materials, then without the stage, until enough
    firms are found (a firm that does every process but not the exact material still deserves
    to be asked); firms found by a stricter pass always rank first.
    """
    from shisaku.directory.adapters import match

    invited = set(rfq.invitations.values_list("manufacturer_id", flat=True))
    req = rfq_requirement(rfq)
    found: dict[int, float] = {}
    silent: dict[int, float] = {}
    top_k = max(100, 5 * (limit + len(invited)))
    for drop in ((), ("materials",), ("materials", "stage")):
        attempt = {k: v for k, v in req.items() if k not in drop and v not in ([], None)}
        hits = [h for h in match(attempt, top_k=top_k).results
                if h.id not in invited and h.id not in found and h.id not in silent]
        reachable = set(Manufacturer.objects.filter(reachable_q(), pk__in=[h.id for h in hits])
                        .values_list("pk", flat=True))
        for hit in hits:
            if hit.id in reachable:
                if len(found) < limit:
                    found[hit.id] = hit.score
            elif len(silent) < unreachable_limit:
                silent[hit.id] = hit.score
        if len(found) >= limit:
            break
    firms = Manufacturer.objects.in_bulk(list(found) + list(silent))
    return ([(firms[i], s) for i, s in found.items() if i in firms],
            [(firms[i], s) for i, s in silent.items() if i in firms])


def rfq_candidates(*, rfq: RFQ, limit: int = 10) -> list[tuple[Manufacturer, float]]:
    """The best matches not yet invited that can answer, best first, with their scores."""
    return rfq_candidates_split(rfq=rfq, limit=limit, unreachable_limit=0)[0]
