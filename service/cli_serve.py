"""`nianbao serve` and `nianbao user …`: run the reviewers' service and manage its accounts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="数据目录（默认取 NIANBAO_DATA_DIR 或 ./nianbao-data）")]


def _settings(data_dir: Path | None):
    from service.web.settings import Settings

    return Settings(data_dir=data_dir) if data_dir else Settings()


def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    data_dir: DataDir = None,
    workers: Annotated[int | None, typer.Option(help="后台处理线程数")] = None,
) -> None:
    """启动评审服务（API、网页界面和后台任务）。"""
    import uvicorn

    from service.web.app import create_app

    settings = _settings(data_dir)
    if workers:
        settings = settings.model_copy(update={"workers": workers})
    typer.echo(f"nianbao 服务：http://{host}:{port}/  数据库：{settings.url.split('@')[-1]}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=os.environ.get("NIANBAO_LOG_LEVEL", "info"))


user_app = typer.Typer(add_completion=False, no_args_is_help=True, help="管理评审服务的账号。")


@user_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="角色：admin、reviewer 或 viewer")] = "admin",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          envvar="NIANBAO_NEW_PASSWORD", help="密码（至少 8 位）")] = "",
    data_dir: DataDir = None,
) -> None:
    """创建账号（首次部署时用它创建管理员）。"""
    from service.web.bootstrap import ensure_user, prepared_state

    svc = prepared_state(_settings(data_dir))
    try:
        created = ensure_user(svc, username, password, role)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    finally:
        svc.engine.dispose()
    if not created:
        typer.echo(f"账号 {username} 已存在", err=True)
        raise typer.Exit(1)
    typer.echo(f"已创建账号 {username}（{role}）")


@user_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option(help="令牌用途说明")] = "",
    data_dir: DataDir = None,
) -> None:
    """为账号生成 API 令牌（只显示一次）。"""
    from service.web.bootstrap import issue_token, prepared_state

    svc = prepared_state(_settings(data_dir))
    try:
        typer.echo(issue_token(svc, username, name))
    except LookupError as exc:
        typer.echo(f"账号 {username} 不存在", err=True)
        raise typer.Exit(1) from exc
    finally:
        svc.engine.dispose()
