"""The whole API under schemathesis (issue #11), as anonymous and as each role (startup,
manufacturer, coordinator): 0 server errors, every answer's status code documented, its body
and content type as the OpenAPI document says. Bounded: a few generated examples per operation
(SHISAKU_SCHEMATHESIS_EXAMPLES, default 3) so the run takes about two minutes on 2 cores."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.apps.test_rfq_support import make_rfq, make_world

EXAMPLES = int(os.environ.get("SHISAKU_SCHEMATHESIS_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ROLES = ("anonymous", "startup", "manufacturer", "coordinator")


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> Any:
    # The WSGI handler's request_started signal checks the default connection (whatever an
    # earlier test module left open): let it, the schema itself reads no table.
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Like Django's test client: requests must not close the test's database connection
    (on PostgreSQL that would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _credentials(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies of a signed-in session with a CSRF token (none for anonymous)."""
    if user is None:
        return {}, {}
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)  # a CSRF secret of the right form, cookie and header alike
    session = client.cookies["sessionid"].value
    return {"X-CSRFToken": token}, {"sessionid": session, "csrftoken": token}


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_whole_api_as_each_role(schema: Any, role: str) -> None:
    world = make_world()
    rfq, invitations = make_rfq(world)
    # Each generated case is sent twice when it has path ids: as generated (mostly 404) and
    # with the ids of real objects, so that the handlers behind the 404 are exercised too.
    real_ids = {"project_id": world.project.pk, "part_id": world.parts[0].pk,
                "rfq_id": rfq.pk, "invitation_id": invitations[0].pk,
                "manufacturer_id": world.firms["alpha"].pk}
    users = {"anonymous": None, "startup": world.owner,
             "manufacturer": world.makers["alpha"], "coordinator": world.coord}
    headers, cookies = _credentials(users[role])
    failures: list[str] = []
    calls: dict[str, int] = {"n": 0}
    statuses: dict[int, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            calls["n"] += 1
            calls[case.method] = calls.get(case.method, 0) + 1
            try:
                response = case.call_and_validate(headers=headers, cookies=cookies,
                                                  checks=CHECKS)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                known = {k: v for k, v in real_ids.items() if k in (case.path_parameters or {})}
                if known:
                    case.path_parameters.update(known)
                    response = case.call_and_validate(headers=headers, cookies=cookies,
                                                      checks=CHECKS)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            except Exception as exc:
                failures.append(f"{case.operation.label}: {str(exc)[:800]}")
                raise

        try:
            run()
        except Exception as exc:
            if not failures or not failures[-1].startswith(operation.label):
                failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:800]}")
    assert calls["n"] >= len(list(schema.get_all_operations())), (calls, failures[:3])
    print(role, calls, statuses)  # shown with -s: how the run went
    assert failures == [], "\n\n".join(failures[:20])


def test_every_operation_documents_its_error_answers() -> None:
    from shisaku.api import api

    document = api.get_openapi_schema()
    assert "ApiError" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            codes = {str(c) for c in op["responses"]}
            label = f"{method.upper()} {path}"
            if op.get("security"):
                assert {"401", "404"} <= codes, label
                if method != "get":
                    assert "403" in codes, label
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in codes, label
            if op.get("requestBody"):
                assert {"400", "413"} <= codes, label


@pytest.mark.django_db
def test_ninja_errors_answer_in_the_documented_shape() -> None:
    anonymous = Client().get("/api/v1/rfqs")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": [{"field": "", "reason": "Unauthorized"}]}
    user = make_world().owner
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/v1/projects", data="{}", content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"][0]["reason"]
