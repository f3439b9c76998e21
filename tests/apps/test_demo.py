"""`shisaku demo --no-serve`: sample data once, logins printed, loading twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from shisaku.cli import main

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_loads_once_and_prints_logins(capsys: Any, settings: Any, tmp_path: Any) -> None:
    from shisaku.accounts.models import User
    from shisaku.directory.models import Manufacturer
    from shisaku.projects.models import Project

    settings.HOME = tmp_path
    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    out = capsys.readouterr().out
    assert "demo-startup" in out and "demo-coordinator" in out
    firms = Manufacturer.objects.count()
    assert firms == 60 + Manufacturer.objects.filter(kind="maker_space").count()
    assert Manufacturer.objects.filter(kind="maker_space").count() == 156
    assert Manufacturer.objects.filter(synthetic=True).count() == 60
    projects = Project.objects.count()
    assert projects == 3  # two sample projects and the sample order history
    assert Project.objects.filter(coordinator__isnull=False).count() == 3
    maker = User.objects.get(username="demo-maker")
    assert maker.memberships.get().organisation.manufacturer.synthetic
    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    assert (Manufacturer.objects.count(), Project.objects.count()) == (firms, projects)
    assert "(0 added now)" in capsys.readouterr().out


def test_demo_refuses_an_impossible_size(capsys: Any) -> None:
    assert main(["demo", "--no-serve", "--size", "-1"]) == 2
