"""Reports for the page tests and the screenshots: the bundled samples, an earlier year, a year-less copy and a
document that is not a report, loaded in-process; every page of the web UI with its address; waiting for a page's
images in the browser."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.web.bootstrap import load_files
from service.web.models import ReportRow

SAMPLES = Path(__file__).resolve().parents[2] / "service" / "samples"
TEXT_SAMPLE = "missing-sections-2023.txt"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def extra_files(folder: Path) -> list[Path]:
    """The samples plus: the text sample's body a year earlier, the same text with its year removed (年度未知),
    and a file that is not a report (read as failed)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (SAMPLES / TEXT_SAMPLE).read_text(encoding="utf-8")
    earlier = text.replace("2023", "2022x").replace("2022年", "2021年").replace("2022x", "2022")
    # Every year written out gone: title, period and date; the body is otherwise the same report.
    yearless = re.sub(r"20\d\d\s*年度?", "", text)
    return [*sorted(p for p in SAMPLES.iterdir() if p.is_file()),
            _write(folder, "yunling-2021.txt", earlier.encode("utf-8")),
            _write(folder, "yunling-undated.txt", yearless.encode("utf-8")),
            _write(folder, "shopping-list.txt", "鸡蛋两盒\n牛奶一箱\n面包\n".encode())]


@dataclass
class Loaded:
    """Report ids of the loaded documents, by file name."""

    ids: dict[str, int]

    def id(self, name: str) -> int:
        """The report id of a loaded file."""
        return self.ids[name]


def populate(svc: Any, folder: Path) -> Loaded:
    """Load the page-test documents into a service state (its worker not started) and return their ids."""
    load_files(svc, extra_files(folder))
    with svc.sessions() as db:
        return Loaded({name: rid for name, rid in db.execute(select(ReportRow.filename, ReportRow.id))})


def pages(loaded: Loaded) -> dict[str, str]:
    """Every page of the web UI a person reads, by a short name, with the address that shows it."""
    pdf, html = loaded.id("blanks-broken-2024.pdf"), loaded.id("chenghu-city-2020.html")
    later, earlier = loaded.id(TEXT_SAMPLE), loaded.id("yunling-2021.txt")
    return {
        "reports": "/reports",
        "reports-filtered": "/reports?status=failed",
        "report-pdf": f"/reports/{pdf}",
        "report-clean-pdf": f"/reports/{loaded.id('linjiang-district-2023.pdf')}",
        "report-html": f"/reports/{html}",
        "report-text": f"/reports/{later}",
        "report-undated": f"/reports/{loaded.id('yunling-undated.txt')}",
        "report-failed": f"/reports/{loaded.id('shopping-list.txt')}",
        "rankings": "/rankings",
        "compare-pickers": "/compare",
        "compare-one-chosen": f"/compare?a={later}",
        "compare-years": f"/compare?a={later}&b={earlier}",
        "compare-undated": f"/compare?a={later}&b={loaded.id('yunling-undated.txt')}",
        "upload": "/upload",
        "jobs": "/jobs",
        "review": "/review",
        "agreement": "/review/agreement",
        "models": "/models",
        "account": "/account",
        "users": "/admin/users",
        "docs": "/docs",
        "not-found": "/reports/999999",
    }


# Pages a role may not open: they answer 403 with the Chinese "无权操作" page.
FORBIDDEN: dict[str, frozenset[str]] = {
    "admin": frozenset(),
    "reviewer": frozenset({"users"}),
    "viewer": frozenset({"users", "upload", "review", "agreement"}),
}


def wait_for_images(page: Any, timeout: float = 60.0) -> None:
    """Load a Playwright page's lazy images and wait until every image has loaded or failed (polled: the pages'
    CSP forbids eval, which wait_for_function needs)."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    deadline = time.monotonic() + timeout
    while not page.evaluate("[...document.images].every(i => i.complete)"):
        if time.monotonic() > deadline:
            raise TimeoutError("images did not load")
        time.sleep(0.1)
