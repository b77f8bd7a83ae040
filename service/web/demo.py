"""`make demo`: its own SQLite data directory, a demo admin, the bundled samples scored, then the server."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.web.settings import Settings
    from service.web.state import ServiceState

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DEMO_USER = "demo"
DEMO_PASSWORD = "nianbao-demo"
DEMO_DIR_ENV = "NIANBAO_DEMO_DATA_DIR"


class DemoRefused(Exception):
    """The data directory belongs to something else: the demo admin (with a published password) stays out."""


def demo_data_dir() -> Path:
    """The demo's own directory: never NIANBAO_DATA_DIR, which names a real deployment's data."""
    return Path(os.environ.get(DEMO_DIR_ENV, "nianbao-demo-data"))


def prepare(settings: Settings) -> ServiceState:
    """Migrate the demo's database and add the demo admin, refusing a directory that has other accounts."""
    from sqlalchemy import select

    from service.web.auth import hash_password
    from service.web.bootstrap import prepared_state
    from service.web.models import User

    svc = prepared_state(settings)
    with svc.sessions() as db:
        names = set(db.scalars(select(User.username)))
        others = sorted(names - {DEMO_USER})
        if others:
            svc.engine.dispose()
            raise DemoRefused(f"数据目录 {settings.data_dir} 已有其他账号（{'、'.join(others[:5])}），演示不会在其中"
                              f"添加演示管理员；请用 {DEMO_DIR_ENV} 指定一个新的演示目录")
        if DEMO_USER not in names:
            # The password policy refuses the published demo password everywhere else; here it is the point.
            db.add(User(username=DEMO_USER, password_hash=hash_password(DEMO_PASSWORD), role="admin", active=True))
            db.commit()
    return svc


def main(argv: list[str] | None = None) -> int:
    """Set up, load and score the samples, print the URL and login, and serve on 127.0.0.1:8000."""
    import uvicorn

    from service.web.app import create_app
    from service.web.bootstrap import load_files
    from service.web.settings import Settings

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = argv if argv is not None else sys.argv[1:]
    port = int(args[0]) if args else 8000
    data_dir = demo_data_dir()
    # The demo is SQLite in its own directory by design, whatever the environment says about a deployment.
    settings = Settings(data_dir=data_dir, database_url=None)
    print(f"数据目录：{data_dir.resolve()}")
    try:
        svc = prepare(settings)
    except DemoRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    svc.analyzer.load()
    print(f"主题模型：{svc.analyzer.model_version}" + (f"（{svc.analyzer.model_error}）" if svc.analyzer.model_error else ""))
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    print(f"正在解析并评分 {len(samples)} 份示例报告…")
    processed = load_files(svc, samples)
    print(f"新处理 {processed} 份（已处理过的文件不会重复处理）")
    svc.engine.dispose()
    print(f"\n打开浏览器访问：http://127.0.0.1:{port}/")
    print(f"演示账号：{DEMO_USER}  密码：{DEMO_PASSWORD}（管理员）\n")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
