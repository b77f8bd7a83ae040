"""`make screenshots`: a PNG of every page of the web UI as admin, reviewer and viewer, with demo data, taken by
Playwright in Debian's Chromium (python scripts/screenshots.py [--out DIR] [--roles admin,viewer])."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the page list, demo documents and browser helpers live with the page tests

from tests.service.browser_fixtures import CHROMIUM, chromium, login, serve  # noqa: E402
from tests.service.web_pages_data import FORBIDDEN, pages, populate, wait_for_images  # noqa: E402

ACCOUNTS = {"admin": "wang-admin", "reviewer": "li-shenhe", "viewer": "zhao-chakan"}
PASSWORD = "screenshots-only-9"
VIEWPORT = {"width": 1280, "height": 900}  # a Chinese browser: its own controls (the file picker) speak Chinese too
MAX_HEIGHT = 12_000  # px: a full-page shot is cut here (a long report page stays a readable file)


def has_chinese_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (without one every character is a box)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    return bool(subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, timeout=30).stdout.strip())


def _app(data_dir: Path, files_dir: Path) -> tuple[object, dict[str, str]]:
    """The service over the demo documents (topic model loaded), with one account per role; its page URLs."""
    from service.web.app import create_app
    from service.web.bootstrap import ensure_user, prepared_state
    from service.web.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=None, start_worker=False)
    svc = prepared_state(settings, load_model=True)
    for role, name in ACCOUNTS.items():
        ensure_user(svc, name, PASSWORD, role)
    urls = pages(populate(svc, files_dir))
    svc.engine.dispose()
    return create_app(settings), urls


def _shoot(page: object, url: str, path: Path) -> int:
    """Open a page, wait for its images, save a full-page PNG (cut at MAX_HEIGHT); the HTTP status."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    response = page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    # Pages that poll (the review queue, running jobs) never go quiet: a few seconds is enough for them.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=5_000)  # type: ignore[attr-defined]
    wait_for_images(page)
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)  # type: ignore[attr-defined]
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
    page.screenshot(path=str(path), full_page=True, clip=clip)  # type: ignore[attr-defined]
    return response.status if response else 0


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots and list them; exit 1 when a page answers other than its role allows."""
    parser = argparse.ArgumentParser(description="每个网页在三种角色下的截图（Playwright + Debian Chromium）")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots", help="输出目录")
    parser.add_argument("--roles", default="admin,reviewer,viewer", help="逗号分隔的角色")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("未找到 Debian 的 chromium（apt-get install chromium）", file=sys.stderr)
        return 2
    if not has_chinese_font():
        print("没有中文字体，截图里的汉字会是方框：apt-get install fonts-noto-cjk（或 fonts-wqy-microhei）", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    wrong: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-shots-") as tmp:
        app, urls = _app(Path(tmp) / "data", Path(tmp) / "files")
        with serve(app) as base, chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[attr-defined]
            _shoot(page, f"{base}/login", args.out / "login.png")
            print(args.out / "login.png")
            for role in args.roles.split(","):
                context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[attr-defined]
                page = context.new_page()
                login(page, base, ACCOUNTS[role], PASSWORD)
                for name, url in urls.items():
                    path = args.out / f"{role}-{name}.png"
                    status = _shoot(page, base + url, path)
                    expected = 404 if name == "not-found" else 403 if name in FORBIDDEN[role] else 200
                    if status != expected:
                        wrong.append(f"{role} {name}: {status}（应为 {expected}）")
                    print(path)
                context.close()
    for line in wrong:
        print("状态不符：" + line, file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
