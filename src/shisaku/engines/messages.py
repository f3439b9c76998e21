"""Codes with parameters for everything the estimating engines say (pure; no Django).

An engine never returns a sentence alone: a DFM finding, a loader note, a cost assumption or
a reason is ``{"code", "params", "message"}``. ``message`` is the English text (the CLI prints
it; the JSON keeps it for the stable interface); the apps translate ``code`` + ``params``
with their own catalogue (``shisaku.estimates.words``), which a test keeps in step with the
templates below. Templates are ``%``-format strings; parameters named in :data:`LABELLED` are
taxonomy codes and are shown by their label. A refusal (bad input) is the same: :func:`refuse`
makes the ``InputError`` of a :data:`REFUSALS` code with its params and English reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from shisaku.errors import InputError

__all__ = ["LABELLED", "REFUSALS", "TEMPLATES", "refuse", "render", "said", "say", "spoken"]

# parameter name -> taxonomy kind of its code
LABELLED = {"process": "process", "region": "country", "material": "material",
            "other_process": "process", "family": "material_family", "basis": "country",
            "origin": "country", "destination": "country",
            "lane": "lane", "mode": "shipping_mode", "item": "cost_item",
            "cls": "machinability"}
# kinds that are not taxonomy codes: their English label is the code in words
_WORD_KINDS = {"lane", "shipping_mode", "cost_item", "machinability"}

TEMPLATES: dict[str, str] = {
    # loader and measurement notes
    "bodies_flipped": "%(count)d body(ies) had inward-facing normals and were flipped",
    "inner_shells": "%(count)d object(s) lie inside another and are read as cavities (inner "
                    "shells), not as extra material",
    "units_overridden": "the file states %(file_unit)s; overridden by the user to %(unit)s",
    "units_guessed": "largest extent %(extent).4g read as %(unit)s",
    "units_edge": "the largest extent %(extent).4g is close to %(edge)g, where the unit guess "
                  "changes: check the units",
    "units_converted": "file unit %(unit)s converted to mm",
    "stl_vertex_count": "the ASCII STL has %(facets)d facets but %(vertices)d vertices (not 3 "
                        "per facet): some facets may be read wrongly",
    "obj_relative_indices": "the OBJ file uses relative (negative) vertex indices: they were "
                            "resolved where each face stands in the file (some readers resolve "
                            "them against the end of the file)",
    "not_watertight": "mesh is not watertight: volume and thickness are approximate",
    # DFM findings
    "non_watertight": "The mesh has holes or open edges, so volume, weight and wall thickness "
                      "are approximate; export a closed solid for a reliable estimate.",
    "units_guessed_finding": "The file carries no units; its size reads best as %(unit)s. "
                             "Override the units if that is wrong.",
    "units_edge_finding": "The part's size (%(extent).4g file units) is close to where the unit "
                          "guess changes: check that %(unit)s is right.",
    "multiple_bodies": "The file holds %(bodies)d separate bodies; they are costed together as "
                       "one part (an assembly is usually made part by part).",
    "thin_walls": "%(share_pct).0f%% of the walls are thinner than %(min_wall_mm)g mm (down to "
                  "%(wall_mm).2f mm), below what %(process)s reliably makes: they may break, "
                  "warp or not fill.",
    "thin_features": "A thin local feature (about %(area_pct).1f%% of the surface, down to "
                     "%(wall_mm).2f mm) is below the %(min_wall_mm)g mm that %(process)s "
                     "reliably makes: a fin, rib or lip that may break or not fill.",
    "thick_sections": "Sections up to %(wall_mm).1f mm (nominal wall %(nominal_mm).1f mm) will "
                      "shrink unevenly when %(process)s is used (sink marks, voids) and lengthen "
                      "the cooling time; core them out to a uniform wall.",
    "undercuts": "About %(area_mm2).0f mm² cannot be released along the %(pull_axis)s axis: "
                 "the %(process)s tool needs %(side_actions)d side action(s) (slides or "
                 "lifters), priced in the tool and the cycle.",
    "missing_draft": "%(area_mm2).0f mm² of side walls have less than 0.5° draft along the "
                     "%(pull_axis)s axis; %(process)s parts need about 1–2° to eject without "
                     "drag marks.",
    "deep_pockets": "A pocket %(depth_mm).1f mm deep and %(width_mm).1f mm wide (%(ratio).1f:1) "
                    "needs long, slender cutters in %(process)s: slower cuts, priced as "
                    "%(extra_h).2f h more per part; keep pockets under 4:1.",
    "sharp_internal_corners": "%(count)d sharp internal corner edge(s) (%(length_mm).0f mm in "
                              "all) cannot be milled square by a round cutter in %(process)s; "
                              "give them a radius, or they need EDM or a smaller tool "
                              "(priced as %(extra_h).2f h more per part).",
    "too_large": "The part (%(size)s mm) exceeds the common %(process)s envelope of "
                 "%(envelope)s mm; it must be split or made on a larger machine.",
    "tiny_part": "The part is only %(length_mm).2f mm long; check the units.",
    # cost assumptions
    "fdm": "FDM: %(shell_mm)g mm shell, %(infill_pct).0f%% infill, %(support_pct).0f%% "
           "support: %(printed_cm3).1f cm³ printed at %(rate_cm3_h)g cm³/h",
    "sla": "SLA: laid flat (%(height_mm).0f mm tall), %(per_build)d per platform; builds shared "
           "with other jobs",
    "powder_bed": "powder bed: %(per_build)d parts per build by packing their bounding boxes "
                  "(%(bed_pct).0f%% of the build volume), %(build_h).0f h per build "
                  "incl. cool-down, %(refresh_pct).0f%% powder refresh; builds shared with other "
                  "jobs",
    "powder_post": "post-processing: breaking out, depowdering and bead blasting a full build "
                   "take %(build_post_h)g h, shared by bounding box, plus "
                   "%(min_per_part_min).1f min handling per part: %(post_min).1f min per part",
    "cnc_milling": "CNC milling (%(cls)s): %(removal_cm3).1f cm³ removed at %(mrr)g cm³/min, "
                   "%(area_cm2).0f cm² finished at %(finish)g cm²/min, %(setups)d set-ups, "
                   "%(programming_h).1f h CAM programming",
    "cnc_turning": "turning from Ø%(bar_d).1f x %(bar_l).1f mm bar, %(removal_cm3).1f cm³ "
                   "removed",
    "sheet_metal": "sheet %(t_mm).2f mm, blank %(blank_cm2).0f cm², %(cut_m).2f m laser cut at "
                   "%(speed).1f m/min, %(pierces)d pierces, %(bends)d bends",
    "vacuum_casting": "vacuum casting: SLA master %(master_usd).0f USD, %(moulds)d silicone "
                      "mould(s) of %(silicone_kg).2f kg at %(life)d castings each, "
                      "%(material)s-like PU resin",
    "moulding": "moulding: %(cavities)d cavity(ies), wall %(wall_mm).2f mm (p90) -> cooling "
                "%(cooling_s).1f s, cycle %(cycle_s).1f s on a %(press_t).0f t press; mould "
                "%(mould_usd).0f USD (%(mould_h).0f h at %(toolmaker)g USD/h + base "
                "%(base_usd).0f; %(side_actions)d side action(s))",
    "die_casting": "die casting: %(cavities)d cavity(ies), %(shot_kg).3f kg shot, cycle "
                   "%(cycle_s).1f s on a %(machine_t).0f t machine; die %(die_usd).0f USD "
                   "(%(die_h).0f h at %(toolmaker)g USD/h; %(side_actions)d slide(s)), trimming "
                   "and deburring %(trim_s).0f s",
    "no_wall_measured": "no wall-thickness measurement: %(wall_mm)g mm assumed for cooling",
    "learning_curve": "learning curve %(rate_pct).0f%%: machine and labour time per part at "
                      "%(factor_pct).0f%% of the first units' (%(source)s)",
    "region_rates": "%(region)s rates: labour %(labour)g USD/h, capital factor %(capital)g",
    "margin": "margin %(pct)g %% on production cost",
    "shipping_domestic": "shipping %(origin)s->%(destination)s by %(mode)s (%(lane)s lane), "
                         "%(days)d days",
    "shipping_cross_border": "shipping %(origin)s->%(destination)s by %(mode)s (%(lane)s lane), "
                             "%(days)d days; import duty %(duty_pct)g %%, customs clearance, "
                             "remote engineering time and inspection included",
    "pcb_board": "%(layers)d-layer FR-4 board %(width_mm).0f x %(height_mm).0f mm "
                 "(%(area_cm2).1f cm²), %(usd_cm2).3f USD/cm² at prices of %(basis)s",
    "pcb_assembly": "%(placements)d SMT placements (%(components)d parts, %(sides)d side(s)), "
                    "%(tht)d through-hole joints; components not included",
    "pcb_overhead": "the board price includes the fabricator's own overhead",
    # why an option is not sensible
    "not_revolution": "the part is not a solid of revolution: turning alone cannot make it",
    "not_plate": "the part is not a plate of uniform thickness: not a sheet-metal part",
    "below_min_qty": "below %(qty)d units this tool is rarely sensible",
    "above_max_qty": "above %(qty)d units this process is rarely sensible",
    "exceeds_envelope": "the part exceeds the common machine envelope",
    "material_not_made": "this process does not make %(material)s",
    # plan and target check
    "plan_material": "the plan keeps the part's material, %(material)s, for every quantity",
    "plan_family": "no material given: the plan keeps one material family, %(family)s, for "
                   "every quantity (choose a material to compare another)",
    "no_sensible_process": "no sensible process for this part and quantity",
    "lever_quantity": "the plan reaches %(target)g USD from about %(quantity)d units",
    "lever_tooling": "tooling dominates: a larger lot, fewer side actions or a simpler/"
                     "aluminium mould lowers it",
    "lever_material": "material dominates: less volume (thinner walls, cored sections) or a "
                      "cheaper material lowers it",
    "lever_time": "%(item)s time dominates: a lower-rate region or a faster process (e.g. "
                  "moulding instead of printing) lowers it",
    "lever_landed": "landed costs dominate: consolidate shipments or make it closer to the "
                    "client",
    "lever_setup": "set-up dominates: order more per batch",
}

# Why an engine refuses its input (InputError with field, code and params; see :func:`refuse`).
# Byte and triangle counts are whole numbers, grouped by thousands (``%(n)s``); ``detail`` is a reader library's own words and
# ``name`` a file name, both shown as they are.
REFUSALS: dict[str, str] = {
    # the file: type, size, limits (geometry.loading, geometry.scan)
    "file_empty": "the file is empty",
    "file_unreadable": "cannot read %(name)s: %(detail)s",
    "file_too_large": "%(bytes)s bytes exceed the limit of %(limit)s",
    "file_type_unsupported": "unsupported file type '%(suffix)s'; use STL, OBJ, 3MF or STEP",
    "file_unparsable": "cannot parse the %(format)s file: %(detail)s",
    "units_unknown": "unknown unit '%(unit)s'",
    "triangles_too_many": "the file holds %(triangles)s triangles, over the limit of "
                          "%(limit)s triangles",
    "instances_too_many": "the file places %(triangles)s triangles (objects repeated by "
                          "reference), over the limit of %(limit)s triangles",
    "step_too_large": "%(bytes)s bytes exceed the STEP limit of %(limit)s",
    "step_no_header": "not a STEP file (no ISO-10303-21 header)",
    "step_truncated": "the STEP file is truncated (no END-ISO-10303-21 trailer)",
    "step_unreadable": "cannot read the STEP file (damaged or no solids)",
    "stl_not_stl": "not an STL file (neither binary nor ASCII STL)",
    "stl_truncated": "the binary STL file is truncated: header declares %(declared)s triangles "
                     "(%(expected)s bytes) but the file has %(bytes)s bytes",
    "stl_length_mismatch": "the binary STL header does not match the file length (not an STL "
                           "file?)",
    "obj_face_too_many_vertices": "a face of the OBJ file has %(vertices)s vertices, over the "
                                  "limit of %(limit)s vertices per face",
    "threemf_not_zip": "not a 3MF file (not a valid zip archive)",
    "threemf_no_model": "the 3MF archive has no 3D model part",
    "threemf_inflates_declared": "the 3MF archive would inflate to %(bytes)s bytes, over the "
                                 "limit of %(limit)s bytes",
    "threemf_inflates": "the 3MF archive inflates past the limit of %(limit)s bytes",
    "threemf_damaged": "the 3MF archive is damaged: %(detail)s",
    # the mesh: no solid to cost
    "mesh_no_triangles": "the %(format)s file has no triangles (no faces)",
    "mesh_non_finite": "the mesh has non-finite vertex coordinates (NaN or infinity); export "
                       "the part again",
    "mesh_too_few_triangles": "the mesh has only %(triangles)s triangle(s); a solid needs at "
                              "least 4 (export the part as a closed solid)",
    "mesh_flat": "the mesh is flat (all vertices on one plane or line): it encloses no volume; "
                 "export the part as a closed solid",
    "mesh_no_volume": "the mesh encloses no volume (an open or flat surface); export the part "
                      "as a closed solid",
    "mesh_degenerate": "the mesh is degenerate (zero size)",
    # the options (costing)
    "process_no_file_model": "no cost model from a CAD file for %(processes)s",
    "process_pcb_from_file": "no cost model from a CAD file for %(processes)s (PCBs are costed "
                             "from board data, not a file)",
    "process_no_model": "no cost model for '%(code)s'",
    "process_not_making": "%(process)s does not make %(material)s",
    "material_no_process": "none of the processes makes %(material)s",
    "material_no_price": "no %(form)s price for '%(code)s'",
    "region_no_rates": "no rate table for region '%(code)s'",
    "country_unknown": "unknown country '%(code)s'",
    "currency_no_rate": "no exchange rate for %(currency)s",
    "quantities_not_positive": "quantities must be positive integers",
    "lead_days_below_one": "the longest lead time must be at least one day",
    "target_not_positive": "the target unit cost must be positive",
    "board_size_missing": "give the board size as width and height in mm",
    "board_area_not_positive": "the board area must be positive",
    "board_sides": "components go on 1 or 2 sides",
    "counts_negative": "counts cannot be negative",
    "layers_no_price": "no price for %(layers)d layers",
    # matching (engines.matching: the requirement and the weights) and consortium planning
    # (engines.consortium: packages, manufacturer records, offers, constraints); the field
    # names the place, the sentence says what it must be. ``ids``, ``names``, ``codes`` and
    # ``cycle`` are the user's own values, joined, shown as they are
    "packages_not_list": "a non-empty list of work packages",
    "package_ids_duplicate": "duplicate package ids: %(ids)s",
    "processes_not_list": "a list of process codes",
    "materials_not_list": "a list of material codes",
    "part_size_not_three": "three positive numbers (x, y, z in mm)",
    "package_not_object": "a work package must be an object",
    "package_id_missing": "a non-empty string is required",
    "package_id_lead": "'lead' is reserved for the lead role",
    "package_no_process": "at least one process is required",
    "pieces_not_positive": "a positive integer number of pieces",
    "package_ids_not_list": "a list of package ids",
    "cost_negative": "a non-negative number of cost units",
    "depends_unknown": "unknown package ids: %(ids)s",
    "package_self_dependency": "depends on itself",
    "part_not_object": "a part must be an object",
    "dependency_cycle": "dependency cycle: %(cycle)s",
    "request_not_object": "the request must be a JSON object",
    "manufacturers_file_refused": "not accepted here; send the records inline",
    "not_integer": "an integer",
    "not_non_negative": "a non-negative number",
    "firm_not_object": "a manufacturer record must be an object",
    "firm_id_missing": "every manufacturer needs an id",
    "firm_lat_lon_not_numbers": "lat and lon must be numbers (degrees)",
    "capabilities_not_list": "a list of capability objects",
    "capacity_not_integer": "a non-negative integer or null",
    "capability_process_missing": "a process code",
    "envelope_not_three": "three numbers (mm) or null",
    "not_a_number": "a number",
    "offers_not_list": "a list of {package, manufacturer, total_cost}",
    "firm_ids_not_list": "a list of manufacturer ids",
    "not_an_object": "an object",
    "constraints_unknown": "unknown constraints: %(names)s",
    "km_negative": "a non-negative number of km",
    "required_not_object": "an object of package id -> manufacturer id",
    "packages_unknown": "unknown packages: %(ids)s",
    "regions_not_list": "a list of region or block codes",
    "regions_unknown": "unknown regions: %(codes)s",
    "distance_no_origin_region": "a region code (or an origin) to measure the distance from",
    "willingness_not_object": "an object of manufacturer id -> [package ids, 'lead']",
    "firms_not_list": "a list of manufacturer records",
    "firm_ids_duplicate": "duplicate ids: %(ids)s",
    "certifications_not_list": "a list of certification codes",
    "client_country_not_code": "an ISO country code",
    "weights_not_object": "an object of term -> weight",
    "weights_unknown": "unknown weights: %(names)s",
    "firm_no_place": "lat/lon or a region code is required",
    "number_or_null": "a number or null",
    "offer_package_unknown": "unknown package id",
    "offer_firm_missing": "a manufacturer id is required",
    "days_negative": "a non-negative number of days",
    "countries_not_list": "a list of ISO country codes",
    "countries_unknown": "unknown countries: %(codes)s",
    "origin_not_degrees": "lat and lon in degrees",
    "region_unknown": "unknown region: %(code)s",
    "willingness_not_list": "a list of package ids (and 'lead')",
    "packages_missing": "give 'packages' (work packages) or 'parts'",
    "firms_not_among": "not among the manufacturers: %(ids)s",
    "parts_not_list": "a non-empty list of parts",
    "match_not_number": "must be a number",
    "match_not_finite": "must be a finite number",
    "match_codes_not_list": "must be a list of codes",
    "match_code_not_string": "must be a code (a string)",
    "quantity_not_whole": "must be a whole number of units",
    "quantity_below_one": "must be at least 1",
    "match_size_not_three": "must be a list of three sizes in mm [x, y, z]",
    "match_size_not_positive": "every size must be greater than 0 mm",
    "origin_not_object": "must be an object {\"lat\": …, \"lon\": …}",
    "origin_keys_unknown": "unknown key(s): %(names)s",
    "origin_lat_lon_missing": "needs both lat and lon",
    "latitude_out_of_range": "must be between -90 and 90 degrees",
    "longitude_out_of_range": "must be between -180 and 180 degrees",
    "requirement_not_object": "the requirement must be a JSON object",
    "requirement_fields_unknown": "unknown field(s): %(names)s",
    "distance_no_origin": "needs an origin or an origin_region to measure from",
    "region_not_string": "must be a region code (a string)",
    "region_no_code": "no region with code '%(code)s'",
    "distance_not_positive": "must be greater than 0 km",
    "weights_all_zero": "at least one weight must be greater than 0",
    "factor_unknown": "unknown factor '%(name)s'",
    "weight_not_number": "the weight of %(name)s must be a number",
    "weight_not_finite": "the weight of %(name)s must be a finite number ≥ 0",
}
if set(REFUSALS) & set(TEMPLATES):  # pragma: no cover - a code means one thing
    raise RuntimeError(f"refusal codes reused: {sorted(set(REFUSALS) & set(TEMPLATES))}")
TEMPLATES.update(REFUSALS)


def _english_label(kind: str, code: str) -> str:
    from shisaku import taxonomy

    if kind in _WORD_KINDS:
        return code.replace("_", " ")
    return taxonomy.label(kind, code, "en") if kind != "material_family" else code

_GROUPED = re.compile(r"%\((\w+)\)s")


def render(template: str, params: Mapping[str, Any],
           label: Callable[[str, str], str] = _english_label) -> str:
    """``template % params``, taxonomy codes replaced by their label (``label(kind, code)``);
    a whole number shown by ``%(name)s`` is grouped by thousands (``1,000,000``: byte and
    triangle counts; ko and ja group the same way)."""
    grouped = set(_GROUPED.findall(template))
    values = {k: (label(LABELLED[k], str(v)) if k in LABELLED and v is not None
                  else f"{v:,}" if k in grouped and type(v) is int else v)
              for k, v in params.items()}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):  # a catalogue entry out of step: say something
        return template


def say(code: str, **params: Any) -> dict[str, Any]:
    """``{"code", "params", "message"}`` with the English message of ``code``."""
    return {"code": code, "params": params, "message": render(TEMPLATES[code], params)}


def said(code: str, **params: Any) -> dict[str, Any]:
    """``{"code", "params"}`` without the message yet: the cost models say thousands of
    things while the plan searches; :func:`spoken` adds the English message to those that
    are output."""
    if code not in TEMPLATES:
        raise KeyError(code)
    return {"code": code, "params": params}


def spoken(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with its English ``message`` (rendered once)."""
    if "message" not in item:
        item["message"] = render(TEMPLATES[item["code"]], item["params"])
    return item


def refuse(field: str, code: str, /, *, valid: list[str] | None = None,
           **params: Any) -> InputError:
    """The :class:`InputError` for refusal ``code`` (a key of :data:`REFUSALS`) on ``field``:
    ``reason`` is the English sentence (what the CLI prints), ``code`` and ``params`` let the
    apps say it in the reader's language. Raises KeyError for an unknown code. Usage:
    ``raise refuse("file", "file_too_large", bytes=n, limit=limit)``."""
    template = REFUSALS[code]
    plain = {k: (v.item() if hasattr(v, "item") else v)  # numpy scalars: JSON-able
             for k, v in params.items()}
    return InputError(field, render(template, plain), valid=valid, code=code, params=plain)
