"""Bounded loading (issue #11): hostile files are refused before parsing, quickly and with a
reason naming the limit; degenerate meshes are a clear InputError, never a crash; files that
a robust reader accepts are never refused (issue #13, mesh reading)."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from typing import Any

import numpy as np
import pytest
import trimesh

from shisaku.engines.costing import estimate_file
from shisaku.engines.geometry import LoadLimits, load_part
from shisaku.errors import InputError


def _cube_obj(size: float = 20.0, offset: int = 0, inward: bool = False) -> str:
    box = trimesh.creation.box(extents=[size] * 3)
    if inward:
        box.invert()
    lines = [f"v {x:.6f} {y:.6f} {z:.6f}" for x, y, z in box.vertices]
    lines += [f"f {a + 1 + offset} {b + 1 + offset} {c + 1 + offset}" for a, b, c in box.faces]
    return "\n".join(lines) + "\n"


def _ascii_stl(tris: np.ndarray, upper: bool = False) -> bytes:
    out = ["solid part"]
    for t in tris:
        out.append(" facet normal 0 0 0\n  outer loop")
        out += [f"   vertex {float(x)!r} {float(y)!r} {float(z)!r}" for x, y, z in t]
        out.append("  endloop\n endfacet")
    out.append("endsolid part")
    text = "\n".join(out) + "\n"
    return (text.upper() if upper else text).encode()


def _binary_stl(tris: np.ndarray, declared: int | None = None) -> bytes:
    tris = np.asarray(tris, dtype=np.float32)
    head = b"\0" * 80 + struct.pack("<I", len(tris) if declared is None else declared)
    body = b"".join(b"\0" * 12 + t.tobytes() + b"\0\0" for t in tris)
    return head + body


# --- denial of service: the inputs of issue #11 -------------------------------------------


def test_obj_with_one_face_of_300000_vertices_is_refused_fast_and_small() -> None:
    """The 8.8 MB OBJ of issue #11 drove a web worker to 3.4 GB."""
    n = 300_000
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    verts = "".join(f"v {np.cos(a):.5f} {np.sin(a):.5f} 0\n" for a in angles)
    data = (verts + "f " + " ".join(str(i) for i in range(1, n + 1)) + "\n").encode()
    assert len(data) > 5_000_000
    started = time.process_time()  # CPU time: the machine running the tests may be busy
    with pytest.raises(InputError) as err:
        load_part(data, filename="one_face.obj")
    elapsed = time.process_time() - started
    tracemalloc.start()
    with pytest.raises(InputError):
        load_part(data, filename="one_face.obj")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "300,000 vertices" in err.value.reason
    assert "1,000 vertices per face" in err.value.reason
    assert elapsed < 1.0
    assert peak < 150_000_000  # the scan works in chunks, never on a copy of the whole file


def test_obj_triangles_are_counted_after_triangulation() -> None:
    # 300 quads are 600 triangles: over a limit of 500 although there are only 300 faces
    lines = [f"v {i} {j} 0" for i in range(2) for j in range(2)]
    lines += ["f 1 2 4 3"] * 300
    with pytest.raises(InputError, match="600 triangles, over the limit of 500"):
        load_part("\n".join(lines).encode(), filename="q.obj", limits=LoadLimits(max_triangles=500))


def test_binary_stl_over_the_triangle_limit_is_refused_from_its_header() -> None:
    tris = np.random.default_rng(0).random((1001, 3, 3))
    with pytest.raises(InputError, match="over the limit of 1,000 triangles"):
        load_part(_binary_stl(tris), filename="big.stl", limits=LoadLimits(max_triangles=1000))


def test_ascii_stl_over_the_limit_counts_upper_case_keywords() -> None:
    tris = np.random.default_rng(1).random((50, 3, 3))
    with pytest.raises(InputError, match="50 triangles"):
        load_part(_ascii_stl(tris, upper=True), filename="up.stl",
                  limits=LoadLimits(max_triangles=40))


