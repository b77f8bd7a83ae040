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
                                          envvar="NIANBAO_NEW_PASSWORD", help="密码（至少 12 位，不能是常见密码）")] = "",
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
    from nlp.labels import ROLE_NAMES

    typer.echo(f"已创建账号 {username}（{ROLE_NAMES.get(role, '未知角色')}）")


@user_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option(help="令牌用途说明")] = "",
    expires_days: Annotated[int | None, typer.Option("--expires-days", min=1,
                                                     help="有效期天数（默认取 NIANBAO_TOKEN_DAYS，90 天）")] = None,
    data_dir: DataDir = None,
) -> None:
    """为账号生成 API 令牌（只显示一次，到期后失效）。"""
    from service.web.bootstrap import issue_token, prepared_state

    svc = prepared_state(_settings(data_dir))
    try:
        typer.echo(issue_token(svc, username, name, expires_days))
    except LookupError as exc:
        typer.echo(f"账号 {username} 不存在", err=True)
        raise typer.Exit(1) from exc
    finally:
        svc.engine.dispose()


@user_app.command("tokens")
def tokens(username: Annotated[str, typer.Argument(help="用户名")], data_dir: DataDir = None) -> None:
    """列出账号的 API 令牌：编号、用途、创建与到期日期、状态。"""
    from service.web.auth import token_live
    from service.web.bootstrap import prepared_state, user_tokens

    svc = prepared_state(_settings(data_dir))
    try:
        rows = user_tokens(svc, username)
    except LookupError as exc:
        typer.echo(f"账号 {username} 不存在", err=True)
        raise typer.Exit(1) from exc
    finally:
        svc.engine.dispose()
    for t in rows:
        state = "已撤销" if t.revoked else "有效" if token_live(t) else "已过期"
        expires = t.expires.strftime("%Y-%m-%d") if t.expires else "—"
        typer.echo(f"{t.id}\t{t.name or '-'}\t创建 {t.created:%Y-%m-%d}\t到期 {expires}\t{state}")


@user_app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="令牌编号（见 user tokens）")], data_dir: DataDir = None) -> None:
    """撤销一个 API 令牌（立即失效）。"""
    from service.web.bootstrap import prepared_state, revoke_token

    svc = prepared_state(_settings(data_dir))
    try:
        found = revoke_token(svc, token_id)
    finally:
        svc.engine.dispose()
    if not found:
        typer.echo(f"令牌 {token_id} 不存在", err=True)
        raise typer.Exit(1)
    typer.echo(f"已撤销令牌 {token_id}")


def _change(username: str, data_dir: Path | None, *, active: bool | None = None, password: str | None = None) -> None:
    from service.web.bootstrap import prepared_state, set_user_state

    svc = prepared_state(_settings(data_dir))
    try:
        set_user_state(svc, username, active=active, password=password)
    except LookupError as exc:
        typer.echo(f"账号 {username} 不存在", err=True)
        raise typer.Exit(1) from exc
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    finally:
        svc.engine.dispose()


@user_app.command("deactivate")
def deactivate(username: Annotated[str, typer.Argument(help="用户名")], data_dir: DataDir = None) -> None:
    """停用账号：不能再登录，已登录的会话和 API 令牌立即失效。"""
    _change(username, data_dir, active=False)
    typer.echo(f"已停用账号 {username}")


@user_app.command("activate")
def activate(username: Annotated[str, typer.Argument(help="用户名")], data_dir: DataDir = None) -> None:
    """重新启用账号。"""
    _change(username, data_dir, active=True)
    typer.echo(f"已启用账号 {username}")


@user_app.command("password")
def password(
    username: Annotated[str, typer.Argument(help="用户名")],
    new_password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                              envvar="NIANBAO_NEW_PASSWORD", help="新密码")] = "",
    data_dir: DataDir = None,
) -> None:
    """设置账号密码（该账号已登录的会话随之失效）。"""
    _change(username, data_dir, password=new_password)
    typer.echo(f"已设置账号 {username} 的密码")
