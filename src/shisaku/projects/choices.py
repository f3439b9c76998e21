"""Choice sets of projects, the stage transitions table and the per-stage checklists.

Pure: importable and testable without a database (TextChoices need no ORM connection).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shisaku import taxonomy


def _stage_label(code: str) -> Any:
    """The taxonomy's label of a stage in the active language, evaluated when shown: one label
    per code on every page (the taxonomy is the single source of stage names)."""
    return lazy(lambda: taxonomy.label("stage", code, get_language() or "en"), str)()


class Stage(models.TextChoices):
    """The six Startup Factory stages, in order (codes of ``taxonomy.STAGES``)."""

    BUSINESS_DESIGN = "business_design", _stage_label("business_design")
    SPEC_REVIEW = "spec_review", _stage_label("spec_review")
    PROTOTYPING = "prototyping", _stage_label("prototyping")
    DFM = "dfm", _stage_label("dfm")
    SMALL_LOT = "small_lot", _stage_label("small_lot")
    MASS_PRODUCTION = "mass_production", _stage_label("mass_production")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
assert taxonomy.codes("stage") == STAGE_ORDER, "Stage must follow taxonomy.STAGES"


class Currency(models.TextChoices):
    KRW = "KRW", "KRW"
    JPY = "JPY", "JPY"
    USD = "USD", "USD"
    CNY = "CNY", "CNY"
    EUR = "EUR", "EUR"
    TWD = "TWD", "TWD"
    VND = "VND", "VND"


class Confidentiality(models.TextChoices):
    PRIVATE = "private", _("Private: the startup and its coordinator only")
    INVITED = "invited", _("Shared with invited manufacturers after an NDA")


class FileKind(models.TextChoices):
    CAD = "cad", _("CAD model")
    DRAWING = "drawing", _("Drawing")
    IMAGE = "image", _("Image")


class ToleranceClass(models.TextChoices):
    """ISO 2768-1 general tolerance classes."""

    FINE = "f", _("ISO 2768 f (fine)")
    MEDIUM = "m", _("ISO 2768 m (medium)")
    COARSE = "c", _("ISO 2768 c (coarse)")
    VERY_COARSE = "v", _("ISO 2768 v (very coarse)")


class SummaryLanguage(models.TextChoices):
    KO = "ko", _("Korean")
    EN = "en", _("English")
    JA = "ja", _("Japanese")


# Target quantity per production phase: (model field, label, the stage it serves).
PHASES: tuple[tuple[str, Promise, str], ...] = (
    ("qty_prototype", _("Prototype"), Stage.PROTOTYPING),
    ("qty_pilot", _("Pilot lot"), Stage.DFM),
    ("qty_small_lot", _("Small lot"), Stage.SMALL_LOT),
    ("qty_mass", _("Mass production"), Stage.MASS_PRODUCTION),
)

# Sizes we refuse as absurd (a person typed a wrong unit or an extra zero).
MAX_QUANTITY = 100_000_000
MIN_TOLERANCE_MM = 0.001   # one micrometre: below what any job shop quotes
MAX_TOLERANCE_MM = 5.0     # coarser than ISO 2768 v on a 4 m part: not a tolerance


# --- Stage transitions ----------------------------------------------------------------------

class Move(models.TextChoices):
    FORWARD = "forward", _("Forward")
    BACK = "back", _("Back")


def stage_index(stage: str) -> int:
    """Position of ``stage`` in the pipeline (0 = business design); ValueError when unknown."""
    return STAGE_ORDER.index(stage)


def _build_transitions() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for i, source in enumerate(STAGE_ORDER):
        allowed: dict[str, str] = {}
        if i + 1 < len(STAGE_ORDER):
            allowed[STAGE_ORDER[i + 1]] = Move.FORWARD
        for target in STAGE_ORDER[:i]:
            allowed[target] = Move.BACK
        table[source] = allowed
    return table


# from-stage -> {to-stage: move}. Forward one step at a time (each step has its checklist);
# back any number of steps (a failed pilot sends a product back to prototyping), with a note.
TRANSITIONS: dict[str, dict[str, str]] = _build_transitions()


def transition_move(source: str, target: str) -> str | None:
    """``"forward"`` / ``"back"`` when ``source -> target`` is allowed, else None."""
    return TRANSITIONS.get(source, {}).get(target)


def transition_note_required(source: str, target: str) -> bool:
    """Going back needs a note saying why (the history must explain a step back)."""
    return transition_move(source, target) == Move.BACK


# --- Stage checklists ------------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    """One item of a stage checklist; ``rule`` names the project data that must back a tick
    (see :func:`rule_unmet`), empty when only people can vouch for it."""

    key: str
    label: Promise
    why: Promise
    rule: str = ""


# Items to complete before *leaving* the stage (the key is unique across all stages).
# Drawn from the report: the prototype barrier (44.1% of startups), undecided specs (40.8% of
# manufacturers' complaints), redesign for mass production (case B), cost surprises (case C).
CHECKLISTS: dict[str, tuple[ChecklistItem, ...]] = {
    Stage.BUSINESS_DESIGN: (
        ChecklistItem("bd_customer", _("Target customer and use case written down"),
                      _("Manufacturers ask who uses the product: it decides the quality "
                        "level and the certifications.")),
        ChecklistItem("bd_target_price", _("Target selling price and unit cost set"),
                      _("Without a target cost nobody can say whether a process fits "
                        "(case C: cost far above expectation)."), rule="target_cost"),
        ChecklistItem("bd_volume", _("Rough volume plan (first 300, 5,000, 30,000 units)"),
                      _("Process choice and tooling depend on volume; the report's hub model "
                        "moves production as volume grows."), rule="volume_plan"),
    ),
    Stage.SPEC_REVIEW: (
        ChecklistItem("sr_parts_listed", _("Every part listed in the BOM"),
                      _("A manufacturer quotes parts, not ideas."), rule="parts_listed"),
        ChecklistItem("sr_specs_complete", _("Required spec fields filled for each part"),
                      # xgettext:no-python-format
                      _("40.8% of manufacturers name undecided specs as their main difficulty "
                        "with startups; incomplete requests get no quotes."),
                      rule="specs_complete"),
        ChecklistItem("sr_files", _("CAD model or drawing attached to each part"),
                      _("Shops quote from geometry; a description alone gets a guess or a "
                        "refusal."), rule="files_attached"),
    ),
    Stage.PROTOTYPING: (
        ChecklistItem("pt_functional", _("Functional prototype validated"),
                      _("The functional prototype is the top barrier (44.1%); DFM on an "
                        "unproven design is wasted work.")),
        ChecklistItem("pt_target_cost", _("Target unit cost confirmed against estimates"),
                      _("DFM trades features against cost; it needs a number to aim at."),
                      rule="target_cost"),
        ChecklistItem("pt_volume_plan", _("Volume plan set for pilot and small lot"),
                      _("Tooling and process change with volume; DFM designs for a volume."),
                      rule="pilot_and_small_lot"),
    ),
    Stage.DFM: (
        ChecklistItem("dfm_review", _("DFM review done with the manufacturer"),
                      _("A prototype not fit for mass production forces a redesign (case B).")),
        ChecklistItem("dfm_tooling", _("Mould / tooling plan agreed (owner, cavities, cost)"),
                      _("Tooling is the largest fixed cost of a small lot and decides who "
                        "owns the design files (case E: lock-in).")),
        ChecklistItem("dfm_pilot", _("Pilot lot (about 300 units) built and inspected"),
                      _("The report's first 300 units prove the process before 5,000.")),
    ),
    Stage.SMALL_LOT: (
        ChecklistItem("sl_pilot_passed", _("Small lot passed quality inspection"),
                      _("Defects found at 30,000 units cost a hundred times more.")),
        ChecklistItem("sl_certification", _("Certification plan (KC, PSE, CE, UL...) in place"),
                      _("Products cannot be sold without the marks of their market; tests "
                        "take months.")),
        ChecklistItem("sl_second_source", _("Second source or volume supplier identified"),
                      _("At 30,000 units production may move (the report's Shenzhen step); "
                        "a second source avoids lock-in.")),
    ),
    Stage.MASS_PRODUCTION: (),
}

CHECKLIST_KEYS: frozenset[str] = frozenset(i.key for items in CHECKLISTS.values() for i in items)


def checklist_missing(stage: str, ticked: set[str] | frozenset[str]) -> list[ChecklistItem]:
    """Items of ``stage`` not yet ticked (the ones that block moving forward)."""
    return [item for item in CHECKLISTS.get(stage, ()) if item.key not in ticked]


def checklist_item(key: str) -> tuple[str, ChecklistItem] | None:
    """The stage owning the item ``key`` and the item, or None."""
    for stage, items in CHECKLISTS.items():
        for item in items:
            if item.key == key:
                return stage, item
    return None


def rule_unmet(rule: str, facts: Mapping[str, Any]) -> str | None:
    """Why the project data does not back a checklist rule, or None when it does.

    ``facts``: ``target_unit_cost`` (bool: set), ``quantities`` (phase field -> int | None),
    ``parts``: list of ``{"name", "ready" (spec complete enough for an RFQ), "has_geometry"
    (a CAD model or a drawing)}``.
    """
    parts = facts.get("parts", [])
    quantities = facts.get("quantities", {})
    if rule == "target_cost" and not facts.get("target_unit_cost"):
        return gettext("set the target unit cost of the project first")
    if rule == "volume_plan" and not any(quantities.values()):
        return gettext("set at least one target quantity (prototype, pilot, small lot or mass)")
    if rule == "pilot_and_small_lot" and not (quantities.get("qty_pilot")
                                              and quantities.get("qty_small_lot")):
        return gettext("set the pilot and the small-lot quantities first")
    if rule == "parts_listed" and not parts:
        return gettext("add the parts of the product first")
    if rule == "specs_complete":
        if not parts:
            return gettext("add the parts of the product first")
        short = [p["name"] for p in parts if not p["ready"]]
        if short:
            return gettext("the specification is not complete enough for: %(parts)s") % {"parts": ", ".join(short)}
    if rule == "files_attached":
        if not parts:
            return gettext("add the parts of the product first")
        bare = [p["name"] for p in parts if not p["has_geometry"]]
        if bare:
            return gettext("attach a CAD model or a drawing to: %(parts)s") % {"parts": ", ".join(bare)}
    return None
