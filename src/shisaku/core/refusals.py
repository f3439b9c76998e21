"""The one translator of engine refusals, for every app: an ``InputError`` raised through
``shisaku.engines.messages.refuse`` carries ``code`` and ``params`` beside its English
``reason``; :func:`refusal` says it in the current language (gettext, ko / en / ja) and
:func:`spoken_error` gives the same error with that reason, for the API's 422 (``shisaku.api``)
and the forms. Codes are those of ``engines.messages.REFUSALS``; a test keeps the placeholders
of :data:`SENTENCES` in step with the engine's templates. It lives in core, the lowest app
floor, so that the directory (matching), the estimate and the consortia all use it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.engines.messages import render
from shisaku.errors import InputError

__all__ = ["SENTENCES", "UNKNOWN_CODE", "label", "refusal", "spoken_error", "unknown_code_error"]

# the ``code`` of a taxonomy code the platform does not know (``taxonomy.UnknownCodeError``)
UNKNOWN_CODE = "unknown_code"

SENTENCES: dict[str, Any] = {
    # the estimate: the file, the mesh, the options (engines.geometry, engines.costing)
    "file_empty": _('the file is empty'),
    "file_unreadable": _('cannot read %(name)s: %(detail)s'),
    "file_too_large": _('%(bytes)s bytes exceed the limit of %(limit)s'),
    "file_type_unsupported": _("unsupported file type '%(suffix)s'; use STL, OBJ, 3MF or STEP"),
    "file_unparsable": _('cannot parse the %(format)s file: %(detail)s'),
    "units_unknown": _("unknown unit '%(unit)s'"),
    "triangles_too_many": _('the file holds %(triangles)s triangles, over the limit of %(limit)s triangles'),
    "instances_too_many": _('the file places %(triangles)s triangles (objects repeated by reference), over the limit of %(limit)s triangles'),
    "step_too_large": _('%(bytes)s bytes exceed the STEP limit of %(limit)s'),
    "step_no_header": _('not a STEP file (no ISO-10303-21 header)'),
    "step_truncated": _('the STEP file is truncated (no END-ISO-10303-21 trailer)'),
    "step_unreadable": _('cannot read the STEP file (damaged or no solids)'),
    "stl_not_stl": _('not an STL file (neither binary nor ASCII STL)'),
    "stl_truncated": _('the binary STL file is truncated: header declares %(declared)s triangles (%(expected)s bytes) but the file has %(bytes)s bytes'),
    "stl_length_mismatch": _('the binary STL header does not match the file length (not an STL file?)'),
    "obj_face_too_many_vertices": _('a face of the OBJ file has %(vertices)s vertices, over the limit of %(limit)s vertices per face'),
    "threemf_not_zip": _('not a 3MF file (not a valid zip archive)'),
    "threemf_no_model": _('the 3MF archive has no 3D model part'),
    "threemf_inflates_declared": _('the 3MF archive would inflate to %(bytes)s bytes, over the limit of %(limit)s bytes'),
    "threemf_inflates": _('the 3MF archive inflates past the limit of %(limit)s bytes'),
    "threemf_damaged": _('the 3MF archive is damaged: %(detail)s'),
    "mesh_no_triangles": _('the %(format)s file has no triangles (no faces)'),
    "mesh_non_finite": _('the mesh has non-finite vertex coordinates (NaN or infinity); export the part again'),
    "mesh_too_few_triangles": _('the mesh has only %(triangles)s triangle(s); a solid needs at least 4 (export the part as a closed solid)'),
    "mesh_flat": _('the mesh is flat (all vertices on one plane or line): it encloses no volume; export the part as a closed solid'),
    "mesh_no_volume": _('the mesh encloses no volume (an open or flat surface); export the part as a closed solid'),
    "mesh_degenerate": _('the mesh is degenerate (zero size)'),
    "process_no_file_model": _('no cost model from a CAD file for %(processes)s'),
    "process_pcb_from_file": _('no cost model from a CAD file for %(processes)s (PCBs are costed from board data, not a file)'),
    "process_no_model": _("no cost model for '%(code)s'"),
    "process_not_making": _('%(process)s does not make %(material)s'),
    "material_no_process": _('none of the processes makes %(material)s'),
    "material_no_price": _("no %(form)s price for '%(code)s'"),
    "region_no_rates": _("no rate table for region '%(code)s'"),
    "country_unknown": _("unknown country '%(code)s'"),
    "currency_no_rate": _('no exchange rate for %(currency)s'),
    "quantities_not_positive": _('quantities must be positive integers'),
    "lead_days_below_one": _('the longest lead time must be at least one day'),
    "target_not_positive": _('the target unit cost must be positive'),
    "board_size_missing": _('give the board size as width and height in mm'),
    "board_area_not_positive": _('the board area must be positive'),
    "board_sides": _('components go on 1 or 2 sides'),
    "counts_negative": _('counts cannot be negative'),
    "layers_no_price": _('no price for %(layers)d layers'),
    # matching and consortium planning (engines.matching, engines.consortium)
    "packages_not_list": _("a non-empty list of work packages"),
    "package_ids_duplicate": _("duplicate package ids: %(ids)s"),
    "processes_not_list": _("a list of process codes"),
    "materials_not_list": _("a list of material codes"),
    "part_size_not_three": _("three positive numbers (x, y, z in mm)"),
    "package_not_object": _("a work package must be an object"),
    "package_id_missing": _("a non-empty string is required"),
    "package_id_lead": _("'lead' is reserved for the lead role"),
    "package_no_process": _("at least one process is required"),
    "pieces_not_positive": _("a positive integer number of pieces"),
    "package_ids_not_list": _("a list of package ids"),
    "cost_negative": _("a non-negative number of cost units"),
    "depends_unknown": _("unknown package ids: %(ids)s"),
    "package_self_dependency": _("depends on itself"),
    "part_not_object": _("a part must be an object"),
    "dependency_cycle": _("dependency cycle: %(cycle)s"),
    "request_not_object": _("the request must be a JSON object"),
    "manufacturers_file_refused": _("not accepted here; send the records inline"),
    "not_integer": _("an integer"),
    "not_non_negative": _("a non-negative number"),
    "firm_not_object": _("a manufacturer record must be an object"),
    "firm_id_missing": _("every manufacturer needs an id"),
    "firm_lat_lon_not_numbers": _("lat and lon must be numbers (degrees)"),
    "capabilities_not_list": _("a list of capability objects"),
    "capacity_not_integer": _("a non-negative integer or null"),
    "capability_process_missing": _("a process code"),
    "envelope_not_three": _("three numbers (mm) or null"),
    "not_a_number": _("a number"),
    "offers_not_list": _("a list of {package, manufacturer, total_cost}"),
    "firm_ids_not_list": _("a list of manufacturer ids"),
    "not_an_object": _("an object"),
    "constraints_unknown": _("unknown constraints: %(names)s"),
    "km_negative": _("a non-negative number of km"),
    "required_not_object": _("an object of package id -> manufacturer id"),
    "packages_unknown": _("unknown packages: %(ids)s"),
    "regions_not_list": _("a list of region or block codes"),
    "regions_unknown": _("unknown regions: %(codes)s"),
    "distance_no_origin_region": _("a region code (or an origin) to measure the distance from"),
    "willingness_not_object": _("an object of manufacturer id -> [package ids, 'lead']"),
    "firms_not_list": _("a list of manufacturer records"),
    "firm_ids_duplicate": _("duplicate ids: %(ids)s"),
    "certifications_not_list": _("a list of certification codes"),
    "client_country_not_code": _("an ISO country code"),
    "weights_not_object": _("an object of term -> weight"),
    "weights_unknown": _("unknown weights: %(names)s"),
    "firm_no_place": _("lat/lon or a region code is required"),
    "number_or_null": _("a number or null"),
    "offer_package_unknown": _("unknown package id"),
    "offer_firm_missing": _("a manufacturer id is required"),
    "days_negative": _("a non-negative number of days"),
    "countries_not_list": _("a list of ISO country codes"),
    "countries_unknown": _("unknown countries: %(codes)s"),
    "origin_not_degrees": _("lat and lon in degrees"),
    "region_unknown": _("unknown region: %(code)s"),
    "willingness_not_list": _("a list of package ids (and 'lead')"),
    "packages_missing": _("give 'packages' (work packages) or 'parts'"),
    "firms_not_among": _("not among the manufacturers: %(ids)s"),
    "parts_not_list": _("a non-empty list of parts"),
    "match_not_number": _("must be a number"),
    "match_not_finite": _("must be a finite number"),
    "match_codes_not_list": _("must be a list of codes"),
    "match_code_not_string": _("must be a code (a string)"),
    "quantity_not_whole": _("must be a whole number of units"),
    "quantity_below_one": _("must be at least 1"),
    "match_size_not_three": _("must be a list of three sizes in mm [x, y, z]"),
    "match_size_not_positive": _("every size must be greater than 0 mm"),
    "origin_not_object": _("must be an object {\"lat\": …, \"lon\": …}"),
    "origin_keys_unknown": _("unknown key(s): %(names)s"),
    "origin_lat_lon_missing": _("needs both lat and lon"),
    "latitude_out_of_range": _("must be between -90 and 90 degrees"),
    "longitude_out_of_range": _("must be between -180 and 180 degrees"),
    "requirement_not_object": _("the requirement must be a JSON object"),
    "requirement_fields_unknown": _("unknown field(s): %(names)s"),
    "distance_no_origin": _("needs an origin or an origin_region to measure from"),
    "region_not_string": _("must be a region code (a string)"),
    "region_no_code": _("no region with code '%(code)s'"),
    "distance_not_positive": _("must be greater than 0 km"),
    "weights_all_zero": _("at least one weight must be greater than 0"),
    "factor_unknown": _("unknown factor '%(name)s'"),
    "weight_not_number": _("the weight of %(name)s must be a number"),
    "weight_not_finite": _("the weight of %(name)s must be a finite number ≥ 0"),
}


def label(kind: str, code: str) -> str:
    """A taxonomy code's label in the current language (material families included); the
    code itself when unknown."""
    lang = get_language() or "en"
    if kind == "material_family":
        names = taxonomy.MATERIAL_FAMILIES.get(code)
        return names.get(lang, names.get("en", code)) if names else code
    if kind in {"lane", "shipping_mode", "cost_item", "machinability"}:
        return code.replace("_", " ")
    return taxonomy.label(kind, code, lang)


def refusal(exc: InputError) -> str:
    """An ``InputError``'s reason in the current language: the sentence of its engine
    ``code`` with its ``params``; the ``reason`` as given when it has no code (the apps' own
    reasons are translated where they are raised)."""
    template = SENTENCES.get(exc.code) if exc.code else None
    if template is None:
        return exc.reason
    return render(str(template), exc.params, label)


def spoken_error(exc: InputError) -> InputError:
    """``exc`` with its reason in the current language (:func:`refusal`); ``field``,
    ``valid``, ``code`` and ``params`` kept, so that a 422 carries the code beside it."""
    if not exc.code:
        return exc
    return InputError(exc.field, refusal(exc), valid=exc.valid or None, code=exc.code,
                      params=exc.params)


def unknown_code_error(exc: taxonomy.UnknownCodeError) -> InputError:
    """A taxonomy's :class:`~shisaku.taxonomy.UnknownCodeError` as an ``InputError`` in the
    current language: ``field`` the kind (``process``, ``material`` ...), reason "unknown
    codes: …", ``valid`` the known codes, ``code`` :data:`UNKNOWN_CODE` with params
    ``{"kind", "codes"}`` (the unknown codes, a list)."""
    reason = gettext("unknown codes: %(codes)s") % {"codes": ", ".join(exc.unknown)}
    return InputError(exc.kind, reason, valid=exc.valid, code=UNKNOWN_CODE,
                      params={"kind": exc.kind, "codes": list(exc.unknown)})
