"""Sample projects for the demo startups: real-looking, deliberately incomplete specs.

Idempotent: a startup that already has a project of the same title keeps it as it is.
"""

from __future__ import annotations

from typing import Any

from shisaku.accounts.models import Organisation, User
from shisaku.projects.choices import CHECKLISTS
from shisaku.projects.models import Project
from shisaku.projects.services import checklist_tick, part_create, project_create, stage_move

DEMO_PROJECTS: dict[str, list[dict[str, Any]]] = {
    "demo-startup": [{
        "project": {
            "title": "Cobot gripper G1", "product_field": "robotics_machinery",
            "summary": {"ko": "협동로봇용 전동 그리퍼. 크라우드펀딩 후 300대 파일럿 생산 예정.",
                        "en": "Electric gripper for collaborative robots; 300-unit pilot after "
                              "crowdfunding."},
            "qty_prototype": 10, "qty_pilot": 300, "qty_small_lot": 5000, "qty_mass": 30000,
            "target_unit_cost": "180", "currency": "USD",
        },
        "stages": ["spec_review"],
        "parts": [
            {"name": "Housing (upper and lower shell)", "quantity_per_unit": 2,
             "process_hints": ["mold_making", "injection_molding"], "material": "pc",
             "spec": {"colour": "RAL 7035", "texture": "matte",
              "annual_volume": 5000, "cavities": "unknown"}},
            {"name": "Finger frame", "quantity_per_unit": 2, "process_hints": ["cnc_milling"],
             "material": "aluminum_6061", "finish": "black anodised", "tolerance_class": "m",
             "spec": {"quantity": 20}},
            {"name": "Motor driver board", "quantity_per_unit": 1,
             "process_hints": ["pcb_fabrication", "pcb_assembly"], "material": "fr4",
             "spec": {"layers": 4, "board_width_mm": "62", "board_height_mm": "40",
                      "component_count": 148, "assembly_sides": "top", "quantity": 20}},
        ],
    }],
    "demo-startup-jp": [{
        "project": {
            "title": "Smart pill dispenser", "product_field": "medical_welfare",
            "summary": {"ja": "高齢者向けの服薬支援ディスペンサー。介護施設で実証予定。",
                        "en": "Medication dispenser for older people; trial in care homes."},
            "qty_prototype": 5, "qty_pilot": 100, "qty_small_lot": 1000,
            "target_unit_cost": "12000", "currency": "JPY",
        },
        "stages": ["spec_review"],
        "parts": [
            {"name": "Dispensing drum", "quantity_per_unit": 1,
             "process_hints": ["sla_printing"], "material": "resin_tough",
             "spec": {"quantity": 5}},
            {"name": "Enclosure", "quantity_per_unit": 1, "process_hints": ["urethane_casting"],
             "material": "abs", "spec": {"colour": "white"}},
        ],
    }],
}


def demo_projects_ensure() -> int:
    """Create the sample projects of the demo startups; returns how many were created."""
    created = 0
    for username, projects in DEMO_PROJECTS.items():
        user = User.objects.filter(username=username).first()
        org = (Organisation.objects.filter(memberships__user=user, kind="startup").first()
               if user else None)
        if user is None or org is None:
            continue
        for spec in projects:
            if Project.objects.filter(organisation=org, title=spec["project"]["title"]).exists():
                continue
            data = dict(spec["project"])
            # The demo coordinator supports both sample startups (its board shows them).
            data["coordinator"] = Organisation.objects.filter(
                kind="coordinator", memberships__user__username="demo-coordinator").first()
            project = project_create(actor=user, organisation=org, data=data)
            for part in spec["parts"]:
                part_create(actor=user, project=project, data=part)
            for stage in spec["stages"]:
                # The sample startups did their homework for the stage they leave.
                for item in CHECKLISTS.get(project.stage, ()):
                    checklist_tick(actor=user, project=project, item=item.key, done=True)
                stage_move(actor=user, project=project, to_stage=stage,
                           note="sample project")
            created += 1
    return created
