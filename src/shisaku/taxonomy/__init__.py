"""The shared vocabulary of the platform: stages, fields, processes, materials, regions.

Pure data and look-ups (no Django). Codes are stable (see ARCHITECTURE.md); labels come in
English, Korean and Japanese. Everything else in the project validates codes through here.

Example::

    >>> from shisaku import taxonomy
    >>> taxonomy.label("process", "cnc_milling", "ko")
    'CNC 밀링 가공'
    >>> taxonomy.region("KR-47").block
    'KR-DAEGYEONG'
"""

from __future__ import annotations

from shisaku.taxonomy._data import (
    BLOCKS,
    CERTIFICATIONS,
    COUNTRIES,
    KINDS,
    LANGUAGES,
    MATERIAL_FAMILIES,
    MATERIALS,
    PROCESS_FAMILIES,
    PROCESSES,
    PRODUCT_FIELDS,
    REGIONS,
    SPOKEN_LANGUAGES,
    STAGES,
    TECHNOLOGIES,
    Block,
    Region,
    Term,
    UnknownCodeError,
    codes,
    label,
    region,
    region_centroid,
    terms,
    validate_codes,
)

__all__ = [
    "BLOCKS",
    "CERTIFICATIONS",
    "COUNTRIES",
    "KINDS",
    "LANGUAGES",
    "MATERIALS",
    "MATERIAL_FAMILIES",
    "PROCESSES",
    "PROCESS_FAMILIES",
    "PRODUCT_FIELDS",
    "REGIONS",
    "SPOKEN_LANGUAGES",
    "STAGES",
    "TECHNOLOGIES",
    "Block",
    "Region",
    "Term",
    "UnknownCodeError",
    "codes",
    "label",
    "region",
    "region_centroid",
    "terms",
    "validate_codes",
]
