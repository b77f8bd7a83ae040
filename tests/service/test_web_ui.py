"""Server-rendered pages: failing cells highlighted, boxed page images, charts, year-over-year reuse."""

from __future__ import annotations

import re
import struct
import zlib

from tests.service import web_fixtures
from tests.service.web_fixtures import (
    BROKEN_PDF,
    SAMPLES,
    Site,
    login,
    wait_job,
)

sqlite_site = web_fixtures.sqlite_site  # the shared fixture, under its own name for pytest


def _upload(site: Site, name: str, data: bytes) -> int:
    r = site.client.post("/api/uploads", files=[("files", (name, data, "application/octet-stream"))],
                         headers=site.auth("reviewer"))
    return wait_job(site.client, r.headers["location"], site.auth("viewer"))["report_id"]


def _red_pixels(png: bytes) -> int:
    """Count strongly red pixels in an 8-bit RGB PNG written by service.web.pdfimage."""
    width, height = struct.unpack(">II", png[16:24])
    chunks, pos = [], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        if png[pos + 4 : pos + 8] == b"IDAT":
            chunks.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * 3 + 1
    count = 0
    for y in range(height):
        row = raw[y * stride + 1 : (y + 1) * stride]
        count += sum(1 for x in range(0, len(row), 3) if row[x] > 200 and row[x + 1] < 60 and row[x + 2] < 60)
    return count


def test_report_page_marks_failing_cells_and_boxes_them_on_the_page_image(sqlite_site: Site) -> None:
    report_id = _upload(sqlite_site, "broken.pdf", BROKEN_PDF.read_bytes())
    login(sqlite_site.client, "viewer")
    html = sqlite_site.client.get(f"/reports/{report_id}").text
    assert re.search(r'class="num cell-error" data-cell="table3\|\|r1_new\|natural"', html)
    assert "T3-R1" in html and "一、总体情况" in html
    src = re.search(r'src="(/reports/\d+/pages/2\.png\?[^"]+)"', html)
    assert src, "no page image for page 2"
    image = sqlite_site.client.get(src.group(1).replace("&amp;", "&"))
    assert image.headers["content-type"] == "image/png"
    assert _red_pixels(image.content) > 200
    plain = sqlite_site.client.get(f"/reports/{report_id}/pages/2.png")
    assert _red_pixels(plain.content) < _red_pixels(image.content) / 4
    assert sqlite_site.client.get(f"/reports/{report_id}/pages/99.png").status_code == 404


def test_lists_rankings_and_compare_render(sqlite_site: Site) -> None:
    text = (SAMPLES / "missing-sections-2023.txt").read_text(encoding="utf-8")
    later = _upload(sqlite_site, "yunling-2022.txt", text.encode())
    earlier_text = text.replace("2023", "2022x").replace("2022年", "2021年").replace("2022x", "2022")
    earlier = _upload(sqlite_site, "yunling-2021.txt", earlier_text.encode())
    login(sqlite_site.client, "viewer")
    listing = sqlite_site.client.get("/reports?sort=score&order=asc&level=department").text
    assert "云岭县自然资源局" in listing and "▲" in listing
    rankings = sqlite_site.client.get("/rankings?group=level").text
    assert '<svg class="chart" id="chart-histogram"' in rankings and 'class="bar"' in rankings
    page = sqlite_site.client.get(f"/reports/{later}").text
    assert f"/compare?a={later}&b={earlier}" in page
    compare = sqlite_site.client.get(f"/compare?a={later}&b={earlier}").text
    assert compare.count('class="sentence reused"') >= 5
    ratio = re.search(r'id="reuse-ratio">(\d+)%', compare)
    assert ratio and int(ratio.group(1)) >= 80
    assert "上传报告" not in sqlite_site.client.get("/reports").text
    assert sqlite_site.client.get("/upload").status_code == 403
