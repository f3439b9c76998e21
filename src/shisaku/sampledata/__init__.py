"""Sample data: synthetic manufacturers for demos and benchmarks, real fab labs, validation.

Pure Python (no Django). ``generate_manufacturers`` yields deterministic synthetic records,
``load_maker_spaces`` the real fab labs of fablabs.io in KR / JP / CN / TW / VN, and
``validate_record`` checks any record (generated, imported or edited) against the taxonomy.
See docs/SAMPLE_DATA.md for what is real and what is invented.
"""

from __future__ import annotations

from shisaku.sampledata._geo import COUNTRY_WEIGHTS
from shisaku.sampledata.cli import measure_generation
from shisaku.sampledata.generator import (
    GENERATOR_VERSION,
    generate_manufacturers,
    generate_with_archetypes,
)
from shisaku.sampledata.makerspaces import MAKER_SPACE_SOURCE, load_maker_spaces
from shisaku.sampledata.validation import REQUIRED_FIELDS, validate_record, validate_records

__all__ = [
    "COUNTRY_WEIGHTS",
    "GENERATOR_VERSION",
    "MAKER_SPACE_SOURCE",
    "REQUIRED_FIELDS",
    "generate_manufacturers",
    "generate_with_archetypes",
    "load_maker_spaces",
    "measure_generation",
    "validate_record",
    "validate_records",
]
