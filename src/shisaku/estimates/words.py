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
from shisaku.engines.messages import render
from shisaku.errors import InputError

__all__ = ["BREAKDOWN", "CHECK_TITLES", "SENTENCES", "describe", "label", "refusal", "spoken_error"]

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
    # why a file or an option is refused (engines.messages.REFUSALS)
    'file_empty': _('the file is empty'),
    'file_unreadable': _('cannot read %(name)s: %(detail)s'),
    'file_too_large': _('%(bytes)s bytes exceed the limit of %(limit)s'),
    'file_type_unsupported': _("unsupported file type '%(suffix)s'; use STL, OBJ, 3MF or STEP"),
    'file_unparsable': _('cannot parse the %(format)s file: %(detail)s'),
    'units_unknown': _("unknown unit '%(unit)s'"),
    'triangles_too_many': _('the file holds %(triangles)s triangles, over the limit of %(limit)s triangles'),
    'instances_too_many': _('the file places %(triangles)s triangles (objects repeated by reference), over the limit of %(limit)s triangles'),
    'step_too_large': _('%(bytes)s bytes exceed the STEP limit of %(limit)s'),
    'step_no_header': _('not a STEP file (no ISO-10303-21 header)'),
    'step_truncated': _('the STEP file is truncated (no END-ISO-10303-21 trailer)'),
    'step_unreadable': _('cannot read the STEP file (damaged or no solids)'),
    'stl_not_stl': _('not an STL file (neither binary nor ASCII STL)'),
    'stl_truncated': _('the binary STL file is truncated: header declares %(declared)s triangles (%(expected)s bytes) but the file has %(bytes)s bytes'),
    'stl_length_mismatch': _('the binary STL header does not match the file length (not an STL file?)'),
    'obj_face_too_many_vertices': _('a face of the OBJ file has %(vertices)s vertices, over the limit of %(limit)s vertices per face'),
    'threemf_not_zip': _('not a 3MF file (not a valid zip archive)'),
    'threemf_no_model': _('the 3MF archive has no 3D model part'),
    'threemf_inflates_declared': _('the 3MF archive would inflate to %(bytes)s bytes, over the limit of %(limit)s bytes'),
    'threemf_inflates': _('the 3MF archive inflates past the limit of %(limit)s bytes'),
    'threemf_damaged': _('the 3MF archive is damaged: %(detail)s'),
    'mesh_no_triangles': _('the %(format)s file has no triangles (no faces)'),
    'mesh_non_finite': _('the mesh has non-finite vertex coordinates (NaN or infinity); export the part again'),
    'mesh_too_few_triangles': _('the mesh has only %(triangles)s triangle(s); a solid needs at least 4 (export the part as a closed solid)'),
    'mesh_flat': _('the mesh is flat (all vertices on one plane or line): it encloses no volume; export the part as a closed solid'),
    'mesh_no_volume': _('the mesh encloses no volume (an open or flat surface); export the part as a closed solid'),
    'mesh_degenerate': _('the mesh is degenerate (zero size)'),
    'process_no_file_model': _('no cost model from a CAD file for %(processes)s'),
    'process_pcb_from_file': _('no cost model from a CAD file for %(processes)s (PCBs are costed from board data, not a file)'),
    'process_no_model': _("no cost model for '%(code)s'"),
    'process_not_making': _('%(process)s does not make %(material)s'),
    'material_no_process': _('none of the processes makes %(material)s'),
    'material_no_price': _("no %(form)s price for '%(code)s'"),
    'region_no_rates': _("no rate table for region '%(code)s'"),
    'country_unknown': _("unknown country '%(code)s'"),
    'currency_no_rate': _('no exchange rate for %(currency)s'),
    'quantities_not_positive': _('quantities must be positive integers'),
    'lead_days_below_one': _('the longest lead time must be at least one day'),
    'target_not_positive': _('the target unit cost must be positive'),
    'board_size_missing': _('give the board size as width and height in mm'),
    'board_area_not_positive': _('the board area must be positive'),
    'board_sides': _('components go on 1 or 2 sides'),
    'counts_negative': _('counts cannot be negative'),
    'layers_no_price': _('no price for %(layers)d layers'),
}

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


def refusal(exc: InputError) -> str:
    """An ``InputError``'s reason in the current language: the sentence of its engine
    ``code`` with its ``params``; the ``reason`` as given when it has no code (the apps'
    own reasons are translated where they are raised)."""
    template = SENTENCES.get(exc.code) if exc.code else None
    if template is None:
        return exc.reason
    return render(str(template), exc.params, label)


def spoken_error(exc: InputError) -> InputError:
    """``exc`` with its reason in the current language (:func:`refusal`); ``field``,
    ``valid``, ``code`` and ``params`` kept, so the API's 422 carries the code beside it."""
    if not exc.code:
        return exc
    return InputError(exc.field, refusal(exc), valid=exc.valid or None, code=exc.code,
                      params=exc.params)
