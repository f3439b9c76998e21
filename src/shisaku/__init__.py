"""Shisaku: connects hardware startups with the manufacturers who can make their products."""

__version__ = "0.1.0"
