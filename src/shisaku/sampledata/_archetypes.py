"""Firm archetypes and per-process specifications that make generated firms coherent.

A firm is drawn as an archetype (a die-caster, an injection moulder, a PCB house...) which
fixes its core processes, optional extra processes, the materials each process works, lot
ranges, part envelopes, tolerances, lead times, typical head-count and product fields.
Units: lots in parts, envelopes in mm (x, y, z), tolerance in mm, lead times in days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Envelope = tuple[int, int, int]

# Service processes have no lot limit: a design or a test campaign serves any quantity.
NO_LOT_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class ProcessSpec:
    """What a capability of one process typically looks like.

    ``materials`` are always listed, ``optional_materials`` each with probability 0.35.
    ``min_lots`` / ``max_lots`` are ordered from small shop to large plant; the generator
    picks an index biased by firm size. ``envelope`` is the mid-size envelope (None: no
    limit stated). ``tolerances`` are ordered loose to tight (None: not applicable).
    """

    materials: tuple[str, ...] = ()
    optional_materials: tuple[str, ...] = ()
    min_lots: tuple[int, ...] = (1,)
    max_lots: tuple[int, ...] = (NO_LOT_LIMIT,)
    envelope: Envelope | None = None
    tolerances: tuple[float, ...] | None = None
    lead_days: tuple[int, int] = (5, 20)


_METALS_MACHINED = ("aluminum_6061", "stainless_304")
_METALS_MORE = ("aluminum_7075", "stainless_316", "mild_steel", "brass", "copper", "titanium",
                "tool_steel")
_PLASTICS_MACHINED = ("pom", "abs", "pc", "pa6", "pmma", "peek")
_MOLDING_PLASTICS = ("abs", "pc", "pp")
_MOLDING_MORE = ("pa6", "pa66", "pom", "pmma", "tpu", "peek", "silicone")

PROCESS_SPECS: Mapping[str, ProcessSpec] = {
    "industrial_design": ProcessSpec(lead_days=(10, 40)),
    "mechanical_design": ProcessSpec(lead_days=(10, 40)),
    "circuit_design": ProcessSpec(lead_days=(15, 45)),
    "firmware": ProcessSpec(lead_days=(20, 60)),
    "cnc_milling": ProcessSpec(
        _METALS_MACHINED, (*_METALS_MORE, *_PLASTICS_MACHINED),
        (1, 1, 1, 5, 10, 50), (500, 1000, 2000, 5000, 10000, 50000),
        (800, 500, 500), (0.05, 0.02, 0.01, 0.005), (5, 20)),
    "cnc_turning": ProcessSpec(
        ("aluminum_6061", "stainless_304", "brass"), ("stainless_316", "mild_steel", "copper",
                                                      "titanium", "pom", "peek"),
        (1, 1, 10, 50, 100), (1000, 5000, 10000, 50000, 100000),
        (250, 250, 600), (0.02, 0.01, 0.005, 0.002), (5, 20)),
    "sheet_metal": ProcessSpec(
        ("mild_steel", "stainless_304", "aluminum_6061"), ("copper", "brass", "stainless_316"),
        (1, 1, 5, 10), (1000, 5000, 20000, 50000),
        (2500, 1250, 400), (0.3, 0.2, 0.1), (5, 15)),
    "laser_cutting": ProcessSpec(
        ("mild_steel", "stainless_304"), ("aluminum_6061", "brass", "copper", "pmma"),
        (1,), (1000, 5000, 10000),
        (3000, 1500, 20), (0.2, 0.1, 0.05), (2, 7)),
    "welding": ProcessSpec(
        ("mild_steel", "stainless_304"), ("aluminum_6061", "stainless_316", "titanium"),
        (1, 1, 5), (500, 2000, 5000),
        (3000, 2000, 2000), (1.0, 0.5), (5, 15)),
    "mold_making": ProcessSpec(
        ("tool_steel",), ("aluminum_7075", "stainless_304"),
        (100, 500, 1000), (10000, 100000, 500000, 1000000),
        (600, 400, 300), (0.02, 0.01, 0.005), (20, 60)),
    "injection_molding": ProcessSpec(
        _MOLDING_PLASTICS, _MOLDING_MORE,
        (500, 1000, 1000, 3000, 5000), (100000, 300000, 500000, 1000000),
        (500, 400, 200), (0.1, 0.08, 0.05), (10, 30)),
    "die_casting": ProcessSpec(
        ("aluminum_6061",), ("brass", "copper"),
        (1000, 2000, 5000), (100000, 200000, 500000),
        (600, 450, 250), (0.2, 0.15, 0.1), (20, 45)),
    "urethane_casting": ProcessSpec(
        ("abs", "pc", "pp", "tpu", "silicone"), ("pmma", "pa6"),
        (1, 5, 10), (50, 100, 200),
        (1000, 600, 400), (0.3, 0.2, 0.1), (7, 15)),
    "fdm_printing": ProcessSpec(
        ("pla", "petg", "abs"), ("tpu", "pc", "pa12", "peek"),
        (1,), (100, 200, 500),
        (300, 300, 300), (0.5, 0.3, 0.2), (1, 5)),
    "sla_printing": ProcessSpec(
        ("resin_standard", "resin_tough"), (),
        (1,), (100, 200, 500),
        (300, 300, 300), (0.15, 0.1, 0.05), (2, 6)),
    "sls_printing": ProcessSpec(
        ("pa12",), ("pa6", "tpu"),
        (1,), (500, 1000, 2000),
        (340, 340, 600), (0.3, 0.25, 0.2), (3, 8)),
    "mjf_printing": ProcessSpec(
        ("pa12",), ("tpu", "pp"),
        (1,), (1000, 3000, 5000),
        (380, 284, 380), (0.3, 0.25, 0.2), (3, 7)),
    "metal_printing": ProcessSpec(
        ("stainless_316",), ("titanium", "aluminum_6061", "tool_steel"),
        (1,), (20, 50, 200),
        (250, 250, 300), (0.1, 0.08, 0.05), (7, 20)),
    "pcb_fabrication": ProcessSpec(
        ("fr4",), (),
        (1, 5, 5, 10, 100), (5000, 20000, 100000, 500000, 1000000),
        (500, 400, 6), (0.1, 0.075, 0.05), (3, 15)),
    "pcb_assembly": ProcessSpec(
        ("fr4",), (),
        (1, 5, 10, 50, 100), (5000, 20000, 100000, 500000, 1000000),
        (450, 350, 40), (0.05,), (5, 20)),
    "cable_harness": ProcessSpec(
        ("copper",), ("silicone", "tpu", "pp"),
        (10, 50, 100, 500), (10000, 50000, 200000, 500000),
        None, None, (7, 25)),
    "surface_finishing": ProcessSpec(
        ("aluminum_6061",), ("aluminum_7075", "stainless_304", "mild_steel", "brass",
                             "copper", "abs", "pc"),
        (1, 1, 10), (10000, 50000, 200000),
        (1500, 800, 1000), None, (3, 10)),
    "final_assembly": ProcessSpec(
        (), (), (10, 50, 100, 500), (10000, 100000, 500000, 1000000), None, None, (10, 30)),
    "reliability_testing": ProcessSpec(lead_days=(7, 30)),
    "certification_support": ProcessSpec(lead_days=(30, 90)),
}

# Stages a capability serves; the generator adds mass_production only where the lot range
# reaches MASS_LOT parts, and small_lot only where it starts at or below SMALL_LOT parts.
PROCESS_STAGES: Mapping[str, tuple[str, ...]] = {
    "industrial_design": ("business_design", "spec_review", "prototyping"),
    "mechanical_design": ("spec_review", "prototyping", "dfm"),
    "circuit_design": ("spec_review", "prototyping", "dfm"),
    "firmware": ("prototyping", "dfm"),
    "cnc_milling": ("prototyping", "small_lot", "mass_production"),
    "cnc_turning": ("prototyping", "small_lot", "mass_production"),
    "sheet_metal": ("prototyping", "small_lot", "mass_production"),
    "laser_cutting": ("prototyping", "small_lot", "mass_production"),
    "welding": ("prototyping", "small_lot"),
    "mold_making": ("dfm", "small_lot", "mass_production"),
    "injection_molding": ("dfm", "small_lot", "mass_production"),
    "die_casting": ("dfm", "small_lot", "mass_production"),
    "urethane_casting": ("prototyping", "small_lot"),
    "fdm_printing": ("prototyping", "small_lot"),
    "sla_printing": ("prototyping", "small_lot"),
    "sls_printing": ("prototyping", "small_lot"),
    "mjf_printing": ("prototyping", "small_lot"),
    "metal_printing": ("prototyping", "small_lot"),
    "pcb_fabrication": ("prototyping", "small_lot", "mass_production"),
    "pcb_assembly": ("prototyping", "small_lot", "mass_production"),
    "cable_harness": ("small_lot", "mass_production"),
    "surface_finishing": ("prototyping", "small_lot", "mass_production"),
    "final_assembly": ("small_lot", "mass_production"),
    "reliability_testing": ("prototyping", "dfm"),
    "certification_support": ("spec_review", "dfm"),
}
MASS_LOT = 10_000      # a capability whose max_lot reaches this serves mass production
SMALL_LOT = 1_000      # ... whose min_lot is at most this (and max_lot >= SMALL_LOT_REACH)
SMALL_LOT_REACH = 100  #     serves small lots
PROTO_LOT = 10         # ... whose min_lot is at most this serves prototyping

PRODUCT_FIELD_CODES = ("iot_ict", "robotics_machinery", "medical_welfare", "aerospace", "other")


@dataclass(frozen=True, slots=True)
class Archetype:
    """A kind of firm; see the module docstring.

    ``optional`` maps extra processes to their probability. ``materials`` overrides the
    material pool of a process (core, optional). ``fields`` are relative weights over
    PRODUCT_FIELD_CODES. ``employees`` is the median head-count (log-normal, sigma 0.9).
    ``certs`` maps certification codes to a probability (iso_9001 grows with size in the
    generator; kc / pse / iso_13485 / as9100 / iatf_16949 are also adjusted there).
    ``lots`` overrides a process's (min_lots, max_lots) options (a design house's printers
    make a handful of prototypes, not production runs). ``primary_field`` is always among
    the firm's product fields. ``name_kinds`` select the industry word of firm names (see
    ``_names``). ``equipment`` lines may start with ``"process:"``: such a line is only used
    when the firm offers that process, so equipment never contradicts capabilities.
    """

    code: str
    weight: float
    label: Mapping[str, str]
    core: tuple[str, ...]
    optional: Mapping[str, float] = field(default_factory=dict)
    materials: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    fields: tuple[float, float, float, float, float] = (1, 1, 1, 1, 1)
    primary_field: str = ""
    lots: Mapping[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)
    employees: float = 25
    startup_friendly: float = 0.5
    electronics: bool = False
    price: float = 1.0
    certs: Mapping[str, float] = field(default_factory=dict)
    name_kinds: tuple[str, ...] = ("industrial",)
    equipment: tuple[str, ...] = ()
    extra_stages: tuple[str, ...] = ()


def _lab(en: str, ko: str, ja: str) -> Mapping[str, str]:
    return {"en": en, "ko": ko, "ja": ja}


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        "machining", 14, _lab("precision machining shop", "정밀 가공 업체", "精密切削加工メーカー"),
        ("cnc_milling",), {"cnc_turning": 0.6, "surface_finishing": 0.3, "welding": 0.1,
                           "mechanical_design": 0.1},
        fields=(3, 5, 2, 1, 2), employees=18, startup_friendly=0.6,
        certs={"iso_9001": 0.45, "iso_14001": 0.15},
        name_kinds=("precision", "machinery", "industrial"),
        equipment=("cnc_milling:3-axis vertical machining centre x{n}",
                   "cnc_milling:5-axis machining centre x{k}", "cnc_turning:CNC lathe x{k}",
                   "CMM inspection room", "wire EDM x{k}")),
    Archetype(
        "turning", 6, _lab("CNC turning shop", "CNC 선반 가공 업체", "CNC旋盤加工メーカー"),
        ("cnc_turning",), {"cnc_milling": 0.35, "surface_finishing": 0.2},
        materials={"cnc_turning": (("brass", "stainless_304", "aluminum_6061"),
                                   ("stainless_316", "titanium", "copper", "mild_steel", "pom"))},
        fields=(3, 5, 3, 1, 2), employees=15, startup_friendly=0.45,
        certs={"iso_9001": 0.4},
        name_kinds=("precision", "industrial"),
        equipment=("cnc_turning:Swiss-type automatic lathe x{n}",
                   "cnc_turning:CNC lathe with bar feeder x{k}", "cnc_milling:vertical machining centre x{k}",
                   "profile projector")),
    Archetype(
        "sheet_metal", 9, _lab("sheet-metal fabricator", "판금 가공 업체", "板金加工メーカー"),
        ("sheet_metal", "laser_cutting"), {"welding": 0.7, "surface_finishing": 0.4,
                                           "final_assembly": 0.2, "cnc_milling": 0.15},
        fields=(3, 5, 1, 1, 3), employees=22, startup_friendly=0.5,
        certs={"iso_9001": 0.45, "iso_14001": 0.2},
        name_kinds=("sheetmetal", "industrial", "metal"),
        equipment=("laser_cutting:fiber laser cutter 6 kW x{k}", "sheet_metal:CNC press brake x{n}",
                   "sheet_metal:turret punch press", "welding:TIG / MIG welding booth x{k}",
                   "surface_finishing:powder-coating line")),
    Archetype(
        "stamping", 6, _lab("metal stamping plant", "프레스 금형·가공 업체", "プレス加工メーカー"),
        ("sheet_metal", "mold_making"), {"welding": 0.4, "surface_finishing": 0.3,
                                         "laser_cutting": 0.3},
        materials={"mold_making": (("tool_steel",), ())},
        fields=(2, 4, 1, 1, 4), employees=45, startup_friendly=0.25, price=0.95,
        certs={"iso_9001": 0.6, "iso_14001": 0.35},
        name_kinds=("press", "industrial", "metal"),
        equipment=("sheet_metal:servo press 200 t x{k}", "sheet_metal:progressive die press line x{n}",
                   "sheet_metal:transfer press 400 t", "mold_making:die shop with wire EDM")),
    Archetype(
        "welding", 4, _lab("welding and frame fabricator", "용접·제관 업체", "溶接・製缶メーカー"),
        ("welding", "sheet_metal"), {"cnc_milling": 0.4, "laser_cutting": 0.5,
                                     "surface_finishing": 0.3},
        materials={"cnc_milling": (("mild_steel", "aluminum_6061"), ("stainless_304",))},
        fields=(1, 6, 1, 1, 3), employees=20, startup_friendly=0.35,
        certs={"iso_9001": 0.4},
        name_kinds=("metal", "industrial", "engineering"),
        equipment=("welding:robotic MIG welding cell x{k}", "welding:TIG welders x{n}",
                   "cnc_milling:large gantry mill", "overhead crane 10 t")),
    Archetype(
        "die_casting", 5, _lab("die-casting foundry", "다이캐스팅 업체", "ダイカストメーカー"),
        ("die_casting", "cnc_milling", "surface_finishing"), {"mold_making": 0.5,
                                                              "cnc_turning": 0.2},
        materials={"cnc_milling": (("aluminum_6061",), ("brass",)),
                   "surface_finishing": (("aluminum_6061",), ("brass",)),
                   "mold_making": (("tool_steel",), ())},
        fields=(2, 4, 1, 1, 4), employees=60, startup_friendly=0.25, price=0.95,
        certs={"iso_9001": 0.65, "iso_14001": 0.4},
        name_kinds=("diecast", "industrial", "metal"),
        equipment=("die_casting:cold-chamber die-casting machine 350 t x{n}",
                   "die_casting:800 t die-casting cell", "die_casting:X-ray porosity inspection",
                   "die_casting:trimming press x{k}", "cnc_milling:machining centres x{k}")),
    Archetype(
        "mold_shop", 6, _lab("mould maker", "금형 제작 업체", "金型メーカー"),
        ("mold_making", "cnc_milling"), {"injection_molding": 0.4, "mechanical_design": 0.3},
        materials={"cnc_milling": (("tool_steel", "aluminum_7075"), ("stainless_304",))},
        lots={"injection_molding": ((100, 500), (5000, 10000, 20000))},
        fields=(3, 3, 2, 1, 3), employees=20, startup_friendly=0.4,
        certs={"iso_9001": 0.45},
        name_kinds=("mold", "precision"),
        equipment=("cnc_milling:high-speed machining centre x{n}", "sinker EDM x{k}", "wire EDM x{k}",
                   "injection_molding:try-out press 180 t", "mould design CAD/CAM seats x{n}")),
    Archetype(
        "injection_molder", 10, _lab("plastic injection moulder", "플라스틱 사출 업체",
                                     "プラスチック射出成形メーカー"),
        ("mold_making", "injection_molding"), {"surface_finishing": 0.3, "final_assembly": 0.35,
                                               "urethane_casting": 0.1},
        materials={"mold_making": (("tool_steel",), ("aluminum_7075",)),
                   "surface_finishing": (("abs", "pc"), ())},
        fields=(5, 3, 2, 1, 4), employees=45, startup_friendly=0.3, price=0.95,
        certs={"iso_9001": 0.6, "iso_14001": 0.35, "rohs": 0.3},
        name_kinds=("plastics", "mold", "industrial"),
        equipment=("injection_molding:injection moulding machines 80-450 t x{n}",
                   "injection_molding:two-shot moulding machine", "mold_making:mould shop with EDM x{k}",
                   "final_assembly:pad printing and ultrasonic welding")),
    Archetype(
        "rapid_proto", 5, _lab("rapid prototyping studio", "시제품 제작 업체", "試作品製作メーカー"),
        ("cnc_milling", "urethane_casting", "sla_printing"), {"fdm_printing": 0.5,
                                                              "surface_finishing": 0.6,
                                                              "mechanical_design": 0.3},
        materials={"cnc_milling": (("aluminum_6061", "abs", "pom", "pmma"), ("pc", "stainless_304")),
                   "surface_finishing": (("abs", "aluminum_6061"), ("pc",))},
        lots={"cnc_milling": ((1,), (50, 100, 200, 500))},
        fields=(5, 3, 2, 1, 2), employees=12, startup_friendly=0.85, price=1.1,
        certs={"iso_9001": 0.2},
        name_kinds=("proto", "tech"),
        equipment=("urethane_casting:vacuum casting chamber x{k}", "sla_printing:SLA printers x{n}",
                   "cnc_milling:3-axis machining centre x{k}", "surface_finishing:paint booth")),
    Archetype(
        "print_bureau", 6, _lab("3D printing bureau", "3D 프린팅 출력 업체", "3Dプリント出力サービス"),
        ("fdm_printing", "sla_printing"), {"sls_printing": 0.4, "mjf_printing": 0.3,
                                           "metal_printing": 0.12, "surface_finishing": 0.2},
        materials={"surface_finishing": (("abs", "pc"), ())},
        fields=(5, 3, 2, 1, 3), employees=8, startup_friendly=0.85, price=1.05,
        certs={"iso_9001": 0.1},
        name_kinds=("printing", "tech"),
        equipment=("fdm_printing:FDM printers x{n}", "sla_printing:SLA printers x{k}",
                   "sls_printing:SLS system x{k}", "mjf_printing:MJF printer x{k}",
                   "metal_printing:metal powder-bed printer", "post-processing and dyeing station")),
    Archetype(
        "pcb_house", 6, _lab("PCB manufacturer", "PCB 제조 업체", "プリント基板メーカー"),
        ("pcb_fabrication", "pcb_assembly"), {"circuit_design": 0.2},
        fields=(7, 3, 2, 1, 1), employees=70, startup_friendly=0.45, electronics=True, price=0.95,
        certs={"iso_9001": 0.7, "iso_14001": 0.45, "ul": 0.5, "rohs": 0.6},
        name_kinds=("pcb", "electronics"),
        equipment=("pcb_fabrication:multilayer lamination press", "pcb_fabrication:laser via drilling x{k}",
                   "pcb_assembly:SMT line x{n}", "pcb_assembly:AOI and X-ray inspection",
                   "flying-probe tester")),
    Archetype(
        "ems", 7, _lab("electronics manufacturing service (EMS)", "전자 제품 위탁 생산(EMS) 업체",
                       "電子機器受託製造（EMS）メーカー"),
        ("pcb_assembly", "cable_harness", "final_assembly"), {"reliability_testing": 0.6,
                                                              "pcb_fabrication": 0.2,
                                                              "injection_molding": 0.1},
        materials={"injection_molding": (("abs", "pc"), ())},
        fields=(7, 4, 2, 1, 2), employees=90, startup_friendly=0.4, electronics=True, price=0.95,
        certs={"iso_9001": 0.75, "iso_14001": 0.5, "ul": 0.3, "ce": 0.2, "rohs": 0.6},
        name_kinds=("electronics", "tech"),
        equipment=("pcb_assembly:SMT lines x{n}", "pcb_assembly:selective wave soldering",
                   "final_assembly:box-build lines x{k}", "ICT / functional test stations",
                   "pcb_assembly:conformal coating line")),
    Archetype(
        "harness", 4, _lab("cable and wire-harness maker", "케이블·하네스 업체",
                           "ケーブル・ワイヤーハーネスメーカー"),
        ("cable_harness",), {"final_assembly": 0.4, "pcb_assembly": 0.3,
                             "injection_molding": 0.15},
        materials={"injection_molding": (("pp", "tpu"), ("pa66",))},
        fields=(4, 4, 2, 1, 4), employees=40, startup_friendly=0.35, electronics=True, price=0.9,
        certs={"iso_9001": 0.6, "ul": 0.4, "rohs": 0.5},
        name_kinds=("harness", "electronics"),
        equipment=("cable_harness:automatic cut-strip-crimp machines x{n}", "cable_harness:harness boards x{n}",
                   "injection_molding:over-moulding press x{k}", "continuity testers")),
    Archetype(
        "design_house", 6, _lab("product design house", "제품 디자인·설계 회사",
                                "製品デザイン・設計会社"),
        ("industrial_design", "mechanical_design"), {"circuit_design": 0.5, "firmware": 0.4,
                                                     "fdm_printing": 0.5, "sla_printing": 0.2},
        lots={"fdm_printing": ((1,), (5, 10, 20)), "sla_printing": ((1,), (5, 10, 20))},
        fields=(6, 4, 3, 1, 3), employees=10, startup_friendly=0.85, price=1.1,
        certs={"iso_9001": 0.1},
        name_kinds=("design",),
        equipment=("CAD seats (SolidWorks / Creo) x{n}", "fdm_printing:desktop FDM printers x{k}",
                   "sla_printing:resin printer", "industrial_design:rendering workstation"),
        extra_stages=("business_design",)),
    Archetype(
        "electronics_design", 5, _lab("electronics and firmware design house",
                                      "전자 회로·펌웨어 설계 회사", "電子回路・ファームウェア設計会社"),
        ("circuit_design", "firmware"), {"pcb_assembly": 0.4, "mechanical_design": 0.3,
                                         "certification_support": 0.2},
        lots={"pcb_assembly": ((1,), (10, 50, 100))},
        fields=(8, 3, 2, 1, 1), employees=12, startup_friendly=0.8, electronics=True, price=1.1,
        certs={"iso_9001": 0.15},
        name_kinds=("electronics", "tech", "design"),
        equipment=("circuit_design:EDA seats (Altium / KiCad) x{n}", "oscilloscopes and logic analysers",
                   "pcb_assembly:pick-and-place for prototypes",
                   "certification_support:RF pre-compliance test set"),
        extra_stages=("business_design",)),
    Archetype(
        "test_lab", 3, _lab("test and certification laboratory", "시험·인증 기관", "試験・認証機関"),
        ("reliability_testing", "certification_support"), {},
        fields=(5, 3, 4, 2, 2), employees=30, startup_friendly=0.55, electronics=True, price=1.1,
        certs={"iso_9001": 0.7, "iso_14001": 0.3, "ce": 0.5, "ul": 0.3},
        name_kinds=("testing",),
        equipment=("thermal-cycling chambers x{n}", "vibration shaker 3 kN",
                   "EMC semi-anechoic chamber", "salt-spray tester", "drop tester")),
    Archetype(
        "finishing", 3, _lab("surface finishing shop", "표면 처리 업체", "表面処理メーカー"),
        ("surface_finishing",), {"cnc_milling": 0.15},
        fields=(2, 4, 2, 1, 4), employees=20, startup_friendly=0.4, price=0.95,
        certs={"iso_9001": 0.45, "iso_14001": 0.4, "rohs": 0.3},
        name_kinds=("finishing", "industrial"),
        equipment=("anodising line", "electroless nickel plating line", "powder-coating booth x{k}",
                   "laser marker", "bead-blasting cabinet", "cnc_milling:machining centre x{k}")),
    Archetype(
        "medical", 3, _lab("medical-device contract manufacturer", "의료기기 위탁 생산 업체",
                           "医療機器受託製造メーカー"),
        ("cnc_milling", "cnc_turning", "final_assembly"), {"injection_molding": 0.4,
                                                           "reliability_testing": 0.5,
                                                           "mold_making": 0.2,
                                                           "certification_support": 0.3},
        materials={"cnc_milling": (("titanium", "stainless_316", "peek"), ("aluminum_6061", "pc")),
                   "cnc_turning": (("titanium", "stainless_316"), ("peek",)),
                   "injection_molding": (("pc", "pp"), ("peek", "silicone", "abs")),
                   "mold_making": (("tool_steel",), ())},
        fields=(1, 1, 10, 1, 1), primary_field="medical_welfare", employees=50, startup_friendly=0.4, price=1.25,
        certs={"iso_9001": 0.85, "iso_14001": 0.4, "iso_13485": 0.85},
        name_kinds=("medical", "precision"),
        equipment=("ISO 7 clean room", "cnc_turning:Swiss-type lathes x{n}",
                   "cnc_milling:5-axis machining centre x{k}", "laser marking for UDI",
                   "validated cleaning and packaging line", "injection_molding:clean-room moulding cell")),
    Archetype(
        "aero_machining", 2, _lab("aerospace machining supplier", "항공 부품 가공 업체",
                                  "航空機部品加工メーカー"),
        ("cnc_milling", "cnc_turning"), {"surface_finishing": 0.5, "metal_printing": 0.15,
                                         "welding": 0.2},
        materials={"cnc_milling": (("aluminum_7075", "titanium"), ("stainless_316", "aluminum_6061",
                                                                   "peek")),
                   "cnc_turning": (("titanium", "aluminum_7075"), ("stainless_316",)),
                   "metal_printing": (("titanium",), ("stainless_316",)),
                   "surface_finishing": (("aluminum_7075",), ("titanium",))},
        fields=(1, 2, 1, 10, 1), primary_field="aerospace", employees=70, startup_friendly=0.3, price=1.3,
        certs={"iso_9001": 0.9, "iso_14001": 0.4, "as9100": 0.8},
        name_kinds=("precision", "engineering"),
        equipment=("cnc_milling:5-axis machining centres x{n}", "cnc_milling:horizontal machining cells x{k}",
                   "cnc_turning:CNC turning centres x{k}", "CMM x{k}", "NADCAP-style process control")),
)
