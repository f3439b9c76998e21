"""Why a manufacturer was matched: reasons kept as (template, params) so any layer can translate them.

A :class:`Reason` renders to English by default ("CNC milling up to 5,000 units"); the web layer
passes its gettext as ``translate`` and a language so that the template and the taxonomy labels
inside it both come out in Korean or Japanese. ``REASON_TEMPLATES`` lists every template (the
message ids to put into the catalogues).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from shisaku import taxonomy

__all__ = ["REASON_TEMPLATES", "HitFacts", "Reason", "build_reasons"]

REASON_TEMPLATES: Mapping[str, str] = {
    "capability": "{process} up to {max_lot} units",
    "capability_unlimited": "{process} with no upper lot limit",
    "materials": "works with {materials}",
    "certification": "{certification} held",
    "distance_region": "{distance_km} km from {origin}",
    "distance": "{distance_km} km from the origin",
    "reply": "replies in {hours} h median",
    "reply_unknown": "reply time not yet known",
    "rating": "rated {rating} / 5 in {count} reviews",
    "rating_one": "rated {rating} / 5 in one review",
    "on_time": "shipped on time in {count} orders ({percent}%)",
    "on_time_one": "its one delivered order shipped on time",
    "late_one": "its one delivered order shipped late",
    "startup_projects": "{count} startup projects done",
    "startup_project_one": "one startup project done",
    "product_field": "experience in {product_field}",
    "later_stages": "also covers {stages}",
    "lead_time": "typical lead time {days} days",
    "accepts_foreign": "accepts foreign clients",
}

# Parameter name -> taxonomy kind of the code(s) it holds; rendered as labels in the language.
_CODE_PARAMS: Mapping[str, str] = {
    "process": "process",
    "materials": "material",
    "certification": "certification",
    "product_field": "product_field",
    "stages": "stage",
    "origin": "region",
}


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) < 10:
        return f"{value:.1f}"
    return f"{round(value):,}"


def _render_param(name: str, value: object, lang: str) -> str:
    kind = _CODE_PARAMS.get(name)
    if kind is not None:
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(taxonomy.label(kind, str(v), lang) for v in values)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


class Reason(NamedTuple):
    """One reason: a stable ``code``, its English ``template`` and the ``params`` it fills in.

    An immutable named tuple (cheap: the top K of every query make a dozen each).

    Code-valued params (process, materials, certification, …) hold taxonomy codes, numbers
    hold raw values (km, hours, days, units); :meth:`render` formats both for a language.
    """

    code: str
    params: Mapping[str, object] = MappingProxyType({})

    @property
    def template(self) -> str:
        return REASON_TEMPLATES[self.code]

    def render(self, lang: str = "en", translate: Callable[[str], str] | None = None) -> str:
        """The reason as text; ``translate`` maps the English template to the language's."""
        template = translate(self.template) if translate is not None else self.template
        values = {name: _render_param(name, v, lang) for name, v in self.params.items()}
        return template.format(**values)

    def as_dict(self) -> dict[str, object]:
        """``{"code", "template", "params"}`` for clients that translate themselves."""
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()}
        return {"code": self.code, "template": self.template, "params": params}


class HitFacts(NamedTuple):
    """What the reasons are made of, gathered the same way by the index and the reference.

    ``process_max_lots`` has one entry per required process: the largest ``max_lot`` among the
    capabilities that qualify for it (``None`` when one has no upper limit). Distances in km,
    reply times in hours, lead times in days. Reply hours and ratings are shown to one
    decimal (so the index keeps them as float32).
    """

    process_max_lots: tuple[tuple[str, int | None], ...] = ()
    materials: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    distance_km: float | None = None
    origin_region: str | None = None
    reply_hours: float | None = None
    rating: float | None = None
    rating_count: int = 0
    startup_projects: int = 0
    on_time_rate: float | None = None
    delivered_orders: int = 0
    product_field: str | None = None
    later_stages: tuple[str, ...] = ()
    lead_time_days: float | None = None
    foreign_client: bool = False


def build_reasons(facts: HitFacts) -> tuple[Reason, ...]:
    """The reasons for one match, most specific first (capabilities, then credentials, …)."""
    out: list[Reason] = []
    for process, max_lot in facts.process_max_lots:
        if max_lot is None:
            out.append(Reason("capability_unlimited", {"process": process}))
        else:
            out.append(Reason("capability", {"process": process, "max_lot": max_lot}))
    if facts.materials:
        out.append(Reason("materials", {"materials": facts.materials}))
    out.extend(Reason("certification", {"certification": c}) for c in facts.certifications)
    if facts.distance_km is not None:
        km = round(facts.distance_km)
        if facts.origin_region is not None:
            out.append(Reason("distance_region", {"distance_km": km,
                                                  "origin": facts.origin_region}))
        else:
            out.append(Reason("distance", {"distance_km": km}))
    if facts.reply_hours is None:
        out.append(Reason("reply_unknown"))
    else:
        out.append(Reason("reply", {"hours": round(facts.reply_hours, 1)}))
    if facts.rating is not None:
        if facts.rating_count > 1:
            out.append(Reason("rating", {"rating": round(facts.rating, 1),
                                         "count": facts.rating_count}))
        else:
            out.append(Reason("rating_one", {"rating": round(facts.rating, 1)}))
    if facts.on_time_rate is not None and facts.delivered_orders > 0:
        if facts.delivered_orders > 1:
            out.append(Reason("on_time", {"percent": round(facts.on_time_rate * 100),
                                          "count": facts.delivered_orders}))
        else:
            out.append(Reason("on_time_one" if facts.on_time_rate >= 1 else "late_one"))
    if facts.startup_projects == 1:
        out.append(Reason("startup_project_one"))
    elif facts.startup_projects > 1:
        out.append(Reason("startup_projects", {"count": facts.startup_projects}))
    if facts.product_field is not None:
        out.append(Reason("product_field", {"product_field": facts.product_field}))
    if facts.later_stages:
        out.append(Reason("later_stages", {"stages": facts.later_stages}))
    if facts.lead_time_days is not None:
        out.append(Reason("lead_time", {"days": facts.lead_time_days}))
    if facts.foreign_client:
        out.append(Reason("accepts_foreign"))
    return tuple(out)
