"""Startup projects: parts / BOM with files, the spec builder and the stage pipeline."""
