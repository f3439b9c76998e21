"""The spec builder: per process family, the fields a manufacturer needs to quote a part.

Pure (no ORM): a part is read through :func:`part_values` from any object with the attributes
of ``projects.models.Part`` or from a plain mapping, so the rules are tested without a database.
Each field says *why* it matters to the manufacturer, in plain words, so the missing list
teaches the startup what a quotation needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy
from shisaku.errors import InputError
from shisaku.projects.choices import MAX_QUANTITY

__all__ = [
    "FAMILIES",
    "FAMILY_FIELDS",
    "Completeness",
    "SpecField",
    "all_spec_fields",
    "completeness",
    "families_of",
    "fields_for",
    "is_filled",
    "part_values",
    "project_completeness",
    "ready_for_rfq",
    "spec_rows",
    "validate_spec",
]

# Process families of the taxonomy, in the order their fields are shown.
FAMILIES: tuple[str, ...] = ("design", "machining", "sheet_metal", "molding_casting", "additive",
                             "electronics", "software", "assembly_testing")

# Where a field's value lives: a Part column, the Part.spec JSON, or the part's files.
SOURCE_PART = "part"
SOURCE_SPEC = "spec"
SOURCE_FILES = "files"


@dataclass(frozen=True)
class SpecField:
    """One thing a manufacturer asks before quoting.

    ``kind``: text | int | decimal | choice (spec values), process | material | tolerance |
    finish (Part columns), cad | drawing (a file of that kind). Numbers carry their unit in the
    key (``thickness_mm``).
    """

    key: str
    label: Promise
    kind: str
    why: Promise
    required: bool = True
    choices: tuple[tuple[str, Promise], ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    help_text: Promise | str = ""
    source: str = field(default=SOURCE_SPEC)

    def optional(self) -> SpecField:
        return SpecField(self.key, self.label, self.kind, self.why, False, self.choices,
                         self.min_value, self.max_value, self.help_text, self.source)


# --- Fields shared by several families ------------------------------------------------------

PROCESS = SpecField(
    "process", _("Process"), "process", source=SOURCE_PART,
    why=_("The process decides which firms can quote at all; a shop will not guess it."))
MATERIAL = SpecField(
    "material", _("Material"), "material", source=SOURCE_PART,
    why=_("Price, stock and machine time depend on the material; a firm without it cannot "
          "quote."))
RESIN = SpecField(
    "material", _("Resin / alloy"), "material", source=SOURCE_PART,
    why=_("The resin or alloy sets the mould steel, the shrinkage and the cycle time."))
QUANTITY = SpecField(
    "quantity", _("Quantity to quote"), "int", min_value=1, max_value=MAX_QUANTITY,
    why=_("Set-up and tooling are spread over the lot: the unit price at 10 and at 1,000 "
          "differ many times."))
TOLERANCE = SpecField(
    "tolerance", _("Tolerance"), "tolerance", source=SOURCE_PART,
    why=_("Tight tolerances need slower machining and inspection; without them a shop quotes "
          "the worst case or declines."))
FINISH = SpecField(
    "finish", _("Surface finish"), "finish", source=SOURCE_PART,
    help_text=_("e.g. as machined, bead blasted, black anodised, powder coated"),
    why=_("Anodising, painting or polishing is often a separate supplier; it changes cost and "
          "lead time."))
DRAWING = SpecField(
    "drawing", _("2D drawing (PDF)"), "drawing", source=SOURCE_FILES,
    why=_("Tolerances, threads and finishes are read from the drawing; most machine shops will "
          "not quote without one."))
CAD = SpecField(
    "cad", _("3D model (STEP, STL, 3MF or OBJ)"), "cad", source=SOURCE_FILES,
    why=_("Printers and mould makers price from the model's volume and shape."))
COLOUR = SpecField(
    "colour", _("Colour"), "text", help_text=_("e.g. black, RAL 9003, Pantone 2945 C"),
    why=_("Colour decides the masterbatch or paint and whether parts can share a run."))

YES_NO = (("yes", _("Yes")), ("no", _("No")))

FAMILY_FIELDS: dict[str, tuple[SpecField, ...]] = {
    "design": (
        SpecField("design_brief", _("Design brief"), "text",
                  help_text=_("what the product does, its size, where it is used"),
                  why=_("A designer prices by the work: a clear brief avoids an open-ended "
                        "hourly quote.")),
        SpecField("design_deliverables", _("Deliverables"), "text",
                  help_text=_("e.g. sketches, 3D model, drawings, a rendered image"),
                  why=_("Sketches and a production-ready 3D model are different jobs.")),
        CAD.optional(),
    ),
    "machining": (
        MATERIAL, QUANTITY, TOLERANCE, FINISH,
        SpecField("threads", _("Threads and inserts"), "text",
                  help_text=_("e.g. 4 x M3 tapped, 2 x M5 helicoil, or none"),
                  why=_("Tapping and inserts are extra operations and tools; shops count "
                        "them.")),
        DRAWING,
        CAD.optional(),
        SpecField("heat_treatment", _("Heat treatment"), "text", required=False,
                  why=_("Hardening is sent out and adds days and distortion allowances.")),
    ),
    "sheet_metal": (
        MATERIAL, QUANTITY,
        SpecField("thickness_mm", _("Sheet thickness (mm)"), "decimal", min_value=0.1,
                  max_value=50,
                  why=_("Thickness decides the press brake, the laser time and the minimum "
                        "bend radius.")),
        SpecField("bend_count", _("Number of bends"), "int", min_value=0, max_value=500,
                  why=_("Each bend is a set-up on the press brake; it drives the price of "
                        "small lots.")),
        FINISH, DRAWING,
        SpecField("welding", _("Welding needed"), "choice", choices=YES_NO, required=False,
                  why=_("Welding needs a certified welder and fixtures.")),
        CAD.optional(),
    ),
    "molding_casting": (
        RESIN, COLOUR,
        SpecField("texture", _("Surface texture"), "choice",
                  choices=(("glossy", _("Glossy / polished")), ("matte", _("Matte")),
                           ("textured", _("Textured (VDI / MoldTech grade)"))),
                  why=_("Polish or texture is machined into the mould steel; it changes the "
                        "mould price.")),
        SpecField("annual_volume", _("Annual volume (units)"), "int", min_value=1,
                  max_value=MAX_QUANTITY,
                  why=_("The mould's steel and the number of cavities follow the yearly "
                        "volume; it is the first question of a mould maker.")),
        SpecField("cavities", _("Cavities"), "choice",
                  choices=(("unknown", _("Not known: let the mould maker propose")),
                           ("1", "1"), ("2", "2"), ("4", "4"), ("8", "8"), ("16", "16")),
                  why=_("More cavities cost more mould and less per part; saying you do not "
                        "know is an answer too.")),
        CAD,
        TOLERANCE.optional(),
        SpecField("mould_owner", _("Who owns the mould"), "choice", required=False,
                  choices=(("startup", _("The startup")),
                           ("manufacturer", _("The manufacturer"))),
                  why=_("Owning the mould lets you move production to a second source.")),
    ),
    "additive": (
        MATERIAL, QUANTITY, FINISH, CAD,
        COLOUR.optional(),
    ),
    "electronics": (
        SpecField("layers", _("PCB layers"), "int", min_value=1, max_value=64,
                  why=_("Layer count is the main driver of the bare board price.")),
        SpecField("board_width_mm", _("Board width (mm)"), "decimal", min_value=1,
                  max_value=1000,
                  why=_("Board area sets how many boards fit a production panel.")),
        SpecField("board_height_mm", _("Board height (mm)"), "decimal", min_value=1,
                  max_value=1000,
                  why=_("Board area sets how many boards fit a production panel.")),
        SpecField("component_count", _("Components per board"), "int", min_value=0,
                  max_value=100_000,
                  why=_("Assembly is priced per placement; the count sizes the job.")),
        SpecField("assembly_sides", _("Assembly sides"), "choice",
                  choices=(("none", _("Bare board only")), ("top", _("Top side")),
                           ("both", _("Both sides"))),
                  why=_("Two-sided assembly is a second reflow pass and a second stencil.")),
        QUANTITY,
        SpecField("pcb_finish", _("Pad finish"), "choice", required=False,
                  choices=(("hasl", "HASL"), ("enig", "ENIG"), ("osp", "OSP")),
                  why=_("ENIG costs more but fine-pitch parts need it.")),
    ),
    "software": (
        SpecField("target_mcu", _("Target MCU / SoC"), "text",
                  help_text=_("e.g. nRF52840, STM32F4, ESP32-S3"),
                  why=_("Developers quote for chips and toolchains they know.")),
        SpecField("interfaces", _("Interfaces"), "text",
                  help_text=_("e.g. BLE, USB, I2C sensors, a mobile app"),
                  why=_("Each interface is a driver to write and test.")),
        SpecField("deliverables", _("Deliverables"), "text",
                  help_text=_("e.g. source code, binaries, test report, OTA updates"),
                  why=_("Source code ownership and testing change the price and who can "
                        "maintain it later.")),
    ),
    "assembly_testing": (
        SpecField("test_standard", _("Test standard"), "text",
                  help_text=_("e.g. IEC 60601-1, KC EMC, drop test 1.2 m, or none"),
                  why=_("The standard decides the lab, the equipment and the test time.")),
        QUANTITY,
        SpecField("packaging", _("Packaging"), "text",
                  help_text=_("e.g. bulk, retail box with manual"),
                  why=_("Retail packaging is a separate line item and supplier.")),
        SpecField("parts_supplied_by", _("Parts supplied by"), "choice", required=False,
                  choices=(("startup", _("The startup (consigned)")),
                           ("manufacturer", _("The manufacturer (turnkey)"))),
                  why=_("Turnkey assembly includes buying and stocking the parts.")),
    ),
}

_PROCESS_FAMILY: dict[str, str] = {t.code: t.family for t in taxonomy.PROCESSES}


def families_of(process_hints: Iterable[str]) -> list[str]:
    """Families of the given process codes, in display order (unknown codes are skipped)."""
    wanted = {_PROCESS_FAMILY.get(code) for code in process_hints}
    return [f for f in FAMILIES if f in wanted]


def fields_for(process_hints: Iterable[str]) -> list[SpecField]:
    """The process field, then the fields of every family of ``process_hints``.

    A field shared by two families appears once; it is required when either requires it.
    """
    out: dict[str, SpecField] = {PROCESS.key: PROCESS}
    for family in families_of(process_hints):
        for f in FAMILY_FIELDS[family]:
            if f.key not in out or (f.required and not out[f.key].required):
                out[f.key] = f
    return list(out.values())


def all_spec_fields() -> dict[str, SpecField]:
    """Every field stored in ``Part.spec`` by key (first definition wins)."""
    out: dict[str, SpecField] = {}
    for fields in FAMILY_FIELDS.values():
        for f in fields:
            if f.source == SOURCE_SPEC:
                out.setdefault(f.key, f)
    return out


def spec_rows(spec: Mapping[str, Any] | None) -> list[tuple[Any, Any]]:
    """(label, value as a reader sees it) of a part's spec values: a choice shows its label,
    never its code ("Matte", not "matte"); numbers and text as they are."""
    fields = all_spec_fields()
    rows: list[tuple[Any, Any]] = []
    for key, value in (spec or {}).items():
        spec_field = fields.get(key)
        if spec_field is None:
            continue  # a value of a field that no longer exists: not shown as a raw key
        if spec_field.kind == "choice":
            labels = dict(spec_field.choices)
            value = labels.get(value, value)
        rows.append((spec_field.label, value))
    return rows


def part_values(part: Any) -> dict[str, Any]:
    """The values the spec fields read, from a mapping or a Part-like object.

    Keys: process_hints (list), material, finish, tolerance_class, tolerance_mm, spec (dict),
    file_kinds (set of ``cad`` / ``drawing`` / ``image``).
    """
    if isinstance(part, Mapping):
        return {"process_hints": list(part.get("process_hints", [])),
                "material": part.get("material", ""), "finish": part.get("finish", ""),
                "tolerance_class": part.get("tolerance_class", ""),
                "tolerance_mm": part.get("tolerance_mm"), "spec": dict(part.get("spec", {})),
                "file_kinds": set(part.get("file_kinds", ()))}
    kinds = part.file_kinds
    return {"process_hints": list(part.process_hints or []), "material": part.material or "",
            "finish": part.finish or "", "tolerance_class": part.tolerance_class or "",
            "tolerance_mm": part.tolerance_mm, "spec": dict(part.spec or {}),
            "file_kinds": set(kinds() if callable(kinds) else kinds)}


def is_filled(spec_field: SpecField, values: Mapping[str, Any]) -> bool:
    """Whether ``values`` (from :func:`part_values`) answer ``spec_field``."""
    kind = spec_field.kind
    if kind == "process":
        return bool(values["process_hints"])
    if kind in ("material", "finish"):
        return bool(str(values[kind]).strip())
    if kind == "tolerance":
        return bool(values["tolerance_class"]) or values["tolerance_mm"] is not None
    if kind in ("cad", "drawing"):
        return kind in values["file_kinds"]
    value = values["spec"].get(spec_field.key)
    return value is not None and str(value).strip() != ""


class Completeness(NamedTuple):
    """``score`` in [0, 1]: the share of required fields filled; ``missing``: the required
    fields still empty, each ``{"field", "label", "why"}`` (labels and reasons translated)."""

    score: float
    missing: list[dict[str, str]]


def completeness(part: Any) -> Completeness:
    """Completeness of one part (a Part-like object or a mapping, see :func:`part_values`)."""
    values = part_values(part)
    required = [f for f in fields_for(values["process_hints"]) if f.required]
    missing = [f for f in required if not is_filled(f, values)]
    score = 1.0 if not required else (len(required) - len(missing)) / len(required)
    return Completeness(round(score, 4), [
        {"field": f.key, "label": str(f.label), "why": str(f.why)} for f in missing])


def project_completeness(parts: Iterable[Any]) -> float:
    """Mean completeness of the parts (every part counts the same); 0.0 without parts."""
    scores = [completeness(p).score for p in parts]
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def ready_for_rfq(score: float, threshold: float) -> bool:
    """A part may go out for quotation when its score reaches the threshold (1.0 = every
    required field filled)."""
    return score + 1e-9 >= threshold


def _clean_value(spec_field: SpecField, raw: Any) -> Any:
    name = f"spec.{spec_field.key}"
    if spec_field.kind == "text":
        text = str(raw).strip()
        if len(text) > 500:
            raise InputError(name, gettext("at most 500 characters"))
        return text
    if spec_field.kind == "choice":
        value = str(raw).strip()
        valid = [c for c, _label in spec_field.choices]
        if value not in valid:
            raise InputError(name, gettext("unknown choice %(value)s") % {"value": repr(value)}, valid=valid)
        return value
    if spec_field.kind in ("int", "decimal"):
        if isinstance(raw, bool):
            raise InputError(name, gettext("a number is needed"))
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            raise InputError(name, gettext("a number is needed")) from None
        if not number.is_finite():
            raise InputError(name, gettext("a finite number is needed"))
        if spec_field.kind == "int" and number != number.to_integral_value():
            raise InputError(name, gettext("a whole number is needed"))
        lo, hi = spec_field.min_value, spec_field.max_value
        if lo is not None and number < Decimal(str(lo)):
            raise InputError(name, gettext("must be at least %(value)s") % {"value": f"{lo:g}"})
        if hi is not None and number > Decimal(str(hi)):
            raise InputError(name, gettext("must be at most %(value)s") % {"value": f"{hi:g}"})
        return int(number) if spec_field.kind == "int" else float(number)
    raise InputError(name, gettext("not a spec value"))  # pragma: no cover - part columns


def validate_spec(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Clean ``Part.spec`` values: known keys only, typed and in range; blanks are dropped.

    Values of families the part no longer uses are kept (the process may come back).
    Raises InputError(``spec.<key>``, reason).
    """
    known = all_spec_fields()
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec_field = known.get(key)
        if spec_field is None:
            raise InputError(f"spec.{key}", gettext("unknown spec field"), valid=sorted(known))
        if value is None or str(value).strip() == "":
            continue
        out[key] = _clean_value(spec_field, value)
    return out
