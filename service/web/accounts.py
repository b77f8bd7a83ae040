"""Account routes: API tokens (mint, list, revoke), users (create, deactivate, passwords), account pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.web.auth import (
    ROLES,
    Principal,
    create_token,
    create_user,
    end_sessions,
    find_user,
    set_password,
    token_live,
    verify_password,
)
from service.web.models import ApiToken, User, utcnow
from service.web.state import Forbidden, ServiceState, get_db, get_state, require
from service.web.ui import render, set_session_cookie

api_router = APIRouter(prefix="/api", tags=["accounts"])
ui_router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require("viewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Db = Annotated[Session, Depends(get_db)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def token_dict(token: ApiToken) -> dict[str, Any]:
    """A token as listed: never the token itself or its hash."""
    return {"id": token.id, "user_id": token.user_id, "name": token.name, "created": _iso(token.created),
            "expires": _iso(token.expires), "revoked": _iso(token.revoked), "active": token_live(token)}


def user_dict(user: User) -> dict[str, Any]:
    """An account as the API shows it."""
    return {"id": user.id, "username": user.username, "role": user.role, "active": user.active,
            "created": _iso(user.created)}


def _account(db: Session, user: Principal) -> User:
    account = db.get(User, user.id)
    if account is None:
        raise HTTPException(404, "账号不存在")
    return account


def mint(svc: ServiceState, db: Session, user: Principal, name: str,
         days: int | None) -> tuple[ApiToken, str]:
    """A new token for the caller, within the rules: viewers only when allowed, a lifetime within the
    maximum, and no more live tokens than the cap."""
    settings = svc.settings
    if user.role == "viewer" and not settings.viewer_tokens:
        raise Forbidden("只读账号不能自行创建 API 令牌，请联系管理员")
    days = days or settings.token_days
    if not 1 <= days <= settings.token_max_days:
        raise HTTPException(422, f"有效期应为 1–{settings.token_max_days} 天")
    live = [t for t in db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)) if token_live(t)]
    if len(live) >= settings.max_tokens_per_user:
        raise HTTPException(409, f"有效令牌已达上限（{settings.max_tokens_per_user} 个），请先撤销不用的令牌")
    row, token = create_token(db, _account(db, user), name, days)
    db.commit()
    return row, token


def revoke(db: Session, user: Principal, token_id: int) -> ApiToken:
    """Revoke one of the caller's tokens (an admin: anyone's); 404 for a token the caller cannot see."""
    token = db.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.can("admin")):
        raise HTTPException(404, "令牌不存在")
    if token.revoked is None:
        token.revoked = utcnow()
        db.commit()
    return token


class TokenRequest(BaseModel):
    """A name to recognise the token by, and its lifetime in days (the configured default when omitted)."""

    name: str = Field("", max_length=100)
    expires_days: int | None = Field(None, ge=1)


@api_router.post("/tokens", status_code=201, summary="为当前用户创建 API 令牌（有有效期）")
def new_token(request: Request, body: TokenRequest, user: Viewer, db: Db) -> dict[str, Any]:
    """A Bearer token for scripts with the caller's role; shown once."""
    row, token = mint(get_state(request), db, user, body.name, body.expires_days)
    return {**token_dict(row), "token": token}


@api_router.get("/tokens", summary="API 令牌列表（自己的；管理员可按用户查看）")
def list_tokens(user: Viewer, db: Db,
                username: Annotated[str | None, Query(alias="user", max_length=64)] = None) -> dict[str, Any]:
    """The caller's tokens, or another account's for an admin; newest first."""
    owner = user.id
    if username is not None:
        if not user.can("admin"):
            raise Forbidden("只有管理员能查看他人的令牌")
        account = find_user(db, username)
        if account is None:
            raise HTTPException(404, "账号不存在")
        owner = account.id
    rows = db.scalars(select(ApiToken).where(ApiToken.user_id == owner).order_by(ApiToken.id.desc()))
    return {"tokens": [token_dict(t) for t in rows]}


