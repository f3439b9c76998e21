"""Work packages of a joint order: how a coordinator splits a project's parts into firm-sized jobs.

A work package is plain, editable data (``WorkPackage.to_dict`` / ``WorkPackage.from_dict``):
the coordinator may rename, merge or split packages before the optimiser picks the firms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shisaku import taxonomy
from shisaku.engines.messages import refuse

__all__ = [
    "DEFAULT_BASE_COST_PER_PROCESS",
    "INTEGRATION_PACKAGE",
    "WorkPackage",
    "packages_from_dicts",
    "split_work_packages",
]

# Cost units (the currency of the quotes) per process of a package, used only when neither a
# quote nor an estimate exists: the firm's price_level multiplies it.
DEFAULT_BASE_COST_PER_PROCESS = 1000.0

INTEGRATION_PACKAGE = "integration"

# (package id, English name, processes that belong to it) in the order a coordinator lists them.
_KINDS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("design", "Design", frozenset(
        {"industrial_design", "mechanical_design", "circuit_design", "firmware"})),
    ("housing", "Housing (moulding)", frozenset(
        {"mold_making", "injection_molding", "die_casting", "urethane_casting"})),
    ("frame", "Frame (machining)", frozenset({"cnc_milling", "cnc_turning"})),
    ("sheet_metal", "Sheet-metal parts", frozenset({"sheet_metal", "laser_cutting", "welding"})),
    ("printed", "Printed parts", frozenset(
        {"fdm_printing", "sla_printing", "sls_printing", "mjf_printing", "metal_printing"})),
    ("board", "Circuit board", frozenset({"pcb_fabrication", "pcb_assembly"})),
    ("harness", "Cable harness", frozenset({"cable_harness"})),
    (INTEGRATION_PACKAGE, "Final assembly and testing", frozenset(
        {"final_assembly", "reliability_testing", "certification_support"})),
)
_KIND_OF = {process: kind for kind, _, processes in _KINDS for process in processes}
_KIND_NAME = {kind: name for kind, name, _ in _KINDS}
_KIND_ORDER = {kind: i for i, (kind, _, _) in enumerate(_KINDS)}
_PROCESS_ORDER = {code: i for i, code in enumerate(taxonomy.codes("process"))}
# Surface finishing goes with the part it finishes; alone it joins the machined frame.
_FINISHING = "surface_finishing"
_FINISHING_HOSTS = ("frame", "sheet_metal", "housing", "printed")


@dataclass(frozen=True)
class WorkPackage:
    """One job for one firm: the processes, materials, quantity and envelope it needs.

    ``quantity`` is in pieces, ``part_size_mm`` the largest part's x, y, z in mm, ``base_cost``
    the cost units a firm of price level 1.0 would charge when no quote or estimate exists
    (``None``: ``DEFAULT_BASE_COST_PER_PROCESS`` per process). ``depends_on`` lists the packages
    that must finish before this one starts (the integration package depends on the others).
    """

    id: str
    name: str
    processes: tuple[str, ...]
    materials: tuple[str, ...] = ()
    quantity: int | None = None
    part_size_mm: tuple[float, float, float] | None = None
    depends_on: tuple[str, ...] = ()
    base_cost: float | None = None
    parts: tuple[str, ...] = field(default=(), compare=False)

    @property
    def effective_base_cost(self) -> float:
        """Cost units at price level 1.0 (``base_cost`` or the per-process default)."""
        if self.base_cost is not None:
            return self.base_cost
        return DEFAULT_BASE_COST_PER_PROCESS * max(1, len(self.processes))

    def to_dict(self) -> dict[str, Any]:
        """The package as plain JSON-able data (the form a coordinator edits)."""
        return {
            "id": self.id,
            "name": self.name,
            "processes": list(self.processes),
            "materials": list(self.materials),
            "quantity": self.quantity,
            "part_size_mm": list(self.part_size_mm) if self.part_size_mm is not None else None,
            "depends_on": list(self.depends_on),
            "base_cost": self.base_cost,
            "parts": list(self.parts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, field_prefix: str = "packages") -> WorkPackage:
        """Validate and build a package from plain data; raises InputError / UnknownCodeError."""
        if not isinstance(data, Mapping):
            raise refuse(field_prefix, "package_not_object")
        package_id = data.get("id")
        if not isinstance(package_id, str) or not package_id.strip():
            raise refuse(f"{field_prefix}.id", "package_id_missing")
        if package_id == "lead":
            raise refuse(f"{field_prefix}.id", "package_id_lead")
        where = f"{field_prefix}[{package_id}]"
        processes = _code_list(data.get("processes"), "process", f"{where}.processes")
        if not processes:
            raise refuse(f"{where}.processes", "package_no_process")
        materials = _code_list(data.get("materials"), "material", f"{where}.materials")
        quantity = data.get("quantity")
        if quantity is not None and (
            isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1
        ):
            raise refuse(f"{where}.quantity", "pieces_not_positive")
        size = _part_size(data.get("part_size_mm"), f"{where}.part_size_mm")
        depends_on = data.get("depends_on") or []
        if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
            raise refuse(f"{where}.depends_on", "package_ids_not_list")
        base_cost = data.get("base_cost")
        if base_cost is not None and (
            isinstance(base_cost, bool) or not isinstance(base_cost, int | float) or base_cost < 0
        ):
            raise refuse(f"{where}.base_cost", "cost_negative")
        parts = data.get("parts") or []
        return cls(
            id=package_id,
            name=str(data.get("name") or package_id),
            processes=tuple(processes),
            materials=tuple(materials),
            quantity=quantity,
            part_size_mm=size,
            depends_on=tuple(depends_on),
            base_cost=float(base_cost) if base_cost is not None else None,
            parts=tuple(str(p) for p in parts) if isinstance(parts, list) else (),
        )


def packages_from_dicts(items: object, *, field_name: str = "packages") -> list[WorkPackage]:
    """Validate a list of package dicts: unique ids, known dependencies, no cycle."""
    if not isinstance(items, list) or not items:
        raise refuse(field_name, "packages_not_list")
    packages = [WorkPackage.from_dict(item, field_prefix=field_name) for item in items]
    ids = [p.id for p in packages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise refuse(f"{field_name}.id", "package_ids_duplicate", ids=', '.join(duplicates))
    known = set(ids)
    for package in packages:
        unknown = sorted(set(package.depends_on) - known)
        if unknown:
            raise refuse(f"{field_name}[{package.id}].depends_on", "depends_unknown", valid=sorted(known), ids=', '.join(unknown))
        if package.id in package.depends_on:
            raise refuse(f"{field_name}[{package.id}].depends_on", "package_self_dependency")
    _check_acyclic(packages, field_name)
    return packages


def split_work_packages(parts: Sequence[Mapping[str, Any]]) -> list[WorkPackage]:
    """Group a project's parts into the work packages a coordinator would send out.

    Each part is a dict with ``name``, ``processes``, ``materials``, ``quantity`` (pieces) and
    ``part_size_mm``. Processes are grouped by kind (housing: mould making + injection moulding;
    frame: CNC milling/turning + surface finishing; board: PCB fabrication + assembly; …; design
    processes into one design package). Manufacturing packages depend on the design package, and
    an integration package (final assembly + reliability testing) depending on all the others is
    added whenever there are two or more packages or a part asks for assembly or testing.
    The result is deterministic: packages in a fixed kind order, processes in taxonomy order.

    >>> [p.id for p in split_work_packages([
    ...     {"name": "case", "processes": ["injection_molding"], "materials": ["abs"]},
    ...     {"name": "pcb", "processes": ["pcb_assembly"], "materials": ["fr4"]}])]
    ['housing', 'board', 'integration']
    """
    groups: dict[str, dict[str, Any]] = {}
    for index, part in enumerate(parts):
        if not isinstance(part, Mapping):
            raise refuse(f"parts[{index}]", "part_not_object")
        where = f"parts[{index}]"
        processes = _code_list(part.get("processes"), "process", f"{where}.processes")
        materials = _code_list(part.get("materials"), "material", f"{where}.materials")
        quantity = part.get("quantity")
        if quantity is not None and (
            isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1
        ):
            raise refuse(f"{where}.quantity", "pieces_not_positive")
        size = _part_size(part.get("part_size_mm"), f"{where}.part_size_mm")
        name = str(part.get("name") or f"part {index + 1}")
        kinds = [_KIND_OF[p] for p in processes if p != _FINISHING]
        for process in processes:
            kind = _KIND_OF.get(process)
            if process == _FINISHING:
                kind = next((k for k in _FINISHING_HOSTS if k in kinds), "frame")
            assert kind is not None
            group = groups.setdefault(
                kind, {"processes": set(), "materials": set(), "quantity": None,
                       "size": None, "parts": []}
            )
            group["processes"].add(process)
            if kind not in ("design", INTEGRATION_PACKAGE):
                group["materials"].update(materials)
                group["quantity"] = _max_or_none(group["quantity"], quantity)
                group["size"] = _envelope(group["size"], size)
            elif kind == INTEGRATION_PACKAGE:
                group["quantity"] = _max_or_none(group["quantity"], quantity)
            if name not in group["parts"]:
                group["parts"].append(name)

    manufacturing = [k for k in groups if k not in ("design", INTEGRATION_PACKAGE)]
    if len(manufacturing) + ("design" in groups) >= 2 and INTEGRATION_PACKAGE not in groups:
        groups[INTEGRATION_PACKAGE] = {"processes": {"final_assembly", "reliability_testing"},
                                       "materials": set(), "quantity": None, "size": None,
                                       "parts": []}
    if INTEGRATION_PACKAGE in groups:
        group = groups[INTEGRATION_PACKAGE]
        for kind in manufacturing:
            group["quantity"] = _max_or_none(group["quantity"], groups[kind]["quantity"])

    packages: list[WorkPackage] = []
    for kind in sorted(groups, key=_KIND_ORDER.__getitem__):
        group = groups[kind]
        if kind == INTEGRATION_PACKAGE:
            depends: tuple[str, ...] = tuple(
                k for k in sorted(groups, key=_KIND_ORDER.__getitem__) if k != kind
            )
        elif kind != "design" and "design" in groups:
            depends = ("design",)
        else:
            depends = ()
        packages.append(WorkPackage(
            id=kind,
            name=_KIND_NAME[kind],
            processes=tuple(sorted(group["processes"], key=_PROCESS_ORDER.__getitem__)),
            materials=tuple(sorted(group["materials"])),
            quantity=group["quantity"],
            part_size_mm=group["size"],
            depends_on=depends,
            parts=tuple(group["parts"]),
        ))
    return packages


def _code_list(value: object, kind: str, field_name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse(field_name, "processes_not_list" if kind == "process" else "materials_not_list")
    taxonomy.validate_codes(kind, value)
    return list(dict.fromkeys(value))


def _part_size(value: object, field_name: str) -> tuple[float, float, float] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != 3
        or not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        raise refuse(field_name, "part_size_not_three")
    return (float(value[0]), float(value[1]), float(value[2]))


def _max_or_none(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _envelope(
    a: tuple[float, float, float] | None, b: tuple[float, float, float] | None
) -> tuple[float, float, float] | None:
    """Element-wise maximum of the sorted dimensions: the box every part of the group fits."""
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = sorted(a, reverse=True), sorted(b, reverse=True)
    return (max(sa[0], sb[0]), max(sa[1], sb[1]), max(sa[2], sb[2]))


def _check_acyclic(packages: Iterable[WorkPackage], field_name: str) -> None:
    deps = {p.id: p.depends_on for p in packages}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in deps[node]:
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
                raise refuse(f"{field_name}.depends_on", "dependency_cycle", cycle=' -> '.join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for package_id in deps:
        if package_id not in state:
            visit(package_id, [package_id])
