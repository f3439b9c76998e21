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
                       lon_rad: FloatArray) -> FloatArray:
    """Distances in km from one point to many; all angles in radians."""
    half_dphi = np.sin((lat_rad - lat0_rad) * 0.5)
    half_dlam = np.sin((lon_rad - lon0_rad) * 0.5)
    h = half_dphi * half_dphi + math.cos(lat0_rad) * np.cos(lat_rad) * (half_dlam * half_dlam)
    np.minimum(h, 1.0, out=h)
    out: FloatArray = (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(h))
    return out
