"""Projects without a database: the stage transitions table, checklists, the spec builder's
completeness and validation, and upload type detection by content."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shisaku import taxonomy
from shisaku.errors import InputError
from shisaku.projects import choices, filetypes, specs

STAGES = taxonomy.codes("stage")


# --- transitions ------------------------------------------------------------------------------

def test_stage_order_is_the_taxonomy_order() -> None:
    assert choices.STAGE_ORDER == STAGES
    assert choices.STAGE_ORDER[0] == "business_design"
    assert choices.STAGE_ORDER[-1] == "mass_production"


@pytest.mark.parametrize("i", range(len(STAGES)))
def test_forward_is_one_step_and_back_is_any_step(i: int) -> None:
    source = STAGES[i]
    for j, target in enumerate(STAGES):
        move = choices.transition_move(source, target)
        if j == i + 1:
            assert move == "forward"
            assert not choices.transition_note_required(source, target)
        elif j < i:
            assert move == "back"
            assert choices.transition_note_required(source, target)
        else:  # itself, or two or more steps ahead
            assert move is None


def test_unknown_stages_have_no_transitions() -> None:
    assert choices.transition_move("idea", "dfm") is None
    assert choices.transition_move("dfm", "idea") is None


def test_every_stage_but_the_last_has_a_checklist_and_keys_are_unique() -> None:
    keys = [i.key for items in choices.CHECKLISTS.values() for i in items]
    assert len(keys) == len(set(keys)) == len(choices.CHECKLIST_KEYS)
    for stage in STAGES[:-1]:
        assert choices.CHECKLISTS[stage], stage
        assert all(str(i.why) for i in choices.CHECKLISTS[stage])
    assert choices.CHECKLISTS["mass_production"] == ()


def test_checklist_missing_lists_unticked_items_of_the_stage() -> None:
    before_dfm = choices.CHECKLISTS["prototyping"]
    assert [i.key for i in before_dfm] == ["pt_functional", "pt_target_cost", "pt_volume_plan"]
    assert choices.checklist_missing("prototyping", {"pt_functional"}) == list(before_dfm[1:])
    assert choices.checklist_missing("prototyping", {i.key for i in before_dfm}) == []
    assert choices.checklist_item("dfm_tooling") == ("dfm", choices.CHECKLISTS["dfm"][1])
    assert choices.checklist_item("nope") is None


# --- spec builder -----------------------------------------------------------------------------

def _part(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"process_hints": [], "material": "", "finish": "",
                               "tolerance_class": "", "tolerance_mm": None, "spec": {},
                               "file_kinds": set()}
    base.update(kw)
    return base


def test_every_process_family_has_fields_with_reasons() -> None:
    families = {t.family for t in taxonomy.PROCESSES}
    assert families == set(specs.FAMILY_FIELDS) == set(specs.FAMILIES)
    for family, fields in specs.FAMILY_FIELDS.items():
        assert any(f.required for f in fields), family
        for f in fields:
            assert str(f.label) and len(str(f.why)) > 20, (family, f.key)


def test_a_part_without_process_misses_only_the_process() -> None:
    result = specs.completeness(_part())
    assert result.score == 0.0
    assert [m["field"] for m in result.missing] == ["process"]
    assert "quote" in result.missing[0]["why"]


def test_machining_fields_and_score_rise_as_they_are_filled() -> None:
    keys = [f.key for f in specs.fields_for(["cnc_milling"]) if f.required]
    assert keys == ["process", "material", "quantity", "tolerance", "finish", "threads",
                    "drawing"]
    part = _part(process_hints=["cnc_milling"])
    scores = [specs.completeness(part).score]
    part["material"] = "aluminum_6061"
    scores.append(specs.completeness(part).score)
    part["spec"] = {"quantity": 300, "threads": "4 x M3"}
    scores.append(specs.completeness(part).score)
    part["tolerance_class"] = "m"
    part["finish"] = "anodised"
    scores.append(specs.completeness(part).score)
    part["file_kinds"] = {"drawing"}
    scores.append(specs.completeness(part).score)
    assert scores == sorted(scores) and len(set(scores)) == len(scores)
    assert scores[0] == pytest.approx(1 / 7, abs=1e-4) and scores[-1] == 1.0
    assert specs.completeness(part).missing == []


def test_a_cad_file_does_not_stand_in_for_a_machining_drawing() -> None:
    part = _part(process_hints=["cnc_turning"], material="brass", finish="as machined",
                 tolerance_mm=0.05, spec={"quantity": 10, "threads": "none"},
                 file_kinds={"cad"})
    assert [m["field"] for m in specs.completeness(part).missing] == ["drawing"]


def test_moulding_accepts_unknown_cavities_as_an_answer() -> None:
    part = _part(process_hints=["injection_molding"], material="abs", file_kinds={"cad"},
                 spec={"colour": "black", "texture": "matte", "annual_volume": 30000,
                       "cavities": "unknown"})
    assert specs.completeness(part).score == 1.0


def test_pcb_fields() -> None:
    keys = {f.key for f in specs.fields_for(["pcb_assembly"]) if f.required}
    assert {"layers", "board_width_mm", "board_height_mm", "component_count",
            "assembly_sides", "quantity"} <= keys
    assert "material" not in keys  # the laminate is not asked of a startup


def test_fields_of_two_families_are_merged_without_duplicates() -> None:
    fields = specs.fields_for(["cnc_milling", "injection_molding", "firmware"])
    keys = [f.key for f in fields]
    assert len(keys) == len(set(keys))
    assert {"threads", "cavities", "target_mcu", "drawing", "cad"} <= set(keys)
    # CAD is optional for machining but required for moulding: required wins.
    assert next(f for f in fields if f.key == "cad").required


def test_project_completeness_is_the_mean_of_its_parts() -> None:
    done = _part(process_hints=["firmware"],
                 spec={"target_mcu": "nRF52840", "interfaces": "BLE", "deliverables": "src"})
    empty = _part()
    assert specs.project_completeness([done, empty]) == 0.5
    assert specs.project_completeness([]) == 0.0


def test_ready_for_rfq_threshold() -> None:
    assert specs.ready_for_rfq(1.0, 1.0)
    assert not specs.ready_for_rfq(0.857, 1.0)
    assert specs.ready_for_rfq(0.857, 0.8)


def test_validate_spec_types_ranges_and_unknown_keys() -> None:
    clean = specs.validate_spec({"quantity": "1,000", "thickness_mm": "1.5", "colour": " red ",
                                 "threads": ""})
    assert clean == {"quantity": 1000, "thickness_mm": 1.5, "colour": "red"}
    for raw, field in [({"quantity": 0}, "spec.quantity"), ({"quantity": -5}, "spec.quantity"),
                       ({"quantity": 2.5}, "spec.quantity"), ({"layers": 200}, "spec.layers"),
                       ({"thickness_mm": "thin"}, "spec.thickness_mm"),
                       ({"cavities": "3"}, "spec.cavities"), ({"colour_x": "red"}, "spec.colour_x"),
                       ({"quantity": "nan"}, "spec.quantity"), ({"quantity": True}, "spec.quantity")]:
        with pytest.raises(InputError) as err:
            specs.validate_spec(raw)
        assert err.value.field == field, raw


@settings(max_examples=100, deadline=None)
@given(hints=st.lists(st.sampled_from(taxonomy.codes("process")), max_size=4),
       filled=st.sets(st.sampled_from(sorted(specs.all_spec_fields()))),
       material=st.booleans(), files=st.sets(st.sampled_from(["cad", "drawing", "image"])))
def test_score_is_the_share_of_required_fields_filled(hints: list[str], filled: set[str],
                                                     material: bool, files: set[str]) -> None:
    part = _part(process_hints=hints, material="abs" if material else "", file_kinds=files,
                 spec={k: "1" for k in filled})
    result = specs.completeness(part)
    required = [f for f in specs.fields_for(hints) if f.required]
    assert 0.0 <= result.score <= 1.0
    assert result.score == pytest.approx((len(required) - len(result.missing)) / len(required),
                                         abs=1e-4)
    assert (result.score == 1.0) == (not result.missing)


# --- upload content checks --------------------------------------------------------------------

def binary_stl(triangles: int = 2) -> bytes:
    body = b"".join(struct.pack("<12fH", *([0.0] * 3), 0, 0, 0, 1, 0, 0, 0, 1, 0, 0) for _ in
                    range(triangles))
    return b"solid header that lies".ljust(80, b" ") + struct.pack("<I", triangles) + body


ASCII_STL = (b"solid cube\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 0 0\n"
             b"   vertex 0 1 0\n  endloop\n endfacet\nendsolid cube\n")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
STEP = b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nENDSEC;\nEND-ISO-10303-21;\n"
OBJ = b"# cube\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


def three_mf(extra: dict[str, bytes] | None = None, model: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if model:
            z.writestr("3D/3dmodel.model", "<model/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def check(data: bytes, name: str, kind: str = "cad", max_bytes: int = 10_000_000) -> str:
    return filetypes.inspect_upload(io.BytesIO(data), name=name, size=len(data), kind=kind,
                                    max_bytes=max_bytes)


@pytest.mark.parametrize(("data", "name", "kind", "expected"), [
    (binary_stl(), "part.stl", "cad", "stl"),
    (ASCII_STL, "part.STL", "cad", "stl"),
    (STEP, "part.step", "cad", "step"),
    (STEP, "part.stp", "cad", "step"),
    (three_mf(), "part.3mf", "cad", "3mf"),
    (OBJ, "part.obj", "cad", "obj"),
    (PDF, "drawing.pdf", "drawing", "pdf"),
    (PNG, "sketch.png", "drawing", "png"),
    (PNG, "photo.png", "image", "png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpg", "image", "jpeg"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "photo.webp", "image", "webp"),
    (binary_stl(), "no-extension", "cad", "stl"),
])
def test_accepted_uploads(data: bytes, name: str, kind: str, expected: str) -> None:
    assert check(data, name, kind) == expected


@pytest.mark.parametrize(("data", "name", "kind", "reason"), [
    (three_mf(model=False), "part.stl", "cad", "named .stl but the content is a ZIP archive"),
    (b"%PDX-1.4 not a pdf", "drawing.pdf", "drawing", "named .pdf but the content is plain text"),
    (binary_stl(10)[:-7], "part.stl", "cad", "binary STL damaged"),
    (b"solid nothing here\n", "part.stl", "cad", "no facet"),
    (PDF, "drawing.pdf", "cad", "not accepted as a 3D model"),
    (binary_stl(), "part.stl", "image", "not accepted as an image"),
    (PNG, "drawing.png", "cad", "not accepted as a 3D model"),
    (b"", "part.stl", "cad", "empty"),
    (b"MZ\x90\x00 an exe", "tool.exe", "cad", "no supported type"),
    (three_mf(model=False), "archive.3mf", "cad", "named .3mf but the content is a ZIP"),
    (b"PK\x03\x04garbage", "x.3mf", "cad", "damaged"),
])
def test_refused_uploads(data: bytes, name: str, kind: str, reason: str) -> None:
    with pytest.raises(InputError) as err:
        check(data, name, kind)
    assert err.value.field == "file"
    assert reason in err.value.reason


def test_size_limit() -> None:
    with pytest.raises(InputError, match="limit is 1 MB"):
        check(binary_stl(30_000), "big.stl", max_bytes=1024 * 1024)


def test_zip_bomb_is_refused_before_it_is_trusted() -> None:
    bomb = three_mf({"3D/filler.bin": b"\x00" * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(InputError, match="unsafe"):
        check(bomb, "part.3mf")


def test_checklist_rules_read_the_project_data() -> None:
    ready = {"name": "Lid", "ready": True, "has_geometry": True}
    short = {"name": "Board", "ready": False, "has_geometry": False}
    facts = {"target_unit_cost": False, "quantities": {"qty_pilot": None}, "parts": []}
    assert "target unit cost" in (choices.rule_unmet("target_cost", facts) or "")
    assert choices.rule_unmet("volume_plan", facts)
    assert choices.rule_unmet("parts_listed", facts)
    facts = {"target_unit_cost": True, "quantities": {"qty_pilot": 300, "qty_small_lot": None},
             "parts": [ready, short]}
    assert choices.rule_unmet("target_cost", facts) is None
    assert choices.rule_unmet("volume_plan", facts) is None
    assert "small-lot" in (choices.rule_unmet("pilot_and_small_lot", facts) or "")
    assert choices.rule_unmet("specs_complete", facts) == (
        "the specification is not complete enough for: Board")
    assert choices.rule_unmet("files_attached", facts) == "attach a CAD model or a drawing to: Board"
    facts["parts"] = [ready]
    assert choices.rule_unmet("specs_complete", facts) is None
    assert choices.rule_unmet("files_attached", facts) is None
    assert choices.rule_unmet("", facts) is None
    ruled = {i.rule for items in choices.CHECKLISTS.values() for i in items if i.rule}
    assert ruled == {"target_cost", "volume_plan", "pilot_and_small_lot", "parts_listed",
                     "specs_complete", "files_attached"}
