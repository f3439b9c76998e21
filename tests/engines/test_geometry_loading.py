"""Loading CAD files: formats, units, assemblies, and bad files that must fail cleanly."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
import trimesh
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku.engines import geometry
from shisaku.engines.geometry import LoadLimits, guess_units, load_part
from shisaku.errors import InputError

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"

# name -> (unit the guesser must pick, bbox in mm, volume in mm³)
SHARED = {
    "plate_holes.STL": ("mm", [203.2, 304.8, 12.7], 767362.1),
    "1002_tray_bottom.STL": ("mm", [355.6, 3.175, 355.6], 347865.9),
    "angle_block.STL": ("inch", [34.0, 25.4, 34.34], 18771.8),
    "featuretype.STL": ("inch", [127.0, 63.5, 34.925], 190544.4),
    "idler_riser.STL": ("inch", [67.462, 75.006, 15.875], 24380.7),
    "octagonal_pocket.stl": ("m", [228.6, 164.715, 15.875], 250352.9),
}


def test_public_api_is_exported() -> None:
    for name in geometry.__all__:
        assert hasattr(geometry, name), name


@pytest.mark.parametrize("name", sorted(SHARED))
def test_shared_parts_units_boxes_and_volumes(name: str) -> None:
    unit, bbox, volume = SHARED[name]
    part = load_part(PARTS / name)
    assert part.units_assumed == unit
    assert part.units_source == "guessed"
    assert np.allclose(part.mesh.extents, bbox, atol=0.01)
    assert part.mesh.is_watertight
    assert part.mesh.volume == pytest.approx(volume, rel=1e-4)


def test_step_is_converted_from_metres_and_agrees_with_the_stl() -> None:
    step = load_part(PARTS / "featuretype.STEP")
    stl = load_part(PARTS / "featuretype.STL")
    assert step.units_source == "file"
    assert step.mesh.is_watertight  # seams merged
    assert np.allclose(step.mesh.extents, stl.mesh.extents, atol=0.01)
    # two independent tessellations of the same solid
    assert step.mesh.volume == pytest.approx(stl.mesh.volume, rel=2e-3)


def test_step_assembly_counts_bodies() -> None:
    part = load_part(PARTS / "box_sides.STEP")
    assert part.bodies == 10
    assert np.allclose(part.mesh.extents, [184.15, 114.3, 95.25], atol=0.01)


def test_user_unit_override() -> None:
    part = load_part(PARTS / "angle_block.STL", units="mm")
    assert part.units_source == "user"
    assert max(part.mesh.extents) == pytest.approx(1.352, abs=1e-3)
    with pytest.raises(InputError) as err:
        load_part(PARTS / "angle_block.STL", units="furlong")
    assert err.value.field == "units"


@pytest.mark.parametrize(
    ("extent", "unit"),
    [(355.6, "mm"), (8.0, "mm"), (7.9, "inch"), (1.35, "inch"), (0.5, "inch"), (0.2286, "m")],
)
def test_guess_units_thresholds(extent: float, unit: str) -> None:
    assert guess_units(extent)[0] == unit


def _stl_bytes(mesh: trimesh.Trimesh, ascii: bool = False) -> bytes:
    data = mesh.export(file_type="stl_ascii" if ascii else "stl")
    return data.encode() if isinstance(data, str) else bytes(data)


def test_generated_box_and_cylinder_volumes() -> None:
    box = trimesh.creation.box(extents=(40.0, 25.0, 10.0))
    part = load_part(_stl_bytes(box), filename="box.stl")
    assert part.mesh.volume == pytest.approx(10000.0, rel=1e-9)
    assert part.units_assumed == "mm"
    n, r, h = 64, 15.0, 30.0
    cyl = trimesh.creation.cylinder(radius=r, height=h, sections=n)
    part = load_part(_stl_bytes(cyl, ascii=True), filename="cyl.stl")
    exact = 0.5 * n * r * r * np.sin(2 * np.pi / n) * h  # inscribed 64-gon prism
    assert part.mesh.volume == pytest.approx(exact, rel=1e-6)


def test_obj_and_3mf_round_trip() -> None:
    box = trimesh.creation.box(extents=(30.0, 20.0, 10.0))
    obj = box.export(file_type="obj")
    part = load_part(obj.encode() if isinstance(obj, str) else obj, filename="box.obj")
    assert part.mesh.volume == pytest.approx(6000.0, rel=1e-9)
    three = box.export(file_type="3mf")
    part = load_part(three, filename="box.3mf")
    assert part.units_source == "file"
    assert part.mesh.volume == pytest.approx(6000.0, rel=1e-9)


def _error(data: bytes, name: str, **kw: object) -> InputError:
    with pytest.raises(InputError) as err:
        load_part(data, filename=name, **kw)  # type: ignore[arg-type]
    assert err.value.field == "file"
    return err.value


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.stl"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_part(path)


def test_truncated_binary_stl() -> None:
    data = _stl_bytes(trimesh.creation.icosphere())
    assert "truncated" in str(_error(data[: len(data) // 2], "x.stl"))


def test_header_declaring_ten_million_triangles_fails_before_parsing() -> None:
    data = b"\0" * 80 + struct.pack("<I", 10_000_000) + b"\0" * 500
    assert "truncated" in str(_error(data, "x.stl"))


def test_truncated_ascii_stl() -> None:
    data = _stl_bytes(trimesh.creation.box(), ascii=True)
    _error(data[: int(len(data) * 0.6)], "x.stl")


def test_not_a_mesh() -> None:
    _error(b"hello, this is not a mesh at all" * 10, "x.stl")
    _error(b"# just a comment\nv 0 0 0\n", "x.obj")
    _error(b"not a zip", "x.3mf")
    _error(b"%PDF-1.4 ...", "x.pdf")


def test_triangle_limit() -> None:
    data = _stl_bytes(trimesh.creation.icosphere(subdivisions=3))  # 1280 triangles
    assert "limit" in str(_error(data, "x.stl", limits=LoadLimits(max_triangles=1000)))
    obj = trimesh.creation.icosphere(subdivisions=3).export(file_type="obj")
    _error(obj.encode(), "x.obj", limits=LoadLimits(max_triangles=1000))


def test_zip_bomb_3mf_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("3D/3dmodel.model", b"<model>" + b" " * 30_000_000)
    data = buf.getvalue()
    assert len(data) < 200_000  # tiny on disk
    err = _error(data, "bomb.3mf", limits=LoadLimits(max_uncompressed_bytes=5_000_000))
    assert "over the limit of 5,000,000 bytes" in str(err)


def test_3mf_without_model() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "nothing")
    _error(buf.getvalue(), "x.3mf")


def test_bad_step_files() -> None:
    _error(b"this is not step", "x.step")
    text = (PARTS / "featuretype.STEP").read_bytes()
    assert "truncated" in str(_error(text[: len(text) // 2], "x.step"))
    # a hole in the middle, header and trailer intact: OpenCascade fails, we report it
    holed = text[: len(text) // 3] + text[2 * len(text) // 3 :]
    assert "STEP" in str(_error(holed, "x.step"))


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.stl"
    path.write_bytes(b"\0" * 2000)
    with pytest.raises(InputError, match="exceed"):
        load_part(path, limits=LoadLimits(max_bytes=1000))


def test_step_size_limit() -> None:
    data = (PARTS / "featuretype.STEP").read_bytes()
    assert "STEP limit" in str(_error(data, "x.step", limits=LoadLimits(max_step_bytes=1000)))


def test_inside_out_mesh_is_flipped() -> None:
    box = trimesh.creation.box(extents=(10.0, 20.0, 30.0))
    box.invert()
    assert box.volume < 0
    part = load_part(_stl_bytes(box), filename="inverted.stl")
    assert part.mesh.volume == pytest.approx(6000.0)
    assert any(note["code"] == "bodies_flipped" for note in part.notes)


_GOOD_STL = _stl_bytes(trimesh.creation.box(extents=(10.0, 10.0, 10.0)))
_GOOD_OBJ = trimesh.creation.box(extents=(10.0, 10.0, 10.0)).export(file_type="obj").encode()


@settings(max_examples=60, deadline=None)
@given(
    base=st.sampled_from(["stl", "stl_ascii", "obj", "3mf"]),
    cut=st.floats(0.0, 1.0),
    junk=st.binary(max_size=64),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_damaged_files_load_or_raise_input_error(
    base: str, cut: float, junk: bytes, flips: list[tuple[float, int]]
) -> None:
    box = trimesh.creation.box(extents=(10.0, 10.0, 10.0))
    if base == "stl":
        data, name = bytearray(_GOOD_STL), "x.stl"
    elif base == "stl_ascii":
        data, name = bytearray(_stl_bytes(box, ascii=True)), "x.stl"
    elif base == "obj":
        data, name = bytearray(_GOOD_OBJ), "x.obj"
    else:
        data, name = bytearray(box.export(file_type="3mf")), "x.3mf"
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    damaged = bytes(data[: int(cut * len(data))]) + junk
    try:
        part = load_part(damaged, filename=name)
    except InputError as exc:
        assert exc.field == "file"
    else:
        assert len(part.mesh.faces) > 0
        assert np.all(np.isfinite(part.mesh.vertices))


def test_a_flat_open_surface_is_refused_clearly() -> None:
    """Two identical facets: a surface with size but no volume (no NaN, no crash)."""
    import struct

    from shisaku.engines.geometry import load_part
    from shisaku.errors import InputError

    facet = struct.pack("<12fH", 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0)
    data = b"flat".ljust(80, b" ") + struct.pack("<I", 2) + facet * 2
    with pytest.raises(InputError) as err:
        load_part(data, filename="flat.stl")
    assert err.value.field == "file" and "a solid needs at least 4" in err.value.reason
