"""Part geometry for estimating (pure; trimesh, manifold3d, rtree): safe loading of STL, OBJ,
3MF and STEP in millimetres, measurements (volume, area, wall thickness, draft, undercuts,
machining stock, sheet-metal and lathe candidates) and DFM findings.

Example::

    >>> from shisaku.engines import geometry
    >>> part = geometry.load_part("bracket.stl", units="auto")   # doctest: +SKIP
    >>> geometry.analyse(part)["volume_mm3"]                      # doctest: +SKIP
"""

from __future__ import annotations

from shisaku.engines.geometry.analysis import DEFAULT_SAMPLES, analyse
from shisaku.engines.geometry.dfm import SEVERITIES, dfm_findings
from shisaku.engines.geometry.loading import (
    FORMATS,
    UNITS,
    LoadedPart,
    LoadLimits,
    guess_units,
    load_part,
    prescan,
)
from shisaku.engines.geometry.measure import projected_area, removal_volume, sample_surface
from shisaku.engines.geometry.preview import preview_mesh
from shisaku.engines.geometry.rays import RayCaster, first_hit_bruteforce
from shisaku.engines.geometry.scan import Scan

__all__ = [
    "DEFAULT_SAMPLES",
    "FORMATS",
    "SEVERITIES",
    "UNITS",
    "LoadLimits",
    "LoadedPart",
    "RayCaster",
    "Scan",
    "analyse",
    "dfm_findings",
    "first_hit_bruteforce",
    "guess_units",
    "load_part",
    "prescan",
    "preview_mesh",
    "projected_area",
    "removal_volume",
    "sample_surface",
]
