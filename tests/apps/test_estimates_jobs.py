"""Bounded estimates on the web (issue #11): over-limit files are refused at once with the
limit named; degenerate meshes are a 4xx, never a 500; large parts go to the worker, which
runs each job in a child process with memory and time limits, and the page polls its stage."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shisaku.accounts.models import User
from shisaku.estimates.choices import ESTIMATE_TRANSITIONS, EstimateStatus, transition_allowed
from shisaku.estimates.models import Estimate
from shisaku.estimates.services import estimate_execute

PARTS = Path(__file__).resolve().parents[1] / "data" / "parts"
FORM = {"units": "auto", "quantities": "10, 300", "region": "KR", "client_country": "KR"}


def _binary_stl(tris: np.ndarray) -> bytes:
    tris = np.asarray(tris, dtype=np.float32)
    return (b"\0" * 80 + struct.pack("<I", len(tris))
            + b"".join(b"\0" * 12 + t.tobytes() + b"\0\0" for t in tris))


def test_transitions_without_a_database() -> None:
    assert transition_allowed(ESTIMATE_TRANSITIONS, EstimateStatus.QUEUED, EstimateStatus.RUNNING)
    assert transition_allowed(ESTIMATE_TRANSITIONS, EstimateStatus.RUNNING, EstimateStatus.DONE)
    assert not transition_allowed(ESTIMATE_TRANSITIONS, EstimateStatus.DONE,
                                  EstimateStatus.RUNNING)
    assert not transition_allowed(ESTIMATE_TRANSITIONS, EstimateStatus.FAILED,
                                  EstimateStatus.DONE)
    assert not transition_allowed(ESTIMATE_TRANSITIONS, EstimateStatus.QUEUED,
                                  EstimateStatus.DONE)


@pytest.fixture
def user_client(client: Client, settings: Any, tmp_path: Path, db: Any) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create_user("jobs", "jobs@example.org", "a long enough password 1")
    client.force_login(user)
    return client


def test_over_limit_file_is_refused_at_once_naming_the_limit(user_client: Client,
                                                             settings: Any) -> None:
    settings.SHISAKU_ESTIMATE_MAX_TRIANGLES = 1000
    data = _binary_stl(trimesh.creation.icosphere(subdivisions=4).triangles)  # 5,120
    user_client.post("/estimate/", {"file": SimpleUploadedFile("s.stl", data), **FORM})  # warm
    started = time.process_time()  # CPU time: the machine running the tests may be busy
    page = user_client.post("/estimate/", {"file": SimpleUploadedFile("s.stl", data), **FORM})
    assert time.process_time() - started < 1.0
    assert page.status_code == 400
    assert "over the limit of 1,000 triangles" in page.content.decode()
    api = user_client.post("/api/v1/estimates", {"file": SimpleUploadedFile("s.stl", data)})
    assert api.status_code == 422
    detail = api.json()["detail"][0]
    assert detail["field"] == "file" and "1,000 triangles" in detail["reason"]
    assert Estimate.objects.count() == 0


def test_one_face_obj_is_refused_naming_the_per_face_limit(user_client: Client) -> None:
    n = 5000
    verts = "".join(f"v {np.cos(a):.4f} {np.sin(a):.4f} 0\n"
                    for a in np.linspace(0, 6.28, n, endpoint=False))
    data = (verts + "f " + " ".join(map(str, range(1, n + 1))) + "\n").encode()
    api = user_client.post("/api/v1/estimates", {"file": SimpleUploadedFile("f.obj", data)})
    assert api.status_code == 422
    assert "1,000 vertices per face" in api.json()["detail"][0]["reason"]


@pytest.mark.parametrize("kind", ["single_facet", "nan", "inf"])
def test_degenerate_meshes_are_4xx_not_500(user_client: Client, kind: str) -> None:
    tris = trimesh.creation.box(extents=[10, 20, 30]).triangles.copy()
    if kind == "single_facet":
        tris = tris[:1]
    else:
        tris[2, 1, 0] = np.nan if kind == "nan" else -np.inf
    data = _binary_stl(tris)
    api = user_client.post("/api/v1/estimates", {"file": SimpleUploadedFile("d.stl", data)})
    assert api.status_code == 422, api.content
    assert api.json()["detail"][0]["field"] == "file"
    page = user_client.post("/estimate/", {"file": SimpleUploadedFile("d.stl", data), **FORM})
    assert page.status_code == 400
    assert Estimate.objects.count() == 0


def _queue_large_part(user_client: Client, settings: Any) -> Estimate:
    settings.SHISAKU_ESTIMATE_INLINE_TRIANGLES = 100  # the test part counts as large
    data = _binary_stl(trimesh.creation.box(extents=[40, 30, 20]).subdivide().subdivide().triangles)
    response = user_client.post("/estimate/", {"file": SimpleUploadedFile("big.stl", data),
                                               **FORM})
    assert response.status_code == 302
    estimate = Estimate.objects.get()
    assert estimate.status == EstimateStatus.QUEUED and estimate.result == {}
    page = user_client.get(response["Location"]).content.decode()
    assert 'data-testid="progress"' in page and "hx-trigger=\"every 1s\"" in page
    return estimate


def test_large_part_is_estimated_by_the_worker_and_the_page_polls(user_client: Client,
                                                                   settings: Any) -> None:
    estimate = _queue_large_part(user_client, settings)
    status = user_client.get(f"/estimate/{estimate.pk}/status")
    assert status.status_code == 200 and 'data-testid="progress"' in status.content.decode()
    estimate_execute(estimate=estimate)  # what the huey task runs
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.DONE, estimate.error
    assert [row["quantity"] for row in estimate.result["plan"]] == [10, 300]
    done = user_client.get(f"/estimate/{estimate.pk}/status")
    assert done.headers.get("HX-Refresh") == "true"
    page = user_client.get(f"/estimate/{estimate.pk}/").content.decode()
    assert 'data-testid="plan"' in page


def test_worker_job_over_its_memory_limit_fails_cleanly(user_client: Client,
                                                        settings: Any) -> None:
    estimate = _queue_large_part(user_client, settings)
    settings.SHISAKU_ESTIMATE_MEMORY_MB = 1
    estimate_execute(estimate=estimate)
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.FAILED
    assert "memory limit of 1 MB" in estimate.error
    page = user_client.get(f"/estimate/{estimate.pk}/").content.decode()
    assert 'data-testid="job-failed"' in page and "memory limit" in page
    user_client.cookies["django_language"] = "ko"
    page = user_client.get(f"/estimate/{estimate.pk}/").content.decode()
    assert "메모리 한도 1 MB" in page and "memory limit" not in page  # the reason in Korean


def test_worker_job_over_its_time_limit_is_stopped(user_client: Client, settings: Any) -> None:
    estimate = _queue_large_part(user_client, settings)
    settings.SHISAKU_ESTIMATE_TIMEOUT_S = 0.05
    started = time.perf_counter()
    estimate_execute(estimate=estimate)
    assert time.perf_counter() - started < 5
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.FAILED
    assert "time limit of 0.05 s" in estimate.error


def test_api_reports_a_queued_job(user_client: Client, settings: Any) -> None:
    settings.SHISAKU_ESTIMATE_INLINE_TRIANGLES = 100
    data = _binary_stl(trimesh.creation.box(extents=[40, 30, 20]).subdivide().subdivide().triangles)
    body = user_client.post("/api/v1/estimates", {"file": SimpleUploadedFile("b.stl", data)})
    assert body.status_code == 201
    assert body.json()["status"] == "queued" and body.json()["result"] == {}
