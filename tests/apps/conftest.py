from __future__ import annotations

from typing import Any

import pytest

from tests.factories import capability, record


@pytest.fixture
def pool(db: Any) -> dict[str, Any]:
    """A small directory: five firms in KR, JP and CN with distinct capabilities."""
    from shisaku.directory.models import Manufacturer
    from shisaku.directory.services import manufacturers_save

    records = [
        record("Daehan Precision", "KR-47", slug="daehan", name_local="대한정밀",
               certifications=["iso_9001", "iso_13485"], stages=["prototyping", "dfm"],
               capabilities=[capability("cnc_milling", max_lot=5000),
                             capability("surface_finishing", materials=[])]),
        record("Yamada Seisakusho", "JP-26", slug="yamada", name_local="山田製作所",
               languages=["ja", "en"], stages=["small_lot", "mass_production"],
               capabilities=[capability("injection_molding", materials=["abs", "pc"],
                                        min_lot=1000, max_lot=1_000_000)]),
        record("Huaxin Hardware", "CN-GD", slug="huaxin", name_local="华信五金",
               languages=["zh", "en"], accepts_foreign=True, certifications=["iso_9001"],
               capabilities=[capability("sheet_metal", materials=["stainless_304"]),
                             capability("cnc_milling", min_lot=100, max_lot=100000)]),
        record("Busan PCB", "KR-26", slug="busan-pcb", accepts_foreign=False,
               product_fields=["medical_welfare"],
               capabilities=[capability("pcb_fabrication", materials=["fr4"]),
                             capability("pcb_assembly", materials=["fr4"])]),
        record("Seoul Fab Lab", "KR-11", slug="seoul-lab", kind="maker_space",
               stages=["prototyping"], capabilities=[capability("fdm_printing",
                                                                materials=["pla"],
                                                                max_lot=50)]),
    ]
    manufacturers_save(records=records)
    return {m.slug: m for m in Manufacturer.objects.all()}
