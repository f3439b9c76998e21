"""Transparent cost estimates (pure; no Django): process cost models with their breakdown and
assumptions, regional rates and landed cost, the sourcing plan with crossovers, a target-cost
check, a log-log SVG plot, PCB costs, and :func:`estimate_file` for a whole CAD file.

Money is in USD internally. Every default number lives in ``parameters.json`` with its source.

Example::

    >>> from shisaku.engines import costing
    >>> facts = costing.PartFacts.box(50, 30, 20, wall=3)
    >>> e = costing.estimate_process(costing.default_parameters(), facts, "injection_molding",
    ...                              region="CN", quantity=5000, client_country="KR")
    >>> e.unit_cost < 5
    True
"""

from __future__ import annotations

from shisaku.engines.costing.logistics import landed_costs, lane
from shisaku.engines.costing.models import (
    GEOMETRY_PROCESSES,
    Estimate,
    PartFacts,
    cooling_time_s,
    estimate_process,
    learning_factor,
    material_for,
)
from shisaku.engines.costing.params import (
    Parameters,
    default_parameters,
    iter_parameters,
    load_parameters,
)
from shisaku.engines.costing.pcb import estimate_board, estimate_pcb
from shisaku.engines.costing.plan import Options, crossovers, plan_rows, target_check
from shisaku.engines.costing.plot import cost_curve_svg
from shisaku.engines.costing.report import (
    ENGINE_VERSION,
    convert_target,
    estimate_file,
    estimate_geometry,
    resolve_processes,
)

__all__ = [
    "ENGINE_VERSION",
    "GEOMETRY_PROCESSES",
    "Estimate",
    "Options",
    "Parameters",
    "PartFacts",
    "convert_target",
    "cooling_time_s",
    "cost_curve_svg",
    "crossovers",
    "default_parameters",
    "estimate_board",
    "estimate_file",
    "estimate_geometry",
    "estimate_pcb",
    "estimate_process",
    "iter_parameters",
    "landed_costs",
    "lane",
    "learning_factor",
    "load_parameters",
    "material_for",
    "plan_rows",
    "resolve_processes",
    "target_check",
]
