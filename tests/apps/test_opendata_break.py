"""Open-data snapshots on a server with several worker processes: each writes into its own
temporary folder (two workers never write the same files), and old snapshots do not pile up
on disk with every directory edit."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from shisaku.core.services import generation_bump
from shisaku.directory import opendata_views
from shisaku.directory.services import GENERATION, manufacturers_save
from tests.factories import capability, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(settings: Any, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    manufacturers_save(records=[record("Hanbit Precision", "KR-41", slug="hanbit",
                                       capabilities=[capability("cnc_milling")])])
    return tmp_path


def test_two_workers_never_write_into_the_same_folder(settings: Any, tmp_path: Path,
                                                     monkeypatch: Any) -> None:
    settings.HOME = home = tmp_path
    # Separate processes share no threading.Lock: simulate them with the lock removed.
    monkeypatch.setattr(opendata_views, "_lock", contextlib.nullcontext())
    monkeypatch.setattr(opendata_views, "snapshot_version", lambda: "2026-11-01.g7")
    written: list[Path] = []
    both_inside = threading.Barrier(2, timeout=10)

    def publish(*, out_dir: Path) -> Any:  # the real one reads the DB (SQLite: one writer)
        out_dir.mkdir(parents=True, exist_ok=True)
        written.append(out_dir)
        both_inside.wait()  # both workers are writing at the same time
        (out_dir / "datapackage.json").write_text('{"name": "shisaku-directory"}')
        return {}

    monkeypatch.setattr(opendata_views, "directory_publish", publish)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(opendata_views._current()))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2 and len(set(written)) == 2
    folder = results[0][0]
    assert results[1][0] == folder and results[0][1] == {"name": "shisaku-directory"}
    assert [p.name for p in (home / "opendata").iterdir()] == [folder.name]


def test_old_snapshots_are_removed(home: Path) -> None:
    client = Client()
    for _ in range(4):
        answer = client.get("/manufacturers/open-data/datapackage.json")
        assert answer.status_code == 200
        b"".join(answer.streaming_content)  # read to the end: the client closes the file
        generation_bump(name=GENERATION)
    assert client.get("/manufacturers/open-data/").status_code == 200
    assert len(list((home / "opendata").iterdir())) <= 2
