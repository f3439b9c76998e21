"""Design-for-manufacture findings from the measured geometry, each with its reason.

Every finding belongs to the processes being costed: thin walls to each process whose minimum
wall they break, undercuts, draft and thick sections to moulding and casting, deep pockets and
sharp internal corners to CNC milling. The process limits (minimum wall, machine envelope) come
from the caller — the costing engine passes the ones of its parameter file — so that one table
serves DFM and costing. A finding is ``{check, code, params, severity, message, process,
processes}``: ``code`` + ``params`` are translated by the apps, ``message`` is English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shisaku.engines.messages import say

__all__ = ["CAST", "SEVERITIES", "ProcessRule", "dfm_findings"]

SEVERITIES = ("info", "warning", "error")
# processes whose tool opens along a pull axis (draft, undercuts, sink marks matter)
CAST = ("injection_molding", "die_casting")
SINK_RATIO = 1.5  # a section this much thicker than the nominal wall risks sink marks
SINK_ABS_MM = 4.0  # and moulded walls above ~4 mm are thick in themselves
THIN_SHARE = 0.05  # at least this share of the walls thinner than the minimum: "thin walls"
THIN_FEATURE_SAMPLES = 4  # fewer thin samples than that may be noise (edges, facets)
THIN_MARGIN = 0.95  # a local feature must be clearly below the minimum, not at it
POCKET_RATIO = 4.0  # depth : width from which a pocket is deep for a milling cutter

ProcessRule = Mapping[str, Any]  # {"min_wall_mm": float, "envelope_mm": [x, y, z] | None}


def _finding(code: str, severity: str, processes: list[str] | None = None,
             **params: Any) -> dict[str, Any]:
    if processes:
        params = {"process": processes[0], **params}
    said = say(code, **params)
    out: dict[str, Any] = {"check": code.removesuffix("_finding"), "code": code,
                           "params": said["params"], "severity": severity,
                           "message": said["message"]}
    if processes:
        out["process"] = processes[0]
        out["processes"] = list(processes)
    return out


def _fits(extents: list[float], envelope: list[float]) -> bool:
    return all(a <= b for a, b in zip(sorted(extents), sorted(envelope), strict=True))


def _thin_share(wall: Mapping[str, Any], minimum: float) -> tuple[float, int] | None:
    """(share of measured walls thinner than ``minimum``, their count), or None."""
    below = wall.get("below_mm") or {}
    key = f"{minimum:g}"
    if key in below:
        share = float(below[key])
        return share, round(share * int(wall.get("samples", 0)))
    p5 = wall.get("p5")
    if p5 is None:
        return None
    return (THIN_SHARE if p5 < minimum else 0.0), 0


def _wall_findings(geometry: Mapping[str, Any], rules: Mapping[str, ProcessRule]
                   ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    wall = geometry.get("wall_thickness_mm", {})
    for process, rule in rules.items():
        minimum = float(rule.get("min_wall_mm") or 0)
        measured = _thin_share(wall, minimum) if minimum else None
        if measured is None:
            continue
        share, count = measured
        if share >= THIN_SHARE:
            out.append(_finding("thin_walls", "warning", [process], share_pct=100 * share,
                                wall_mm=float(wall.get("min", wall.get("p5", 0))),
                                min_wall_mm=minimum))
        elif count >= THIN_FEATURE_SAMPLES and float(wall.get("min", minimum)) < (
                THIN_MARGIN * minimum):
            out.append(_finding("thin_features", "warning", [process], area_pct=100 * share,
                                wall_mm=float(wall.get("min", 0)), min_wall_mm=minimum))
    return out


def _cast_findings(geometry: Mapping[str, Any], cast: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    wall = geometry.get("wall_thickness_mm", {})
    nominal, thick = wall.get("p50"), wall.get("p95")
    if nominal and thick and (thick > SINK_ABS_MM or thick > SINK_RATIO * nominal):
        out.append(_finding("thick_sections", "warning", cast, wall_mm=float(thick),
                            nominal_mm=float(nominal)))
    mould = geometry.get("moulding", {})
    if mould.get("undercut_area_mm2", 0) > 0:
        # the same side-action count prices the tool (costing reads moulding.side_actions)
        out.append(_finding("undercuts", "warning", cast,
                            area_mm2=float(mould["undercut_area_mm2"]),
                            pull_axis=mould.get("pull_axis"),
                            side_actions=int(mould.get("side_actions", 0))))
    wall_area = mould.get("wall_area_mm2", 0.0) or 0.0
    no_draft = mould.get("no_draft_area_mm2", 0.0) or 0.0
    if wall_area > 0 and no_draft > 0.05 * wall_area:
        out.append(_finding("missing_draft", "warning", cast, area_mm2=float(no_draft),
                            pull_axis=mould.get("pull_axis")))
    return out


def _milling_findings(geometry: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    feats = geometry.get("milling", {})
    pocket = feats.get("deepest_pocket")
    if pocket and pocket.get("ratio", 0) >= POCKET_RATIO:
        out.append(_finding("deep_pockets", "warning", ["cnc_milling"],
                            depth_mm=float(pocket["depth_mm"]), width_mm=float(pocket["width_mm"]),
                            ratio=float(pocket["ratio"]),
                            extra_h=float(feats.get("deep_pocket_extra_h", 0.0))))
    corners = feats.get("sharp_internal_corners", 0)
    if corners:
        out.append(_finding("sharp_internal_corners", "warning", ["cnc_milling"],
                            count=int(corners),
                            length_mm=float(feats.get("sharp_corner_length_mm", 0.0)),
                            extra_h=float(feats.get("sharp_corner_extra_h", 0.0))))
    return out


def dfm_findings(
    geometry: Mapping[str, Any], rules: Mapping[str, ProcessRule]
) -> list[dict[str, Any]]:
    """Findings for the processes in ``rules`` ({process: {min_wall_mm, envelope_mm}}).

    ``geometry`` is the dict of :func:`shisaku.engines.geometry.analyse`. Checks: mesh
    watertightness, units, bodies; thin walls and thin local features per process; thick
    sections, undercuts and draft for moulding and die casting; deep pockets and sharp internal
    corners for CNC milling; the machine envelope per process; tiny parts.
    """
    out: list[dict[str, Any]] = []
    if not geometry.get("watertight", False):
        out.append(_finding("non_watertight", "warning"))
    unit = geometry.get("units_assumed")
    if geometry.get("units_source") == "guessed":
        if unit != "mm":
            out.append(_finding("units_guessed_finding", "info", unit=unit))
        edge = next((n for n in geometry.get("notes", []) if isinstance(n, Mapping)
                     and n.get("code") == "units_edge"), None)
        if edge:
            out.append(_finding("units_edge_finding", "warning", unit=unit,
                                extent=edge["params"]["extent"]))
    if geometry.get("bodies", 1) > 1:
        out.append(_finding("multiple_bodies", "info", bodies=int(geometry["bodies"])))
    out += _wall_findings(geometry, rules)
    cast = [p for p in rules if p in CAST]
    if cast:
        out += _cast_findings(geometry, cast)
    if "cnc_milling" in rules:
        out += _milling_findings(geometry)
    extents = list(geometry.get("bbox_mm", []))
    if extents:
        for process, rule in rules.items():
            envelope = rule.get("envelope_mm")
            if envelope and not _fits(extents, list(envelope)):
                out.append(_finding(
                    "too_large", "warning", [process],
                    size=" x ".join(f"{x:.0f}" for x in extents),
                    envelope=" x ".join(f"{x:g}" for x in envelope)))
        if max(extents) < 2.0:
            out.append(_finding("tiny_part", "info", length_mm=float(max(extents))))
    return out
