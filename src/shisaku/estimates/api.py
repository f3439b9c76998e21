"""`/api/v1/estimates`: upload a part with options, get geometry, DFM, costs and the plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from shisaku.core import refusals
from shisaku.errors import InputError
from shisaku.estimates import selectors, words
from shisaku.estimates.forms import TARGET_CURRENCIES, parse_quantities
from shisaku.estimates.models import Estimate
from shisaku.estimates.services import DEFAULT_QUANTITIES, EstimateOptions, estimate_create
from shisaku.tokens.auth import API_AUTH

router = Router(tags=["estimates"], auth=API_AUTH)


class EstimateOut(Schema):
    id: int
    original_name: str
    sha256: str
    engine_version: str
    parameters_sha256: str
    elapsed_ms: float
    status: str
    stage: str
    error: str
    options: dict[str, Any]
    result: dict[str, Any]


_LABELLED_KEYS = {"process": "process", "material": "material", "region": "country"}


def _spoken(node: Any) -> Any:
    """The stored result with words in the request's language beside the codes: every engine
    sentence ``{code, params, message}`` gains ``text``; every plan or estimate row naming a
    process, material or region gains ``labels`` ({process, material, region}). The English
    ``message`` and the codes stay as they are (programs read those)."""
    if isinstance(node, list):
        return [_spoken(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _spoken(v) for k, v in node.items()}
    if "code" in node and isinstance(node.get("params"), dict):
        out["text"] = words.describe(node)
    named = {k: words.label(kind, str(node[k])) for k, kind in _LABELLED_KEYS.items()
             if isinstance(node.get(k), str)}
    if "process" in named:
        out["labels"] = named
    return out


def _out(e: Estimate) -> dict[str, Any]:
    result = _spoken({k: v for k, v in e.result.items() if k != "plot_svg"})
    return {"id": e.pk, "original_name": e.original_name, "sha256": e.sha256,
            "engine_version": e.engine_version, "parameters_sha256": e.parameters_sha256,
            "elapsed_ms": e.elapsed_ms, "status": e.status, "stage": e.stage, "error": e.error,
            "options": e.options, "result": result}


@router.post("", response={201: EstimateOut}, summary="Estimate a CAD file")
def create_estimate(request: HttpRequest, file: File[UploadedFile],
                    units: Form[str] = "auto", processes: Form[str] = "",
                    material: Form[str] = "", quantities: Form[str] = "",
                    region: Form[str] = "KR", client_country: Form[str] = "KR",
                    target_unit_cost: Form[float | None] = None,
                    target_currency: Form[str] = "USD",
                    max_lead_days: Form[int | None] = None) -> Status[dict[str, Any]]:
    """``processes`` is comma-separated codes; ``quantities`` e.g. ``10,300,5000``.
    Money is in USD. The answer is the JSON of `shisaku estimate --json` inside ``result``.
    A large part is estimated by the worker: ``status`` is then ``queued`` and ``result``
    empty; poll ``GET /estimates/{id}`` until ``status`` is ``done`` or ``failed``.
    A refused file or option answers 422 with ``reason`` in the request's language and, for
    an engine's refusal, its ``code`` and ``params`` (docs/ESTIMATING.md)."""
    if units not in ("auto", "mm", "inch", "m"):
        raise InputError("units", _("use auto, mm, inch or m"))
    try:
        qty = parse_quantities(quantities) if quantities else DEFAULT_QUANTITIES
    except Exception as exc:  # django ValidationError carries the message
        raise InputError("quantities", "; ".join(getattr(exc, "messages", [str(exc)]))) from None
    if target_unit_cost is not None and target_unit_cost <= 0:
        raise InputError("target_unit_cost", _("must be above zero"))
    if target_currency.upper() not in TARGET_CURRENCIES:
        raise InputError("target_currency", _("unknown currency"), valid=TARGET_CURRENCIES)
    if max_lead_days is not None and not 1 <= max_lead_days <= 730:
        raise InputError("max_lead_days", _("give %(low)d to %(high)d days") % {"low": 1,
                                                                             "high": 730})
    options = EstimateOptions(
        units=units, processes=tuple(p.strip() for p in processes.split(",") if p.strip()),
        material=material or None, quantities=qty, region=region,
        client_country=client_country, target_unit_cost=target_unit_cost,
        target_currency=target_currency.upper(), max_lead_days=max_lead_days)
    try:
        estimate = estimate_create(owner=request.user, upload=file, options=options)
    except InputError as exc:  # an engine's refusal: its reason in the reader's language
        raise refusals.spoken_error(exc) from None
    return Status(201, _out(estimate))


@router.get("/{estimate_id}", response=EstimateOut, summary="A stored estimate")
def get_estimate(request: HttpRequest, estimate_id: int) -> dict[str, Any]:
    estimate = selectors.estimates_of(request.user).filter(pk=estimate_id).first()
    if estimate is None:
        raise HttpError(404, _("no such estimate"))
    return _out(estimate)
