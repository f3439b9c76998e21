"""Make and store an estimate: check the upload, run the engines, keep result and versions."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.core.services import audit_record
from shisaku.errors import InputError
from shisaku.estimates.adapters import currency_rates
from shisaku.estimates.choices import (
    ESTIMATE_TRANSITIONS,
    EstimateStatus,
    JobStage,
    transition_allowed,
)
from shisaku.estimates.models import Estimate

ALLOWED_SUFFIXES = (".stl", ".obj", ".3mf", ".step", ".stp")
DEFAULT_QUANTITIES = (1, 10, 100, 300, 1000, 5000, 30000)


@dataclass(frozen=True)
class EstimateOptions:
    units: str = "auto"
    processes: tuple[str, ...] = ()
    material: str | None = None
    quantities: tuple[int, ...] = DEFAULT_QUANTITIES
    region: str = "KR"
    client_country: str = "KR"
    target_unit_cost: float | None = None
    target_currency: str = "USD"
    max_lead_days: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"units": self.units, "processes": list(self.processes),
                "material": self.material, "quantities": list(self.quantities),
                "region": self.region, "client_country": self.client_country,
                "target_unit_cost": self.target_unit_cost,
                "target_currency": self.target_currency, "max_lead_days": self.max_lead_days}


def _read_upload(upload: UploadedFile) -> bytes:
    limit = settings.SHISAKU_MAX_UPLOAD_MB * 1024 * 1024
    name = upload.name or ""
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise InputError("file", _("%(name)s is not a CAD file this estimator reads "
                                   "(%(suffixes)s)") % {
            "name": repr(name), "suffixes": ", ".join(ALLOWED_SUFFIXES)})
    too_large = _("larger than %(mb)s MB") % {"mb": settings.SHISAKU_MAX_UPLOAD_MB}
    if upload.size is not None and upload.size > limit:
        raise InputError("file", too_large)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InputError("file", too_large)
    if not data:  # the engine's refusal, said before any parser runs
        raise InputError("file", _("the file is empty"), code="file_empty")
    return data


def _limits() -> Any:
    from shisaku.engines.geometry import LoadLimits

    return LoadLimits(max_triangles=settings.SHISAKU_ESTIMATE_MAX_TRIANGLES,
                      max_face_vertices=settings.SHISAKU_ESTIMATE_MAX_FACE_VERTICES,
                      max_uncompressed_bytes=settings.SHISAKU_ESTIMATE_MAX_INFLATED_MB
                      * 1024 * 1024)


def _engine_kwargs(data: bytes, name: str, options: EstimateOptions) -> dict[str, Any]:
    return {"source": data, "filename": name, "units": options.units,
            "processes": list(options.processes) or None, "material": options.material,
            "quantities": list(options.quantities), "region": options.region,
            "client_country": options.client_country,
            "target_unit_cost": options.target_unit_cost,
            "target_currency": options.target_currency,
            "currency_rates": currency_rates() if options.target_currency != "USD" else None,
            "max_lead_days": options.max_lead_days, "include_plot": False,
            "max_triangles": settings.SHISAKU_ESTIMATE_MAX_TRIANGLES}


def estimate_create(*, owner: Any, upload: UploadedFile, options: EstimateOptions,
                    part_file: Any = None) -> Estimate:
    """Analyse and cost an uploaded part; store it only when the engines accepted it.

    The file is checked against the limits first (no parser runs). A part of more than
    ``SHISAKU_ESTIMATE_INLINE_TRIANGLES`` triangles (or a STEP file, whose triangles are
    unknown until it is tessellated) is stored as queued and estimated by the worker.
    """
    data = _read_upload(upload)
    return _estimate_bytes(owner=owner, data=data, name=upload.name or "part", options=options,
                           part_file=part_file)


def _store(*, owner: Any, data: bytes, name: str, options: EstimateOptions, part_file: Any,
           **fields: Any) -> Estimate:
    digest = hashlib.sha256(data).hexdigest()
    name = name.rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        estimate = Estimate(owner=owner, part_file=part_file, original_name=name,
                            size_bytes=len(data), sha256=digest, options=options.as_dict(),
                            **fields)
        estimate.file.save(name, ContentFile(data), save=False)
        try:
            estimate.save()
            audit_record(actor=owner, action="estimates.create", obj=estimate, summary=name)
        except Exception:
            estimate.file.delete(save=False)  # nothing half-saved
            raise
    return estimate


def _finish(estimate: Estimate, result: dict[str, Any], elapsed_ms: float) -> None:
    estimate.result = result
    estimate.engine_version = result["engine"]["version"]
    estimate.parameters_sha256 = result["engine"]["parameters_sha256"]
    estimate.elapsed_ms = elapsed_ms
    estimate.status = EstimateStatus.DONE
    estimate.stage = JobStage.DONE


def _estimate_bytes(*, owner: Any, data: bytes, name: str, options: EstimateOptions,
                    part_file: Any) -> Estimate:
    from shisaku.engines.costing import estimate_file, resolve_processes
    from shisaku.engines.costing.params import default_parameters
    from shisaku.engines.geometry import prescan

    resolve_processes(default_parameters(), list(options.processes) or None, options.material)
    scan = prescan(data, name, _limits())  # refuses over-limit files at once
    inline = (scan.file_format != "step"
              and scan.triangles <= settings.SHISAKU_ESTIMATE_INLINE_TRIANGLES) or (
              scan.file_format == "step" and len(data) <= 1_000_000)
    if not inline:
        estimate = _store(owner=owner, data=data, name=name, options=options,
                          part_file=part_file, status=EstimateStatus.QUEUED,
                          stage=JobStage.QUEUED, triangles=scan.triangles)
        from shisaku.estimates.tasks import estimate_run

        transaction.on_commit(lambda: estimate_run(estimate.pk))
        return estimate
    started = time.perf_counter()
    result = estimate_file(**_engine_kwargs(data, name, options))
    elapsed_ms = (time.perf_counter() - started) * 1000
    estimate = Estimate(triangles=result["geometry"].get("triangles", 0))
    _finish(estimate, result, elapsed_ms)
    return _store(owner=owner, data=data, name=name, options=options, part_file=part_file,
                  result=estimate.result, engine_version=estimate.engine_version,
                  parameters_sha256=estimate.parameters_sha256, elapsed_ms=elapsed_ms,
                  status=EstimateStatus.DONE, stage=JobStage.DONE,
                  triangles=estimate.triangles)


def _move(estimate: Estimate, target: str) -> None:
    if not transition_allowed(ESTIMATE_TRANSITIONS, estimate.status, target):
        raise InputError("status", _("an estimate cannot go from %(from)s to %(to)s") % {
            "from": EstimateStatus(estimate.status).label, "to": EstimateStatus(target).label})
    estimate.status = target


def estimate_execute(*, estimate: Estimate) -> Estimate:
    """Run a queued estimate (the worker's job) in a child process with the memory and time
    limits of the settings; record its stages as it goes, then the result or the reason it
    failed. Nothing stored is lost: the file stays, a failure is a status with its reason."""
    from shisaku.engines.costing import estimate_file
    from shisaku.estimates.jobs import JobLimitError, run_bounded

    estimate = Estimate.objects.get(pk=estimate.pk)
    if estimate.status not in (EstimateStatus.QUEUED, EstimateStatus.RUNNING):
        return estimate
    _move(estimate, EstimateStatus.RUNNING)
    estimate.stage = JobStage.READING
    estimate.save(update_fields=["status", "stage"])
    with estimate.file.open("rb") as fh:
        data = fh.read()
    options = EstimateOptions(**{k: (tuple(v) if isinstance(v, list) else v)
                                 for k, v in estimate.options.items()})

    def on_progress(stage: str) -> None:
        if stage in JobStage.values:
            Estimate.objects.filter(pk=estimate.pk).update(stage=stage)

    started = time.perf_counter()
    try:
        result = run_bounded(estimate_file, _engine_kwargs(data, estimate.original_name, options),
                             memory_mb=settings.SHISAKU_ESTIMATE_MEMORY_MB,
                             timeout_s=settings.SHISAKU_ESTIMATE_TIMEOUT_S,
                             on_progress=on_progress)
    except (InputError, JobLimitError, RuntimeError) as exc:
        _move(estimate, EstimateStatus.FAILED)
        estimate.error = (exc.reason if isinstance(exc, InputError) else str(exc))[:500]
        if isinstance(exc, InputError) and exc.code:  # the page says it in its language
            estimate.result = {"error": exc.as_dict()}
        estimate.save(update_fields=["status", "error", "result"])
        return estimate
    _move(estimate, EstimateStatus.DONE)
    _finish(estimate, result, (time.perf_counter() - started) * 1000)
    estimate.save()
    return estimate


PRODUCING = ("KR", "JP", "CN", "TW", "VN")


def options_for_part(part: Any, *, today: date | None = None) -> EstimateOptions:
    """Quantities from the project's phases (units × parts per unit), home region and client
    country from the startup, the part's material, the project's target unit cost in its own
    currency (converted with dated rates) and its deadline as the longest lead time."""
    project = part.project
    per_unit = max(int(part.quantity_per_unit or 1), 1)
    phases = [project.qty_prototype, project.qty_pilot, project.qty_small_lot, project.qty_mass]
    quantities = tuple(sorted({q * per_unit for q in phases if q})) or DEFAULT_QUANTITIES
    country = project.organisation.country or "KR"
    target = float(project.target_unit_cost) if project.target_unit_cost is not None else None
    max_lead = None
    if project.deadline:
        max_lead = max(1, (project.deadline - (today or timezone.localdate())).days)
    from shisaku.engines.costing import GEOMETRY_PROCESSES

    processes = tuple(p for p in part.process_hints if p in GEOMETRY_PROCESSES)
    return EstimateOptions(
        processes=processes, material=part.material or None, quantities=quantities,
        region=country if country in PRODUCING else "KR", client_country=country,
        target_unit_cost=target, target_currency=project.currency or "USD",
        max_lead_days=max_lead)


def estimate_part_file(*, owner: Any, part_file: Any) -> Estimate:
    """Estimate a project part from its stored CAD file (the part's Estimate panel)."""
    if part_file.kind != "cad":
        raise InputError("file", _("only a 3D model (STL, OBJ, 3MF, STEP) can be estimated"))
    with part_file.file.open("rb") as fh:
        data = fh.read(settings.SHISAKU_MAX_UPLOAD_MB * 1024 * 1024 + 1)
    options = options_for_part(part_file.part)
    try:
        return _estimate_bytes(owner=owner, data=data, name=part_file.original_name,
                               options=options, part_file=part_file)
    except InputError as exc:
        if exc.field not in ("process", "processes", "material"):
            raise
    # The part's processes or material are not costed by the estimator: cost all processes.
    return _estimate_bytes(owner=owner, data=data, name=part_file.original_name,
                           options=EstimateOptions(quantities=options.quantities,
                                                   region=options.region,
                                                   client_country=options.client_country,
                                                   target_unit_cost=options.target_unit_cost,
                                                   target_currency=options.target_currency,
                                                   max_lead_days=options.max_lead_days),
                           part_file=part_file)


# --- Work packages of a joint order, in money ---------------------------------------------------

# A package's parts are not measured one by one: without a size, an 80 x 60 x 30 mm part with
# 2.5 mm walls (a small housing) stands for them; a board without a size is 50 x 50 mm.
PACKAGE_DEFAULT_SIZE_MM = (80.0, 60.0, 30.0)
PACKAGE_DEFAULT_WALL_MM = 2.5
PACKAGE_DEFAULT_QUANTITY = 100
# Processes the estimate engine has no cost model for are priced in labour hours at the
# region's labour rate (parameters.json "regions" -> labour_usd_h): (fixed hours per job,
# hours per piece). Assumptions, stated with every package cost; a quote replaces them.
PACKAGE_LABOUR_HOURS: dict[str, tuple[float, float]] = {
    "industrial_design": (80.0, 0.0), "mechanical_design": (80.0, 0.0),
    "circuit_design": (80.0, 0.0), "firmware": (120.0, 0.0),
    "mold_making": (160.0, 0.0), "die_casting": (200.0, 0.05),
    "laser_cutting": (2.0, 0.03), "welding": (4.0, 0.2), "surface_finishing": (2.0, 0.05),
    "cable_harness": (4.0, 0.15), "final_assembly": (8.0, 0.25),
    "reliability_testing": (40.0, 0.02), "certification_support": (60.0, 0.0),
    "metal_printing": (4.0, 1.5),
}


def package_cost_estimate(*, processes: list[str], materials: list[str] | None = None,
                          quantity: int | None = None,
                          part_size_mm: list[float] | tuple[float, ...] | None = None,
                          region: str, client_country: str) -> dict[str, Any]:
    """What a work package (processes × quantity) costs in ``region``, from the estimate
    engine's cost models: ``{"total_cost", "currency": "USD", "by_process", "assumptions"}``.

    Processes with a cost model (moulding, machining, printing, casting, sheet metal) are
    estimated on a representative part (``part_size_mm`` or the default), PCBs with the PCB
    model, the others in labour hours (``PACKAGE_LABOUR_HOURS``). Mould making next to
    injection moulding is the moulding's tooling, not counted twice.
    """
    from shisaku.engines import costing

    params = costing.default_parameters()
    quantity = int(quantity or PACKAGE_DEFAULT_QUANTITY)
    size = tuple(float(v) for v in (part_size_mm or PACKAGE_DEFAULT_SIZE_MM))
    material = (materials or [None])[0]
    facts = costing.PartFacts.box(*size, wall=min(PACKAGE_DEFAULT_WALL_MM, min(size) / 3))
    labour_rate = params.num("regions", region, "labour_usd_h")
    by_process: dict[str, float] = {}
    assumptions: list[str] = []
    if not part_size_mm:
        assumptions.append("part size assumed {} x {} x {} mm".format(*PACKAGE_DEFAULT_SIZE_MM))
    for process in processes:
        if process == "mold_making" and "injection_molding" in processes:
            continue  # the mould is the moulding estimate's tooling
        if process in costing.GEOMETRY_PROCESSES:
            try:
                est = costing.estimate_process(
                    params, facts, process, material=material, region=region,
                    quantity=quantity, client_country=client_country)
            except InputError:  # the material does not suit the process: its usual one
                est = costing.estimate_process(params, facts, process, region=region,
                                               quantity=quantity, client_country=client_country)
            by_process[process] = est.total_cost
        elif process in ("pcb_fabrication", "pcb_assembly"):
            if process == "pcb_fabrication" and "pcb_assembly" in processes:
                continue  # the assembly estimate includes the bare board
            area = size[0] * size[1] if part_size_mm else 50.0 * 50.0
            est = costing.estimate_pcb(params, board_area_mm2=area, layers=2,
                                       quantity=quantity, region=region,
                                       client_country=client_country,
                                       assembly=process == "pcb_assembly", components=40)
            by_process[process] = est.total_cost
        else:
            fixed, per_piece = PACKAGE_LABOUR_HOURS.get(process, (8.0, 0.1))
            by_process[process] = (fixed + per_piece * quantity) * labour_rate
            assumptions.append(f"{process}: {fixed:g} h + {per_piece:g} h per piece at "
                               f"{labour_rate:g} USD/h")
    return {"total_cost": round(sum(by_process.values()), 2), "currency": "USD",
            "by_process": {k: round(v, 2) for k, v in by_process.items()},
            "quantity": quantity, "region": region, "assumptions": assumptions}


def board_estimate(*, width_mm: float, height_mm: float, layers: int,
                   quantities: tuple[int, ...], components: int, smt_placements: int | None,
                   tht_joints: int, sides: int, region: str, client_country: str
                   ) -> dict[str, Any]:
    """Cost a printed circuit board (fabrication, and assembly when it has parts)."""
    from shisaku.engines.costing import default_parameters, estimate_board

    return estimate_board(default_parameters(), width_mm=width_mm, height_mm=height_mm,
                          layers=layers, quantities=list(quantities), region=region,
                          client_country=client_country, components=components,
                          smt_placements=smt_placements, tht_joints=tht_joints, sides=sides)


PREVIEW_KINDS = {"undercuts": "undercut", "missing_draft": "no_draft", "thin_walls": "thin",
                 "thin_features": "thin"}


def estimate_preview(*, estimate: Estimate) -> dict[str, Any]:
    """The decimated mesh of an estimated part with the faces of its DFM findings marked
    (undercuts, thin walls and features, missing draft), cached by file and engine."""
    from django.core.cache import cache

    from shisaku.engines.geometry import load_part, preview_mesh

    key = f"estimate-preview:{estimate.sha256}:{estimate.pk}:{estimate.engine_version}".replace(
        " ", "_")
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    result = estimate.result or {}
    findings = result.get("dfm", [])
    wanted = {PREVIEW_KINDS[f["check"]] for f in findings if f.get("check") in PREVIEW_KINDS}
    thin = [f["params"].get("min_wall_mm") for f in findings
            if f.get("check") in ("thin_walls", "thin_features")]
    highlights = {k: v for k, v in result.get("geometry", {}).get("highlights", {}).items()
                  if k in wanted}
    with estimate.file.open("rb") as fh:
        data = fh.read()
    part = load_part(data, filename=estimate.original_name,
                     units=estimate.options.get("units", "auto"), limits=_limits())
    preview = preview_mesh(part.mesh, highlights,
                           thin_below_mm=max((t for t in thin if t), default=None))
    cache.set(key, preview, 3600)
    return preview
