"""Design-for-manufacture findings from the measured geometry, each with its reason.

The process limits (minimum wall, machine envelope) come from the caller — the costing
engine passes the ones of its parameter file — so that one table serves DFM and costing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SEVERITIES", "ProcessRule", "dfm_findings"]

SEVERITIES = ("info", "warning", "error")
MOULDED = ("injection_molding", "urethane_casting")
SINK_RATIO = 1.5  # a section this much thicker than the nominal wall risks sink marks
SINK_ABS_MM = 4.0  # and moulded walls above ~4 mm are thick in themselves


ProcessRule = Mapping[str, Any]  # {"min_wall_mm": float, "envelope_mm": [x, y, z] | None}


def _finding(check: str, severity: str, message: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"check": check, "severity": severity, "message": message}
    out.update(extra)
    return out


def _fits(extents: list[float], envelope: list[float]) -> bool:
    return all(a <= b for a, b in zip(sorted(extents), sorted(envelope), strict=True))


def dfm_findings(
    geometry: Mapping[str, Any], rules: Mapping[str, ProcessRule]
) -> list[dict[str, Any]]:
    """Findings [{check, severity, message, …}] for the processes in ``rules``.

    ``geometry`` is the dict of :func:`shisaku.engines.geometry.analyse`. Checks: mesh
    watertightness, guessed units, thin walls per process, thick sections (sink marks),
    undercuts needing side actions, missing draft, part larger than common machines.
    """
    out: list[dict[str, Any]] = []
    if not geometry.get("watertight", False):
        out.append(
            _finding(
                "non_watertight", "warning",
                "The mesh has holes or open edges, so volume, weight and wall thickness are "
                "approximate; export a closed solid for a reliable estimate.",
            )
        )
    if geometry.get("units_source") == "guessed" and geometry.get("units_assumed") != "mm":
        out.append(
            _finding(
                "units_guessed", "info",
                f"The file carries no units; its size reads best as "
                f"{geometry.get('units_assumed')}. Override the units if that is wrong.",
            )
        )
    if geometry.get("bodies", 1) > 1:
        out.append(
            _finding(
                "multiple_bodies", "info",
                f"The file holds {geometry['bodies']} separate bodies; they are costed together "
                "as one part (an assembly is usually made part by part).",
            )
        )
    wall = geometry.get("wall_thickness_mm", {})
    thin = wall.get("p5")
    if thin is not None:
        for process, rule in rules.items():
            minimum = float(rule.get("min_wall_mm") or 0)
            if minimum and thin < minimum:
                out.append(
                    _finding(
                        "thin_walls", "warning",
                        f"5 % of the walls are thinner than {thin:.2f} mm, below the "
                        f"{minimum:g} mm that {process} reliably makes: they may break, warp "
                        "or not fill.",
                        process=process, wall_mm=thin, min_wall_mm=minimum,
                    )
                )
    nominal = wall.get("p50")
    thick = wall.get("p95")
    moulded = [p for p in rules if p in MOULDED]
    if moulded and nominal and thick and (thick > SINK_ABS_MM or thick > SINK_RATIO * nominal):
        out.append(
            _finding(
                "thick_sections", "warning",
                f"Sections up to {thick:.1f} mm (nominal wall {nominal:.1f} mm) will shrink "
                "unevenly when moulded (sink marks, voids) and lengthen the cooling time; core "
                "them out to a uniform wall.",
                process=moulded[0], wall_mm=thick,
            )
        )
    mould = geometry.get("moulding", {})
    if moulded and mould.get("undercut_area_mm2", 0) > 0:
        actions = mould.get("side_actions", 0)
        out.append(
            _finding(
                "undercuts", "warning",
                f"About {mould['undercut_area_mm2']:.0f} mm² cannot be released along the "
                f"{mould.get('pull_axis')} axis: the mould needs {max(actions, 1)} side "
                "action(s) (slides or lifters), which add tooling cost and cycle time.",
                side_actions=actions, pull_axis=mould.get("pull_axis"),
            )
        )
    wall_area = mould.get("wall_area_mm2", 0.0) or 0.0
    no_draft = mould.get("no_draft_area_mm2", 0.0) or 0.0
    if moulded and wall_area > 0 and no_draft > 0.05 * wall_area:
        out.append(
            _finding(
                "missing_draft", "warning",
                f"{no_draft:.0f} mm² of side walls have less than 0.5° draft along the "
                f"{mould.get('pull_axis')} axis; moulded parts need about 1–2° to eject "
                "without drag marks.",
                area_mm2=no_draft,
            )
        )
    extents = list(geometry.get("bbox_mm", []))
    if extents:
        for process, rule in rules.items():
            envelope = rule.get("envelope_mm")
            if envelope and not _fits(extents, list(envelope)):
                out.append(
                    _finding(
                        "too_large", "warning",
                        f"The part ({' x '.join(f'{x:.0f}' for x in extents)} mm) exceeds "
                        f"the common {process} envelope of "
                        f"{' x '.join(f'{x:g}' for x in envelope)} mm; it must be split or made "
                        "on a larger machine.",
                        process=process,
                    )
                )
        if max(extents) < 2.0:
            out.append(
                _finding(
                    "tiny_part", "info",
                    f"The part is only {max(extents):.2f} mm long; check the units.",
                )
            )
    return out
