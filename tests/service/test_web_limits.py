"""Resource limits of the web service: request bodies while they stream, zip members, page images."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest

from service.web import uploads
from service.web.bodylimit import BodyLimit
from service.web.pdfimage import render_page
from service.web.settings import Settings
from tests.service import web_fixtures
from tests.service.web_fixtures import Site, open_site, settings_for, wait_job


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    settings = settings_for(tmp_path_factory.mktemp("limits"), max_body_bytes=4096,
                            max_upload_request_bytes=3 * 1024 * 1024, max_image_pixels=1_000_000)
    yield from open_site(settings)


def test_anonymous_oversized_json_body_is_refused_before_the_login_check(small_site: Site) -> None:
    body = json.dumps({"name": "x" * 10_000})
    response = small_site.client.post("/api/tokens", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "上限" in response.json()["detail"]


def test_a_small_anonymous_body_still_gets_the_login_answer(small_site: Site) -> None:
    response = small_site.client.post("/api/tokens", json={"name": "x"})
    assert response.status_code == 401


def test_oversized_upload_request_is_refused(small_site: Site) -> None:
    files = [("files", (f"r{i}.txt", b"a" * (1024 * 1024), "text/plain")) for i in range(4)]
    response = small_site.client.post("/api/uploads", files=files, headers=small_site.auth("reviewer"))
    assert response.status_code == 413


def test_anonymous_upload_gets_only_the_small_body_limit(small_site: Site) -> None:
    files = [("files", ("r.txt", b"a" * 10_000, "text/plain"))]
    assert small_site.client.post("/api/uploads", files=files).status_code == 413
    signed = small_site.client.post("/api/uploads", files=files, headers=small_site.auth("reviewer"))
    assert signed.status_code in (202, 415)


def _run_chunked(limit: int, chunks: int, chunk_size: int = 1000) -> tuple[int, list[int]]:
    """Send a body without Content-Length in chunks to an app that reads it all, as FastAPI does;
    returns how many chunks were taken from the client and the statuses sent."""
    taken = 0
    statuses: list[int] = []

    async def receive() -> dict[str, object]:
        nonlocal taken
        taken += 1
        return {"type": "http.request", "body": b"x" * chunk_size, "more_body": taken < chunks}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(int(message["status"]))  # type: ignore[call-overload]

    async def reads_everything(scope: object, receive: object, send: object) -> None:
        while True:
            message = await receive()  # type: ignore[operator]
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 400, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    app = BodyLimit(reads_everything, lambda scope: limit)  # type: ignore[arg-type]
    scope = {"type": "http", "path": "/api/tokens", "headers": []}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return taken, statuses


def test_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit() -> None:
    taken, statuses = _run_chunked(limit=10_000, chunks=1_000_000)
    assert taken == 11  # 11 000 bytes: the first chunk past 10 000
    assert statuses == [413]
    taken, statuses = _run_chunked(limit=10_000, chunks=5)
    assert taken == 5 and statuses == [400]  # within the limit the app answers itself


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _svc(**values: object) -> SimpleNamespace:
    return SimpleNamespace(settings=Settings(secret_key="x", **values))  # type: ignore[arg-type]


def test_zip_member_with_a_bomb_ratio_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "政府信息公开工作年度报告\n".encode() * 60_000  # 2.2 MB that deflate packs a thousandfold
    data = _zip({"bomb.txt": text, "fine.txt": "一、总体情况\n正文。\n".encode()})
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, info, *a, **k: opened.append(getattr(info, "filename", info))
                        or real_open(self, info, *a, **k))
    files, rejected = uploads._zip_members(data, _svc(max_zip_ratio=100))  # type: ignore[arg-type]
    assert [name for name, _ in files] == ["fine.txt"]
    assert rejected == [{"filename": "bomb.txt", "reason": "压缩比超过 100 倍，疑似压缩炸弹"}]
    assert opened == ["fine.txt"]


def test_zip_whose_directory_declares_too_much_is_refused_before_expanding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _zip({f"r{i}.txt": bytes(range(256)) * 400 for i in range(5)})  # 5 × 100 KB, incompressible-ish
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a member was expanded"))
    with pytest.raises(uploads.TooLarge, match="总大小"):
        uploads._zip_members(data, _svc(max_zip_total_bytes=300_000))  # type: ignore[arg-type]


def test_zip_member_that_expands_past_its_declared_size_is_stopped_while_reading() -> None:
    # A directory that claims a small member: the data is read only up to the ratio it is allowed.
    data = bytearray(_zip({"liar.txt": b"a" * 2_000_000}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    central = bytes(data).rindex(b"PK\x01\x02")
    # Uncompressed size in the central directory (offset 24) and the local header (offset 22).
    struct.pack_into("<I", data, central + 24, info.compress_size)
    struct.pack_into("<I", data, info.header_offset + 22, info.compress_size)
    files, rejected = uploads._zip_members(bytes(data), _svc(max_zip_ratio=3))  # type: ignore[arg-type]
    assert files == []
    assert rejected[0]["filename"] == "liar.txt"


def _pdf_page(size: float) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(size, size))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_page_image_of_a_huge_page_is_scaled_down() -> None:
    width, height = _png_size(render_page(_pdf_page(3000), 1, max_pixels=1_000_000))
    assert width * height <= 1_000_000 and width >= 990
    width, height = _png_size(render_page(_pdf_page(200), 1, max_pixels=1_000_000))
    assert (width, height) == (300, 300)  # an ordinary page keeps its scale of 1.5


def test_page_image_route_caps_pixels_and_pages(small_site: Site, tmp_path: Path) -> None:
    files = {"files": ("huge-page.pdf", _pdf_page(3000), "application/pdf")}
    body = small_site.client.post("/api/uploads", files=files, headers=small_site.auth("reviewer")).json()
    job = wait_job(small_site.client, body["jobs"][0]["url"], small_site.auth("viewer"), timeout=120)
    report_id = job["report_url"].rsplit("/", 1)[-1]
    client = small_site.client
    login = web_fixtures.login(client, "viewer")
    assert login
    response = client.get(f"/reports/{report_id}/pages/1.png")
    assert response.status_code == 200
    width, height = _png_size(response.content)
    assert width * height <= 1_000_000
    assert client.get(f"/reports/{report_id}/pages/401.png").status_code == 404
