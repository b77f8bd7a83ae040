"""Security: anonymous access, path traversal, upload size, non-report files, CSRF, open redirects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from service.web.models import Job
from tests.service import web_fixtures
from tests.service.web_fixtures import (
    BROKEN_PDF,
    FIXTURES,
    Site,
    csrf_of,
    login,
    wait_job,
)

sqlite_site = web_fixtures.sqlite_site  # the shared fixture, under its own name for pytest

PUBLIC = {"/login", "/health", "/ready"}


def _routes(routes: list) -> list[Route]:
    """Every endpoint, looking inside included routers (newer FastAPI wraps them)."""
    out: list[Route] = []
    for route in routes:
        if isinstance(route, APIRoute | Route):
            out.append(route)
        elif hasattr(route, "original_router"):
            out += _routes(route.original_router.routes)
    return out


def test_every_route_without_a_session_is_refused_except_login_and_health(sqlite_site: Site) -> None:
    client = sqlite_site.client
    client.cookies.clear()
    checked = 0
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        if route.path in PUBLIC:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            response = client.request(method, path, follow_redirects=False)
            refused = response.status_code == 401 or (
                response.status_code == 303 and response.headers["location"].startswith("/login"))
            assert refused, f"{method} {route.path} answered {response.status_code} without a session"
            checked += 1
    assert checked >= 20
    assert client.get("/health").status_code == 200
    assert client.get("/login").status_code == 200


def test_a_wrong_token_is_refused(sqlite_site: Site) -> None:
    r = sqlite_site.client.get("/api/reports", headers={"Authorization": "Bearer nbk_wrong"})
    assert r.status_code == 401


@pytest.mark.parametrize("name", ["../../../../tmp/evil.pdf", "..\\..\\evil.pdf", "/etc/passwd.pdf"])
def test_path_traversal_in_upload_names_goes_nowhere(sqlite_site: Site, name: str) -> None:
    data = BROKEN_PDF.read_bytes() + name.encode()  # distinct bytes per case, still a readable PDF
    r = sqlite_site.client.post("/api/uploads", files=[("files", (name, data, "application/pdf"))],
                                headers=sqlite_site.auth("reviewer"))
    assert r.status_code == 202
    job = r.json()["jobs"][0]
    assert "/" not in job["filename"] and "\\" not in job["filename"] and ".." not in job["filename"]
    blob = sqlite_site.settings.blob_dir / job["sha256"][:2] / job["sha256"][2:]
    assert blob.read_bytes() == data
    assert not Path("/tmp/evil.pdf").exists()


def test_an_upload_over_the_size_limit_is_refused(sqlite_site: Site) -> None:
    limit = sqlite_site.settings.max_upload_bytes
    big = b"%PDF-1.4\n" + b"0" * (limit + 10)
    r = sqlite_site.client.post("/api/uploads", files=[("files", ("big.pdf", big, "application/pdf"))],
                                headers=sqlite_site.auth("reviewer"))
    assert r.status_code == 413
    with sqlite_site.svc.sessions() as db:
        assert db.query(Job).filter(Job.filename == "big.pdf").count() == 0


def test_a_non_report_file_is_refused_or_scored_as_failed(sqlite_site: Site) -> None:
    # An executable named .pdf: no format nianbao reads (images are read, by OCR, so a PNG would be taken).
    program = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4
    r = sqlite_site.client.post("/api/uploads", files=[("files", ("photo.pdf", program, "application/pdf"))],
                                headers=sqlite_site.auth("reviewer"))
    assert r.status_code == 415
    article = (FIXTURES / "article.txt").read_bytes()
    r = sqlite_site.client.post("/api/uploads", files=[("files", ("article.txt", article, "text/plain"))],
                                headers=sqlite_site.auth("reviewer"))
    assert r.status_code == 202
    job = wait_job(sqlite_site.client, r.headers["location"], sqlite_site.auth("viewer"))
    report = sqlite_site.client.get(job["report_url"], headers=sqlite_site.auth("viewer")).json()
    assert report["status"] == "failed"
    assert report["errors"][-1]["code"] == "not_a_report"


def test_forms_need_the_csrf_token(sqlite_site: Site) -> None:
    client = sqlite_site.client
    client.cookies.clear()
    client.get("/login")
    r = client.post("/login", data={"username": "admin", "password": "x" * 10, "csrf_token": "forged"})
    assert r.status_code == 403
    token = login(client, "admin")
    pdf = {"files": ("a.pdf", BROKEN_PDF.read_bytes(), "application/pdf")}
    assert client.post("/upload", files=pdf, follow_redirects=False).status_code == 403
    assert client.post("/upload", files=pdf, data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    form = {"username": "mallory", "password": "plum-river-lantern-42", "role": "admin"}
    assert client.post("/admin/users", data=form).status_code == 403
    assert client.post("/api/tokens", json={"name": "x"}).status_code == 403  # session cookie, no header
    assert client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token}).status_code == 201
    ok = client.post("/admin/users", data={**form, "csrf_token": csrf_of(client.get("/admin/users").text)},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert client.post("/logout", follow_redirects=False).status_code == 403


def test_login_does_not_redirect_off_site(sqlite_site: Site) -> None:
    client = sqlite_site.client
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "viewer", "password": "correct-horse-9", "csrf_token": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/reports"
    token = csrf_of(client.get("/login").text)  # login rotated the CSRF token
    bad = client.post("/login", data={"username": "viewer", "password": "wrong-password", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text


def test_security_headers_are_set(sqlite_site: Site) -> None:
    r = sqlite_site.client.get("/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
