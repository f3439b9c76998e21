"""The cost models' parameter set: one JSON data file where every number carries its source.

``parameters.json`` beside this module is the default; callers may pass their own (same shape)
to any estimate function. Each parameter is ``{"value": …, "source": "…"}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["Parameters", "default_parameters", "iter_parameters", "load_parameters"]


class Parameters:
    """Read access to a parameter tree: ``p.get("processes", "fdm_printing", "infill")`` returns
    the value; :meth:`source` returns where it comes from."""

    def __init__(self, tree: Mapping[str, Any]) -> None:
        self.tree = tree
        self._cache: dict[tuple[str, ...], Any] = {}
        self._processes: dict[str, dict[str, Any]] = {}
        self._digest: str | None = None

    def _node(self, *path: str) -> Any:
        node: Any = self.tree
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                raise KeyError("/".join(path))
            node = node[key]
        return node

    def get(self, *path: str) -> Any:
        """The value at ``path`` (a parameter's ``value``, or a sub-tree as is)."""
        try:
            return self._cache[path]
        except KeyError:
            pass
        node = self._node(*path)
        if isinstance(node, Mapping) and "value" in node and "source" in node:
            node = node["value"]
        self._cache[path] = node
        return node

    def has(self, *path: str) -> bool:
        try:
            self._node(*path)
        except KeyError:
            return False
        return True

    def source(self, *path: str) -> str:
        node = self._node(*path)
        return str(node.get("source", "")) if isinstance(node, Mapping) else ""

    def num(self, *path: str) -> float:
        return float(self.get(*path))

    @property
    def version(self) -> str:
        return str(self.get("version"))

    @property
    def digest(self) -> str:
        """SHA-256 of the parameter tree (canonical JSON): identifies the exact numbers used."""
        if self._digest is None:
            text = json.dumps(self.tree, sort_keys=True, ensure_ascii=False)
            self._digest = hashlib.sha256(text.encode()).hexdigest()
        return self._digest

    @property
    def regions(self) -> list[str]:
        return sorted(self.tree["regions"])

    def region(self, code: str) -> Any:
        """A cached per-region helper built by ``factory`` on first use (see costing.models)."""
        return self._cache.get(("__region__", code))

    def remember_region(self, code: str, value: Any) -> None:
        self._cache[("__region__", code)] = value

    def process(self, code: str) -> dict[str, Any]:
        """All parameters of one process as a flat {name: value} dict (do not modify it)."""
        if code not in self._processes:
            raw = self._node("processes", code)
            self._processes[code] = {
                k: (v["value"] if isinstance(v, Mapping) and "value" in v else v)
                for k, v in raw.items()
            }
        return self._processes[code]


def iter_parameters(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (path, node) for every parameter ({value, source}) and every stray leaf in ``tree``
    (keys starting with ``_`` are comments). A stray leaf is a number without a source."""
    for key, node in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if key.startswith("_"):
            continue
        if isinstance(node, Mapping) and "value" in node:
            yield path, node
        elif isinstance(node, Mapping):
            yield from iter_parameters(node, path)
        else:
            yield path, node


def load_parameters(path: str | Path | None = None) -> Parameters:
    """Load a parameter file (default: the packaged ``parameters.json``)."""
    if path is None:
        text = resources.files("shisaku.engines.costing").joinpath("parameters.json").read_text(
            encoding="utf-8"
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    return Parameters(json.loads(text))


@lru_cache(maxsize=1)
def default_parameters() -> Parameters:
    """The packaged parameter set, loaded once."""
    return load_parameters()