def _3mf(model_xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>')
        z.writestr("3D/3dmodel.model", model_xml)
    return buf.getvalue()


def _cube_3mf_object(oid: int, prefix: str = "") -> str:
    box = trimesh.creation.box(extents=[10, 10, 10])
    p = f"{prefix}:" if prefix else ""
    verts = "".join(f'<{p}vertex x="{x}" y="{y}" z="{z}"/>' for x, y, z in box.vertices)
    tris = "".join(f'<{p}triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in box.faces)
    return (f'<{p}object id="{oid}" type="model"><{p}mesh><{p}vertices>{verts}</{p}vertices>'
            f"<{p}triangles>{tris}</{p}triangles></{p}mesh></{p}object>")


NS = "http://schemas.microsoft.com/3dmanufacturing/core/2015/02"


def test_3mf_cannot_hide_triangles_behind_a_namespace_prefix() -> None:
    objects = "".join(_cube_3mf_object(i + 1, "m") for i in range(10))  # 120 triangles
    items = "".join(f'<m:item objectid="{i + 1}"/>' for i in range(10))
    xml = (f'<?xml version="1.0"?><m:model unit="millimeter" xmlns:m="{NS}"><m:resources>'
           f"{objects}</m:resources><m:build>{items}</m:build></m:model>")
    with pytest.raises(InputError, match="120 triangles, over the limit of 100"):
        load_part(_3mf(xml), filename="p.3mf", limits=LoadLimits(max_triangles=100))


def test_3mf_cannot_multiply_triangles_by_references() -> None:
    """One 12-triangle object placed 500 times by components becomes 6,000 triangles."""
    comps = "".join(f'<component objectid="1" transform="1 0 0 0 1 0 0 0 1 {i * 12} 0 0"/>'
                    for i in range(500))
    xml = (f'<?xml version="1.0"?><model unit="millimeter" xmlns="{NS}"><resources>'
           f'{_cube_3mf_object(1)}<object id="2" type="model"><components>{comps}</components>'
           f'</object></resources><build><item objectid="2"/></build></model>')
    started = time.process_time()
    with pytest.raises(InputError, match=r"6,000 triangles .*over the limit of 1,000"):
        load_part(_3mf(xml), filename="refs.3mf", limits=LoadLimits(max_triangles=1000))
    assert time.process_time() - started < 1.0


def test_3mf_inflating_past_the_limit_is_cut_off() -> None:
    xml = f'<?xml version="1.0"?><model xmlns="{NS}"><!--{" " * 2_000_000}--></model>'
    with pytest.raises(InputError, match="over the limit of 1,000,000 bytes"):
        load_part(_3mf(xml), filename="bomb.3mf",
                  limits=LoadLimits(max_uncompressed_bytes=1_000_000))


def test_estimate_file_passes_the_triangle_limit_through() -> None:
    data = _binary_stl(trimesh.creation.icosphere(subdivisions=3, radius=20).triangles)
    with pytest.raises(InputError, match="over the limit of 100 triangles"):
        estimate_file(data, filename="s.stl", max_triangles=100)


# --- degenerate meshes: a clear reason, never a crash ---------------------------------------


@pytest.mark.parametrize("kind", ["single_facet", "nan", "inf", "flat", "needle"])
def test_degenerate_meshes_are_input_errors(kind: str) -> None:
    box = trimesh.creation.box(extents=[10, 20, 30]).triangles.copy()
    if kind == "single_facet":
        tris = box[:1]
    elif kind == "nan":
        tris = box
        tris[3, 1, 2] = np.nan
    elif kind == "inf":
        tris = box
        tris[0, 0, 0] = np.inf
    elif kind == "flat":  # two coincident triangles facing apart: closed, zero volume
        t = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0]], dtype=float)
        tris = np.stack([t, t[::-1]])
    else:  # every vertex on one line
        tris = np.array([[[0, 0, 0], [1, 0, 0], [2, 0, 0]]] * 4, dtype=float)
    for data, name in ((_binary_stl(tris), "d.stl"), (_ascii_stl(tris), "d_ascii.stl")):
        with pytest.raises(InputError) as err:
            estimate_file(data, filename=name)
        assert err.value.field == "file"
        assert err.value.reason


# --- what robust readers accept is accepted; known misreadings are handled -------------------


def test_ascii_stl_with_upper_case_keywords_is_read() -> None:
    """Issue #13: refused as 'truncated' although valid (trimesh reads it)."""
    tris = trimesh.creation.box(extents=[10, 20, 30]).triangles
    part = load_part(_ascii_stl(tris, upper=True), filename="UPPER.STL")
    assert part.mesh.volume == pytest.approx(6000, rel=1e-6)


def test_ascii_stl_with_mixed_case_and_crlf_is_read() -> None:
    tris = trimesh.creation.box(extents=[10, 20, 30]).triangles
    data = (_ascii_stl(tris).replace(b"facet normal", b"Facet Normal")
            .replace(b"vertex", b"Vertex").replace(b"\n", b"\r\n"))
    part = load_part(data, filename="mixed.stl")
    assert part.mesh.volume == pytest.approx(6000, rel=1e-6)


def test_obj_relative_indices_interleaved_with_vertices() -> None:
    """trimesh issue #2364: relative indices resolved against the end of the file join the
    objects' faces to the wrong vertices. Two cubes written as 'v…, f -k…' blocks."""
    blocks = []
    for dx in (0.0, 40.0):
        box = trimesh.creation.box(extents=[20, 20, 20])
        box.apply_translation([dx, 0, 0])
        n = len(box.vertices)
        blocks.append("".join(f"v {x} {y} {z}\n" for x, y, z in box.vertices))
        blocks.append("".join(f"f {a - n} {b - n} {c - n}\n" for a, b, c in box.faces))
    part = load_part("".join(blocks).encode(), filename="rel.obj", units="mm")
    assert part.mesh.volume == pytest.approx(16000, rel=1e-6)
    assert part.bodies == 2
    assert any(n["code"] == "obj_relative_indices" for n in part.notes)


@pytest.mark.parametrize("inner_inward", [True, False])
def test_inner_shell_object_is_a_cavity_whichever_way_it_faces(inner_inward: bool) -> None:
    text = "o outer\n" + _cube_obj(20) + "o inner\n" + _cube_obj(10, offset=8,
                                                                   inward=inner_inward)
    part = load_part(text.encode(), filename="hollow.obj", units="mm")
    assert part.mesh.volume == pytest.approx(8000 - 1000, rel=1e-6)
    assert any(n["code"] == "inner_shells" for n in part.notes)


def test_units_guess_at_the_edge_is_flagged() -> None:
    part = load_part(_cube_obj(7.5).encode(), filename="edge.obj")
    assert part.units_assumed == "inch"
    codes = [n["code"] for n in part.notes]
    assert "units_edge" in codes
    clear = load_part(_cube_obj(50).encode(), filename="clear.obj")
    assert "units_edge" not in [n["code"] for n in clear.notes]


def test_cli_refuses_an_over_limit_file_with_exit_2(tmp_path: Any, capsys: Any) -> None:
    from shisaku.cli import main

    lines = [f"v {i % 7} {i // 7} {i % 3}" for i in range(2000)]
    lines.append("f " + " ".join(str(i + 1) for i in range(2000)))
    path = tmp_path / "one_face.obj"
    path.write_text("\n".join(lines))
    assert main(["estimate", str(path), "--json"]) == 2
    assert "1,000 vertices per face" in capsys.readouterr().err