@api_router.delete("/tokens/{token_id}", summary="撤销 API 令牌")
def delete_token(token_id: int, user: Viewer, db: Db) -> dict[str, Any]:
    """The token stops working at once; it stays listed as revoked."""
    return token_dict(revoke(db, user, token_id))


class UserRequest(BaseModel):
    """A new account."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: str = "viewer"


@api_router.get("/users", summary="账号列表（管理员）")
def list_users(user: Admin, db: Db) -> dict[str, Any]:
    """Every account with its role and whether it is active."""
    return {"users": [user_dict(u) for u in db.scalars(select(User).order_by(User.id))], "roles": list(ROLES)}


@api_router.post("/users", status_code=201, summary="创建账号（管理员）")
def new_user(request: Request, body: UserRequest, user: Admin, db: Db) -> dict[str, Any]:
    """Create an account with a role; the username is normalised and the password must pass the policy."""
    if find_user(db, body.username) is not None:
        raise HTTPException(409, "用户名已存在")
    try:
        account = create_user(db, body.username, body.password, body.role,
                              get_state(request).settings.password_min_length)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    db.commit()
    return {**user_dict(account), "roles": list(ROLES)}


def _target(db: Session, user_id: int) -> User:
    account = db.get(User, user_id)
    if account is None:
        raise HTTPException(404, "账号不存在")
    return account


def set_active(db: Session, admin: Principal, user_id: int, active: bool) -> User:
    """Deactivate (ending its sessions; its tokens stop working) or reactivate an account."""
    account = _target(db, user_id)
    if account.id == admin.id and not active:
        raise HTTPException(422, "不能停用自己的账号")
    account.active = active
    end_sessions(account)
    db.commit()
    return account


@api_router.post("/users/{user_id}/deactivate", summary="停用账号（管理员）")
def deactivate(user_id: int, user: Admin, db: Db) -> dict[str, Any]:
    """The account can no longer log in; its sessions end and its tokens stop working."""
    return user_dict(set_active(db, user, user_id, False))


@api_router.post("/users/{user_id}/activate", summary="重新启用账号（管理员）")
def activate(user_id: int, user: Admin, db: Db) -> dict[str, Any]:
    """The account can log in again (its unexpired, unrevoked tokens work again)."""
    return user_dict(set_active(db, user, user_id, True))


class PasswordReset(BaseModel):
    """A new password an admin sets."""

    password: str = Field(min_length=1, max_length=256)


@api_router.post("/users/{user_id}/password", summary="设置账号密码（管理员）")
def reset_password(request: Request, user_id: int, body: PasswordReset, user: Admin,
                   db: Db) -> dict[str, Any]:
    """Set another account's password; its sessions end."""
    account = _target(db, user_id)
    try:
        set_password(account, body.password, get_state(request).settings.password_min_length)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    db.commit()
    return user_dict(account)


class PasswordChange(BaseModel):
    """One's own password change: the old password proves it is the owner."""

    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


def change_own_password(svc: ServiceState, db: Session, user: Principal, old: str, new: str) -> User:
    """Check the old password, apply the policy to the new one; every session of the account ends."""
    account = _account(db, user)
    if not verify_password(account.password_hash, old):
        raise Forbidden("原密码不正确")
    try:
        set_password(account, new, svc.settings.password_min_length)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    db.commit()
    return account


@api_router.post("/me/password", summary="修改自己的密码（需原密码）")
def my_password(request: Request, response: Response, body: PasswordChange, user: Viewer,
                db: Db) -> dict[str, Any]:
    """Other sessions of the account end; a session making the change gets a fresh cookie."""
    svc = get_state(request)
    account = change_own_password(svc, db, user, body.old_password, body.new_password)
    if user.via == "session":
        set_session_cookie(response, svc, account)
    return user_dict(account)


