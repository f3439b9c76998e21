"""Sample data: synthetic manufacturers for demos and benchmarks, real fab labs, validation.

Pure Python (no Django). ``generate_manufacturers`` yields deterministic synthetic records,
``load_maker_spaces`` the real fab labs of fablabs.io in KR / JP / CN / TW / VN, and
``validate_record`` checks any record (generated, imported or edited) against the taxonomy.
See docs/SAMPLE_DATA.md for what is real and what is invented.
"""

from __future__ import annotations

from shisaku.sampledata._geo import COUNTRY_WEIGHTS
from shisaku.sampledata.generator import generate_manufacturers, generate_with_archetypes

__all__ = [
    "COUNTRY_WEIGHTS",
    "generate_manufacturers",
    "generate_with_archetypes",
]
