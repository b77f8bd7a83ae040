"""`make demo`: a SQLite data directory, a demo admin, the bundled samples scored, then the server."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DEMO_USER = "demo"
DEMO_PASSWORD = "nianbao-demo"


def main(argv: list[str] | None = None) -> int:
    """Set up, load and score the samples, print the URL and login, and serve on 127.0.0.1:8000."""
    import uvicorn

    from service.web.app import create_app
    from service.web.bootstrap import ensure_user, load_files, prepared_state
    from service.web.settings import Settings

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = argv if argv is not None else sys.argv[1:]
    port = int(args[0]) if args else 8000
    data_dir = Path(os.environ.get("NIANBAO_DATA_DIR", "nianbao-demo-data"))
    # The demo is SQLite by design, whatever the environment says about PostgreSQL.
    settings = Settings(data_dir=data_dir, database_url=None)
    print(f"数据目录：{data_dir.resolve()}")
    svc = prepared_state(settings, load_model=True)
    print(f"主题模型：{svc.analyzer.model_version}" + (f"（{svc.analyzer.model_error}）" if svc.analyzer.model_error else ""))
    ensure_user(svc, DEMO_USER, DEMO_PASSWORD, "admin")
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
