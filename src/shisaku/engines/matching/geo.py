"""Great-circle distances (haversine on a sphere of the IUGG mean Earth radius), scalar and vectorised."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "haversine_km_array"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius R1, in km

FloatArray = npt.NDArray[np.float64]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between two points given in degrees.

    >>> round(haversine_km(37.5665, 126.9780, 35.1796, 129.0756))  # Seoul - Busan
    325
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2) - math.radians(lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def haversine_km_array(lat0_rad: float, lon0_rad: float, lat_rad: FloatArray,
                       lon_rad: FloatArray, cos_lat: FloatArray | None = None) -> FloatArray:
    """Distances in km from one point to many; all angles in radians.

    ``cos_lat`` (the cosine of ``lat_rad``, precomputed by the index) saves one pass.
    """
    half_dphi = lat_rad - lat0_rad
    half_dphi *= 0.5
    np.sin(half_dphi, out=half_dphi)
    half_dphi *= half_dphi
    h = lon_rad - lon0_rad
    h *= 0.5
    np.sin(h, out=h)
    h *= h
    h *= np.cos(lat_rad) if cos_lat is None else cos_lat
    h *= math.cos(lat0_rad)
    h += half_dphi
    np.minimum(h, 1.0, out=h)
    np.sqrt(h, out=h)
    np.arcsin(h, out=h)
    h *= 2.0 * EARTH_RADIUS_KM
    return h
