"""Translations of what the estimating engines say: every code of
``shisaku.engines.messages.TEMPLATES`` with its sentence in the catalogue (ko / en / ja), the
titles of the DFM checks and the cost items. Engines return ``{code, params, message}``; the
pages call :func:`describe`, which renders the sentence in the request's language with taxonomy
labels in that language too. A test keeps the placeholders in step with the engine's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.core import refusals
from shisaku.engines.messages import render

__all__ = ["BREAKDOWN", "CHECK_TITLES", "SENTENCES", "describe", "label"]

SENTENCES: dict[str, Any] = {
    'bodies_flipped': _('%(count)d body(ies) had inward-facing normals and were flipped'),
    'inner_shells': _('%(count)d object(s) lie inside another and are read as cavities (inner shells), not as extra material'),
    'units_overridden': _('the file states %(file_unit)s; overridden by the user to %(unit)s'),
    'units_guessed': _('largest extent %(extent).4g read as %(unit)s'),
    'units_edge': _('the largest extent %(extent).4g is close to %(edge)g, where the unit guess changes: check the units'),
    'units_converted': _('file unit %(unit)s converted to mm'),
    'stl_vertex_count': _('the ASCII STL has %(facets)d facets but %(vertices)d vertices (not 3 per facet): some facets may be read wrongly'),
    'obj_relative_indices': _('the OBJ file uses relative (negative) vertex indices: they were resolved where each face stands in the file (some readers resolve them against the end of the file)'),
    'not_watertight': _('mesh is not watertight: volume and thickness are approximate'),
    'non_watertight': _('The mesh has holes or open edges, so volume, weight and wall thickness are approximate; export a closed solid for a reliable estimate.'),
    'units_guessed_finding': _('The file carries no units; its size reads best as %(unit)s. Override the units if that is wrong.'),
    'units_edge_finding': _("The part's size (%(extent).4g file units) is close to where the unit guess changes: check that %(unit)s is right."),
    'multiple_bodies': _('The file holds %(bodies)d separate bodies; they are costed together as one part (an assembly is usually made part by part).'),
    'thin_walls': _('%(share_pct).0f%% of the walls are thinner than %(min_wall_mm)g mm (down to %(wall_mm).2f mm), below what %(process)s reliably makes: they may break, warp or not fill.'),
    'thin_features': _('A thin local feature (about %(area_pct).1f%% of the surface, down to %(wall_mm).2f mm) is below the %(min_wall_mm)g mm that %(process)s reliably makes: a fin, rib or lip that may break or not fill.'),
    'thick_sections': _('Sections up to %(wall_mm).1f mm (nominal wall %(nominal_mm).1f mm) will shrink unevenly when %(process)s is used (sink marks, voids) and lengthen the cooling time; core them out to a uniform wall.'),
    'undercuts': _('About %(area_mm2).0f mm² cannot be released along the %(pull_axis)s axis: the %(process)s tool needs %(side_actions)d side action(s) (slides or lifters), priced in the tool and the cycle.'),
    'missing_draft': _('%(area_mm2).0f mm² of side walls have less than 0.5° draft along the %(pull_axis)s axis; %(process)s parts need about 1–2° to eject without drag marks.'),
    'deep_pockets': _('A pocket %(depth_mm).1f mm deep and %(width_mm).1f mm wide (%(ratio).1f:1) needs long, slender cutters in %(process)s: slower cuts, priced as %(extra_h).2f h more per part; keep pockets under 4:1.'),
    'sharp_internal_corners': _('%(count)d sharp internal corner edge(s) (%(length_mm).0f mm in all) cannot be milled square by a round cutter in %(process)s; give them a radius, or they need EDM or a smaller tool (priced as %(extra_h).2f h more per part).'),
    'too_large': _('The part (%(size)s mm) exceeds the common %(process)s envelope of %(envelope)s mm; it must be split or made on a larger machine.'),
    'tiny_part': _('The part is only %(length_mm).2f mm long; check the units.'),
    'fdm': _('FDM: %(shell_mm)g mm shell, %(infill_pct).0f%% infill, %(support_pct).0f%% support: %(printed_cm3).1f cm³ printed at %(rate_cm3_h)g cm³/h'),
    'sla': _('SLA: laid flat (%(height_mm).0f mm tall), %(per_build)d per platform; builds shared with other jobs'),
    'powder_bed': _('powder bed: %(per_build)d parts per build by packing their bounding boxes (%(bed_pct).0f%% of the build volume), %(build_h).0f h per build incl. cool-down, %(refresh_pct).0f%% powder refresh; builds shared with other jobs'),
    'powder_post': _('post-processing: breaking out, depowdering and bead blasting a full build take %(build_post_h)g h, shared by bounding box, plus %(min_per_part_min).1f min handling per part: %(post_min).1f min per part'),
    'cnc_milling': _('CNC milling (%(cls)s): %(removal_cm3).1f cm³ removed at %(mrr)g cm³/min, %(area_cm2).0f cm² finished at %(finish)g cm²/min, %(setups)d set-ups, %(programming_h).1f h CAM programming'),
    'cnc_turning': _('turning from Ø%(bar_d).1f x %(bar_l).1f mm bar, %(removal_cm3).1f cm³ removed'),
    'sheet_metal': _('sheet %(t_mm).2f mm, blank %(blank_cm2).0f cm², %(cut_m).2f m laser cut at %(speed).1f m/min, %(pierces)d pierces, %(bends)d bends'),
    'vacuum_casting': _('vacuum casting: SLA master %(master_usd).0f USD, %(moulds)d silicone mould(s) of %(silicone_kg).2f kg at %(life)d castings each, %(material)s-like PU resin'),
    'moulding': _('moulding: %(cavities)d cavity(ies), wall %(wall_mm).2f mm (p90) -> cooling %(cooling_s).1f s, cycle %(cycle_s).1f s on a %(press_t).0f t press; mould %(mould_usd).0f USD (%(mould_h).0f h at %(toolmaker)g USD/h + base %(base_usd).0f; %(side_actions)d side action(s))'),
    'die_casting': _('die casting: %(cavities)d cavity(ies), %(shot_kg).3f kg shot, cycle %(cycle_s).1f s on a %(machine_t).0f t machine; die %(die_usd).0f USD (%(die_h).0f h at %(toolmaker)g USD/h; %(side_actions)d slide(s)), trimming and deburring %(trim_s).0f s'),
    'no_wall_measured': _('no wall-thickness measurement: %(wall_mm)g mm assumed for cooling'),
    'learning_curve': _("learning curve %(rate_pct).0f%%: machine and labour time per part at %(factor_pct).0f%% of the first units' (%(source)s)"),
    'region_rates': _('%(region)s rates: labour %(labour)g USD/h, capital factor %(capital)g'),
    'margin': _('margin %(pct)g %% on production cost'),
    'shipping_domestic': _('shipping %(origin)s->%(destination)s by %(mode)s (%(lane)s lane), %(days)d days'),
    'shipping_cross_border': _('shipping %(origin)s->%(destination)s by %(mode)s (%(lane)s lane), %(days)d days; import duty %(duty_pct)g %%, customs clearance, remote engineering time and inspection included'),
    'pcb_board': _('%(layers)d-layer FR-4 board %(width_mm).0f x %(height_mm).0f mm (%(area_cm2).1f cm²), %(usd_cm2).3f USD/cm² at prices of %(basis)s'),
    'pcb_assembly': _('%(placements)d SMT placements (%(components)d parts, %(sides)d side(s)), %(tht)d through-hole joints; components not included'),
    'pcb_overhead': _("the board price includes the fabricator's own overhead"),
    'not_revolution': _('the part is not a solid of revolution: turning alone cannot make it'),
    'not_plate': _('the part is not a plate of uniform thickness: not a sheet-metal part'),
    'below_min_qty': _('below %(qty)d units this tool is rarely sensible'),
    'above_max_qty': _('above %(qty)d units this process is rarely sensible'),
    'exceeds_envelope': _('the part exceeds the common machine envelope'),
    'material_not_made': _('this process does not make %(material)s'),
    'plan_material': _("the plan keeps the part's material, %(material)s, for every quantity"),
    'plan_family': _('no material given: the plan keeps one material family, %(family)s, for every quantity (choose a material to compare another)'),
    'no_sensible_process': _('no sensible process for this part and quantity'),
    'lever_quantity': _('the plan reaches %(target)g USD from about %(quantity)d units'),
    'lever_tooling': _('tooling dominates: a larger lot, fewer side actions or a simpler/aluminium mould lowers it'),
    'lever_material': _('material dominates: less volume (thinner walls, cored sections) or a cheaper material lowers it'),
    'lever_time': _('%(item)s time dominates: a lower-rate region or a faster process (e.g. moulding instead of printing) lowers it'),
    'lever_landed': _('landed costs dominate: consolidate shipments or make it closer to the client'),
    'lever_setup': _('set-up dominates: order more per batch'),
}

SENTENCES.update(refusals.SENTENCES)  # why a file or an option is refused (core.refusals)

CHECK_TITLES: dict[str, Any] = {
    "non_watertight": _("Open mesh"),
    "units_guessed": _("Units guessed"),
    "units_edge": _("Units uncertain"),
    "multiple_bodies": _("Several bodies"),
    "thin_walls": _("Thin walls"),
    "thin_features": _("Thin feature"),
    "thick_sections": _("Thick sections"),
    "undercuts": _("Undercuts"),
    "missing_draft": _("Missing draft"),
    "deep_pockets": _("Deep pocket"),
    "sharp_internal_corners": _("Sharp internal corners"),
    "too_large": _("Too large"),
    "tiny_part": _("Very small part"),
}

BREAKDOWN: dict[str, Any] = {
    "material": _("material"),
    "machine": _("machine"),
    "labour": _("labour"),
    "finishing": _("finishing"),
    "setup": _("set-up"),
    "tooling_amortised": _("tooling (per part)"),
    "margin": _("margin"),
    "shipping": _("shipping"),
    "duty": _("duty"),
    "cross_border": _("cross-border costs"),
}


LANES: dict[str, Any] = {
    "domestic": _("domestic"),
    "east_asia": _("East Asia"),
    "intercontinental": _("intercontinental"),
}

SHIPPING_MODES: dict[str, Any] = {
    "express": _("express parcel"),
    "freight": _("freight"),
}

MACHINABILITY: dict[str, Any] = {
    "aluminum": _("aluminium class"),
    "steel": _("steel class"),
    "stainless": _("stainless class"),
    "titanium": _("titanium class"),
    "copper_alloy": _("copper alloy class"),
    "plastic": _("plastics class"),
}

UNITS_SOURCES: dict[str, Any] = {
    "file": _("stated in the file"),
    "guessed": _("guessed from the size"),
    "user": _("chosen by you"),
}

_WORDS = {"units_source": UNITS_SOURCES, "lane": LANES, "shipping_mode": SHIPPING_MODES, "cost_item": BREAKDOWN,
          "machinability": MACHINABILITY}


def label(kind: str, code: str) -> str:
    """A code's label in the current language: taxonomy codes (material families included),
    shipping lanes and modes, cost items and machinability classes."""
    lang = get_language() or "en"
    if kind in _WORDS:
        word = _WORDS[kind].get(code)
        return str(word) if word is not None else code.replace("_", " ")
    if kind == "material_family":
        names = taxonomy.MATERIAL_FAMILIES.get(code)
        return names.get(lang, names.get("en", code)) if names else code
    return taxonomy.label(kind, code, lang)


def describe(item: Mapping[str, Any] | str | None) -> str:
    """The sentence of an engine's ``{code, params, message}`` in the current language; the
    English ``message`` when the code is unknown (an older stored estimate), a plain string as
    it is."""
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    template = SENTENCES.get(str(item.get("code")))
    if template is None:
        return str(item.get("message", ""))
    return render(str(template), item.get("params") or {}, label)
