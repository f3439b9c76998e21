"""DEBUG only on explicit request; error pages without tracebacks or URL patterns (issue #11).

`shisaku serve` and `shisaku demo` used to run with DEBUG on: every 500 showed a traceback with
the database and Redis URLs, every 404 under /api/ listed the URL patterns.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

from shisaku.core import views as core_views


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SHISAKU_DEBUG", "SHISAKU_PRODUCTION", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"SHISAKU_HOME": str(tmp_path)}, **extra)
    env.pop("SHISAKU_DATABASE_URL", None)
    return env


def _debug(tmp_path: Path, **extra: str) -> str:
    code = "from shisaku.core.bootstrap import setup; setup(); from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, **extra),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_debug_is_off_unless_a_developer_asks(tmp_path: Path) -> None:
    assert _debug(tmp_path) == "False"
    assert _debug(tmp_path, SHISAKU_DEBUG="1") == "True"
    assert _debug(tmp_path, SHISAKU_DEBUG="1", SHISAKU_PRODUCTION="1",
                  SHISAKU_SECRET_KEY="s" * 60) == "False"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


@pytest.mark.slow
def test_the_real_serve_command_shows_no_debug_page(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "shisaku.cli", "migrate", "--quiet"], env=env,
                   check=True, timeout=300, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "shisaku.cli", "serve", "--port", str(port),
                               "--workers", "1"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                _get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        status, body, headers = _get(base + "/no-such-page/")
        assert status == 404 and "Using the URLconf" not in body and "Traceback" not in body
        assert "DEBUG = True" not in body and "Content-Security-Policy" in headers
        status, body, _h = _get(base + "/api/v1/no-such-endpoint")
        assert status == 404 and "Using the URLconf" not in body and "api/v1/" not in body
        assert body.startswith('{"detail"')
        status, _b, _h = _get(base + "/static/shisaku/app.js")
        assert status == 200   # static files still served without DEBUG
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_error_pages_are_translated_and_plain(settings: object) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.cookies["django_language"] = "ko"
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "찾을 수 없습니다" in html
    api = Client().get("/api/v1/nothing/here")
    assert api.status_code == 404 and api.json() == {
        "detail": [{"field": "", "reason": "Not found."}]}


def _boom(request: object) -> None:
    raise RuntimeError("postgres://secret@db/shisaku")


urlpatterns = [
    __import__("django.urls").urls.path("boom", _boom),
    __import__("django.urls").urls.path("api/boom", _boom),
]
handler500 = core_views.server_error


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_no_traceback() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.content.decode()
    assert "postgres://" not in body and "Traceback" not in body and "Server error" in body
    assert response.headers["Content-Security-Policy"]
    api = client.get("/api/boom")
    assert api.status_code == 500 and "postgres://" not in api.content.decode()
    assert api.json()["detail"][0]["reason"]
