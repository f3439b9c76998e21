"""Instant estimates from CAD files: the web and API face of engines.geometry and engines.costing."""