def _account_page(request: Request, user: Principal, db: Session, status_code: int = 200,
                  **extra: Any) -> HTMLResponse:
    tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    settings = get_state(request).settings
    can_mint = user.role != "viewer" or settings.viewer_tokens
    return render(request, "account.html", status_code=status_code, tokens=[token_dict(t) for t in tokens],
                  can_mint=can_mint, token_days=settings.token_days, token_max_days=settings.token_max_days,
                  min_length=settings.password_min_length, **extra)


@ui_router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: Viewer, db: Db, message: str | None = None) -> HTMLResponse:
    """One's own API tokens and the password form."""
    return _account_page(request, user, db, message=message)


@ui_router.post("/account/tokens", response_class=HTMLResponse)
def account_token(request: Request, user: Viewer, db: Db, name: Annotated[str, Form(max_length=100)] = "",
                  expires_days: Annotated[int | None, Form()] = None) -> HTMLResponse:
    """Mint a token and show it once."""
    row, token = mint(get_state(request), db, user, name, expires_days)
    return _account_page(request, user, db, new_token=token, message=f"已创建令牌“{row.name or row.id}”，只显示这一次")


@ui_router.post("/account/tokens/{token_id}/revoke", response_model=None)
def account_revoke(token_id: int, user: Viewer, db: Db) -> Response:
    """Revoke one of one's tokens."""
    revoke(db, user, token_id)
    return RedirectResponse("/account?message=已撤销令牌", status_code=303)


@ui_router.post("/account/password", response_model=None)
def account_password(request: Request, user: Viewer, db: Db,
                     old_password: Annotated[str, Form(max_length=256)],
                     new_password: Annotated[str, Form(max_length=256)]) -> Response:
    """Change one's password; this browser stays logged in, other sessions end."""
    svc = get_state(request)
    try:
        account = change_own_password(svc, db, user, old_password, new_password)
    except (Forbidden, HTTPException) as exc:
        error = exc.message if isinstance(exc, Forbidden) else str(exc.detail)
        return _account_page(request, user, db, status_code=422, error=error)
    response = RedirectResponse("/account?message=密码已修改", status_code=303)
    set_session_cookie(response, svc, account)
    return response


@ui_router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, db: Db, message: str | None = None) -> HTMLResponse:
    """Accounts (admins only)."""
    users = list(db.scalars(select(User).order_by(User.id)))
    return render(request, "users.html", users=users, message=message,
                  min_length=get_state(request).settings.password_min_length)


@ui_router.post("/admin/users", response_model=None)
def users_create(request: Request, user: Admin, db: Db, username: Annotated[str, Form()],
                 password: Annotated[str, Form()], role: Annotated[str, Form()]) -> Response:
    """Create an account."""
    if find_user(db, username) is not None:
        return users_page(request, user, db, message="用户名已存在")
    try:
        create_user(db, username, password, role, get_state(request).settings.password_min_length)
    except ValueError as exc:
        return users_page(request, user, db, message=f"无法创建：{exc}")
    db.commit()
    return RedirectResponse("/admin/users?message=已创建", status_code=303)


@ui_router.post("/admin/users/{user_id}/active", response_model=None)
def users_active(user_id: int, user: Admin, db: Db, active: Annotated[int, Form()]) -> Response:
    """Deactivate or reactivate an account."""
    account = set_active(db, user, user_id, bool(active))
    return RedirectResponse(f"/admin/users?message=已{'启用' if account.active else '停用'} {account.username}",
                            status_code=303)


@ui_router.post("/admin/users/{user_id}/password", response_model=None)
def users_password(request: Request, user_id: int, user: Admin, db: Db,
                   password: Annotated[str, Form(max_length=256)]) -> Response:
    """Set an account's password."""
    account = _target(db, user_id)
    try:
        set_password(account, password, get_state(request).settings.password_min_length)
    except ValueError as exc:
        return users_page(request, user, db, message=f"无法设置：{exc}")
    db.commit()
    return RedirectResponse(f"/admin/users?message=已设置 {account.username} 的密码", status_code=303)
