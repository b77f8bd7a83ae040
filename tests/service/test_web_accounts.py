"""Account lifecycle: server-side logout, token expiry and revocation, deactivation, password changes,
login throttling, the password policy, username normalisation, CSRF rotation and who may mint tokens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from service.cli_serve import user_app
from service.web.auth import CSRF_COOKIE, SESSION_COOKIE, create_user, normalize_username, validate_password
from service.web.bootstrap import ensure_user, issue_token
from service.web.models import ApiToken, LoginFailure, User
from tests.service.web_fixtures import PASSWORD, Site, csrf_of, login, open_site, settings_for

STRONG = "plum-river-lantern-42"


@pytest.fixture(scope="module")
def accounts_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A SQLite site with small throttling limits so the tests stay short."""
    settings = settings_for(tmp_path_factory.mktemp("accounts"), login_max_failures=5,
                            login_max_failures_per_address=40, login_lockout_seconds=600)
    yield from open_site(settings)


def _user_id(site: Site, name: str) -> int:
    with site.svc.sessions() as db:
        uid = db.scalar(select(User.id).where(User.username == name))
    assert uid is not None
    return uid


def _session_cookie(site: Site, name: str, password: str = PASSWORD) -> tuple[str, str]:
    """Log in; the session cookie and the CSRF token to use with it."""
    csrf = login(site.client, name, password)
    return site.client.cookies[SESSION_COOKIE], csrf


def _me_with_cookie(site: Site, cookie: str) -> int:
    site.client.cookies.clear()
    site.client.cookies.set(SESSION_COOKIE, cookie)
    status = site.client.get("/api/me").status_code
    site.client.cookies.clear()
    return status


def test_logout_ends_the_session_on_the_server(accounts_site: Site) -> None:
    site = accounts_site
    cookie, csrf = _session_cookie(site, "viewer")
    assert site.client.get("/api/me").json()["username"] == "viewer"
    assert site.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    # A copy of the cookie taken before logout must not work any more.
    assert _me_with_cookie(site, cookie) == 401


def test_the_csrf_cookie_is_rotated_at_login(accounts_site: Site) -> None:
    client = accounts_site.client
    client.cookies.clear()
    page = client.get("/login")
    before = client.cookies[CSRF_COOKIE]
    assert csrf_of(page.text) == before
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": before},
                    follow_redirects=False)
    assert r.status_code == 303
    after = client.cookies[CSRF_COOKIE]
    assert after != before
    assert csrf_of(client.get("/account").text) == after
    client.cookies.clear()


def test_tokens_expire_are_listed_and_can_be_revoked(accounts_site: Site) -> None:
    site = accounts_site
    headers = site.auth("reviewer")
    made = site.client.post("/api/tokens", json={"name": "ci", "expires_days": 30}, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    expires = datetime.fromisoformat(body["expires"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    default = site.client.post("/api/tokens", json={"name": "default"}, headers=headers).json()
    assert (datetime.fromisoformat(default["expires"]) - datetime.now(UTC)).days == 89
    assert site.client.post("/api/tokens", json={"expires_days": 3650}, headers=headers).status_code == 422

    listed = site.client.get("/api/tokens", headers=headers).json()["tokens"]
    mine = {t["id"]: t for t in listed}
    assert body["id"] in mine and mine[body["id"]]["name"] == "ci" and mine[body["id"]]["active"] is True
    assert all("token" not in t and "token_hash" not in t for t in listed)

    token = {"Authorization": f"Bearer {body['token']}"}
    assert site.client.get("/api/me", headers=token).status_code == 200
    # Someone else cannot revoke it; its owner can, and then it stops working.
    assert site.client.delete(f"/api/tokens/{body['id']}", headers=site.auth("viewer")).status_code == 404
    assert site.client.delete(f"/api/tokens/{body['id']}", headers=headers).status_code == 200
    assert site.client.get("/api/me", headers=token).status_code == 401
    revoked = {t["id"]: t for t in site.client.get("/api/tokens", headers=headers).json()["tokens"]}
    assert revoked[body["id"]]["active"] is False and revoked[body["id"]]["revoked"]

    # An expired token is refused.
    late = {"Authorization": f"Bearer {default['token']}"}
    assert site.client.get("/api/me", headers=late).status_code == 200
    with site.svc.sessions() as db:
        db.execute(update(ApiToken).where(ApiToken.id == default["id"])
                   .values(expires=datetime.now(UTC) - timedelta(minutes=1)))
        db.commit()
    assert site.client.get("/api/me", headers=late).status_code == 401


def test_an_admin_can_revoke_anyones_token_and_list_by_user(accounts_site: Site) -> None:
    site = accounts_site
    made = site.client.post("/api/tokens", json={"name": "r2"}, headers=site.auth("reviewer")).json()
    listed = site.client.get("/api/tokens", params={"user": "reviewer"}, headers=site.auth("admin")).json()
    assert made["id"] in {t["id"] for t in listed["tokens"]}
    assert site.client.get("/api/tokens", params={"user": "admin"}, headers=site.auth("reviewer")).status_code == 403
    assert site.client.delete(f"/api/tokens/{made['id']}", headers=site.auth("admin")).status_code == 200
    assert site.client.get("/api/me", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 401


def test_viewers_cannot_mint_tokens_unless_an_admin_allows_it_and_there_is_a_cap(accounts_site: Site) -> None:
    site = accounts_site
    refused = site.client.post("/api/tokens", json={"name": "v"}, headers=site.auth("viewer"))
    assert refused.status_code == 403 and "令牌" in refused.json()["detail"]
    original = site.svc.settings
    try:
        site.svc.settings = original.model_copy(update={"viewer_tokens": True, "max_tokens_per_user": 3})
        codes = [site.client.post("/api/tokens", json={"name": f"v{i}"}, headers=site.auth("viewer")).status_code
                 for i in range(4)]
    finally:
        site.svc.settings = original
    # The fixture's own token counts: two more fit under a cap of three.
    assert codes == [201, 201, 409, 409]


def test_cli_issues_lists_and_revokes_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_TOPIC_MODEL", "off")
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    made = runner.invoke(user_app, ["create", "ops", "--role", "reviewer", *data], env={"NIANBAO_NEW_PASSWORD": STRONG})
    assert made.exit_code == 0, made.output
    weak = runner.invoke(user_app, ["create", "weak", *data], env={"NIANBAO_NEW_PASSWORD": "12345678"})
    assert weak.exit_code != 0 and "12" in weak.output
    issued = runner.invoke(user_app, ["token", "ops", "--name", "cron", "--expires-days", "7", *data])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    assert token.startswith("nbk_")
    listed = runner.invoke(user_app, ["tokens", "ops", *data])
    assert listed.exit_code == 0 and "cron" in listed.output
    expected = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d")
    assert expected in listed.output
    token_id = listed.output.split("cron")[0].split()[-1]
    revoked = runner.invoke(user_app, ["revoke", token_id, *data])
    assert revoked.exit_code == 0, revoked.output
    assert "已撤销" in runner.invoke(user_app, ["tokens", "ops", *data]).output
    assert runner.invoke(user_app, ["revoke", "9999", *data]).exit_code == 1


def test_an_admin_deactivates_and_reactivates_a_user(accounts_site: Site) -> None:
    site = accounts_site
    ensure_user(site.svc, "temp.user", STRONG, "reviewer")
    token = {"Authorization": f"Bearer {issue_token(site.svc, 'temp.user')}"}
    cookie, _ = _session_cookie(site, "temp.user", STRONG)
    uid = _user_id(site, "temp.user")
    assert site.client.post(f"/api/users/{uid}/deactivate", headers=site.auth("reviewer")).status_code == 403
    assert site.client.post(f"/api/users/{uid}/deactivate", headers=site.auth("admin")).status_code == 200
    assert site.client.get("/api/me", headers=token).status_code == 401
    assert _me_with_cookie(site, cookie) == 401
    listed = {u["username"]: u for u in site.client.get("/api/users", headers=site.auth("admin")).json()["users"]}
    assert listed["temp.user"]["active"] is False
    admin_id = _user_id(site, "admin")
    assert site.client.post(f"/api/users/{admin_id}/deactivate", headers=site.auth("admin")).status_code == 422
    assert site.client.post(f"/api/users/{uid}/activate", headers=site.auth("admin")).status_code == 200
    assert site.client.get("/api/me", headers=token).status_code == 200


def test_password_changes_need_the_old_password_for_oneself_and_end_other_sessions(accounts_site: Site) -> None:
    site = accounts_site
    ensure_user(site.svc, "changer", STRONG, "viewer")
    cookie, _ = _session_cookie(site, "changer", STRONG)
    token = {"Authorization": f"Bearer {issue_token(site.svc, 'changer')}"}
    wrong = site.client.post("/api/me/password", json={"old_password": "not-the-password", "new_password":
                             "quiet-harbour-lamp-77"}, headers=token)
    assert wrong.status_code == 403
    weak = site.client.post("/api/me/password", json={"old_password": STRONG, "new_password": "12345678"},
                            headers=token)
    assert weak.status_code == 422 and "12" in weak.json()["detail"]
    ok = site.client.post("/api/me/password", json={"old_password": STRONG, "new_password": "quiet-harbour-lamp-77"},
                          headers=token)
    assert ok.status_code == 200
    assert _me_with_cookie(site, cookie) == 401
    login(site.client, "changer", "quiet-harbour-lamp-77")
    # Admins set anyone's password without the old one; others cannot.
    uid = _user_id(site, "changer")
    assert site.client.post(f"/api/users/{uid}/password", json={"password": "amber-tide-forest-18"},
                            headers=site.auth("reviewer")).status_code == 403
    assert site.client.post(f"/api/users/{uid}/password", json={"password": "amber-tide-forest-18"},
                            headers=site.auth("admin")).status_code == 200
    login(site.client, "changer", "amber-tide-forest-18")
    site.client.cookies.clear()


def test_the_account_page_changes_the_password_and_revokes_tokens(accounts_site: Site) -> None:
    site = accounts_site
    ensure_user(site.svc, "pager", STRONG, "reviewer")
    csrf = login(site.client, "pager", STRONG)
    made = site.client.post("/account/tokens", data={"csrf_token": csrf, "name": "page-token", "expires_days": "10"})
    assert made.status_code == 200 and "nbk_" in made.text and "page-token" in made.text
    with site.svc.sessions() as db:
        token_id = db.scalar(select(ApiToken.id).where(ApiToken.name == "page-token"))
    r = site.client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    with site.svc.sessions() as db:
        assert db.scalar(select(ApiToken.revoked).where(ApiToken.id == token_id)) is not None
    r = site.client.post("/account/password", data={"csrf_token": csrf, "old_password": STRONG,
                                                    "new_password": "copper-moss-window-31"})
    assert r.status_code in (200, 303)
    login(site.client, "pager", "copper-moss-window-31")
    site.client.cookies.clear()


def test_sixty_wrong_passwords_lock_the_account_even_for_the_right_one(accounts_site: Site) -> None:
    site = accounts_site
    ensure_user(site.svc, "target", STRONG, "viewer")
    client = site.client
    try:
        client.cookies.clear()
        csrf = csrf_of(client.get("/login").text)
        codes = [client.post("/login", data={"username": "target", "password": f"guess-{i:04d}-xyz",
                                             "csrf_token": csrf}).status_code for i in range(60)]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
        right = client.post("/login", data={"username": "target", "password": STRONG, "csrf_token": csrf},
                            follow_redirects=False)
        assert right.status_code == 429
        assert "登录失败次数过多" in right.text and "分钟后再试" in right.text
        assert SESSION_COOKIE not in client.cookies
        # Other accounts from the same address still log in (the address limit is higher).
        login(client, "viewer")
    finally:
        with site.svc.sessions() as db:
            db.execute(delete(LoginFailure))
            db.commit()
        client.cookies.clear()


def test_many_accounts_guessed_from_one_address_lock_that_address(accounts_site: Site) -> None:
    site = accounts_site
    client = site.client
    try:
        client.cookies.clear()
        csrf = csrf_of(client.get("/login").text)
        for i in range(40):
            client.post("/login", data={"username": f"nobody{i}", "password": "wrong-password-1", "csrf_token": csrf})
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf},
                        follow_redirects=False)
        assert r.status_code == 429 and "登录失败次数过多" in r.text
    finally:
        with site.svc.sessions() as db:
            db.execute(delete(LoginFailure))
            db.commit()
        client.cookies.clear()


@pytest.mark.parametrize("password", ["12345678", "short-pw-1", "password1234", "qwertyuiop123", "aaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused_with_a_chinese_message(password: str) -> None:
    with pytest.raises(ValueError, match="密码"):
        validate_password(password)


def test_the_password_policy_holds_for_every_way_of_creating_an_account(accounts_site: Site) -> None:
    site = accounts_site
    validate_password(STRONG)
    r = site.client.post("/api/users", json={"username": "weakling", "password": "12345678", "role": "viewer"},
                         headers=site.auth("admin"))
    assert r.status_code == 422 and "密码" in str(r.json()["detail"])
    with site.svc.sessions() as db, pytest.raises(ValueError):
        create_user(db, "weakling", "password1234", "viewer")


@pytest.mark.parametrize(("raw", "clean"), [("ｏｐｓ２", "ops2"), ("  zhang.san ", "zhang.san"), ("李四", "李四")])
def test_usernames_are_normalised(raw: str, clean: str) -> None:
    assert normalize_username(raw) == clean


@pytest.mark.parametrize("raw", ["two words", "evil\u202egnp", "tab\there", "zero\u200bwidth", "\u0430dmin", ""])
def test_usernames_with_spaces_controls_or_mixed_scripts_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="用户名"):
        normalize_username(raw)


def test_the_api_stores_normalised_usernames_and_refuses_look_alikes(accounts_site: Site) -> None:
    site = accounts_site
    admin = site.auth("admin")
    made = site.client.post("/api/users", json={"username": "ｗｉｄｅ", "password": STRONG, "role": "viewer"},
                            headers=admin)
    assert made.status_code == 201 and made.json()["username"] == "wide"
    again = site.client.post("/api/users", json={"username": "wide", "password": STRONG, "role": "viewer"},
                             headers=admin)
    assert again.status_code == 409
    bad = site.client.post("/api/users", json={"username": "rev\u202eiewer", "password": STRONG, "role": "viewer"},
                           headers=admin)
    assert bad.status_code == 422 and "用户名" in str(bad.json()["detail"])
    login(site.client, "ｗｉｄｅ", STRONG)  # the login form normalises too
    site.client.cookies.clear()


def test_tokens_made_before_expiry_existed_expire_ninety_days_after_creation(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from service.web.db import alembic_config, make_engine

    engine = make_engine(settings_for(tmp_path))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(text("INSERT INTO users (id, username, password_hash, role, active, created) "
                                "VALUES (1, 'old', 'x', 'viewer', 1, '2026-01-01 00:00:00.000000')"))
        connection.execute(text("INSERT INTO api_tokens (id, user_id, name, token_hash, created) "
                                "VALUES (1, 1, 'legacy', 'abc', '2026-01-01 00:00:00.000000')"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        expires, generation = connection.execute(text(
            "SELECT api_tokens.expires, users.session_generation FROM api_tokens JOIN users ON users.id = user_id"
        )).one()
    engine.dispose()
    assert str(expires).startswith("2026-04-01") and generation == 0


def test_the_admin_page_deactivates_and_sets_passwords(accounts_site: Site) -> None:
    site = accounts_site
    ensure_user(site.svc, "managed", STRONG, "viewer")
    uid = _user_id(site, "managed")
    csrf = login(site.client, "admin")
    page = site.client.get("/admin/users")
    assert page.status_code == 200 and f'action="/admin/users/{uid}/active"' in page.text
    r = site.client.post(f"/admin/users/{uid}/active", data={"csrf_token": csrf, "active": "0"},
                         follow_redirects=False)
    assert r.status_code == 303
    with site.svc.sessions() as db:
        assert db.get(User, uid).active is False
    weak = site.client.post(f"/admin/users/{uid}/password", data={"csrf_token": csrf, "password": "12345678"})
    assert weak.status_code == 200 and "无法设置" in weak.text
    r = site.client.post(f"/admin/users/{uid}/password", data={"csrf_token": csrf, "password": "granite-owl-meadow-5"},
                         follow_redirects=False)
    assert r.status_code == 303
    site.client.post(f"/admin/users/{uid}/active", data={"csrf_token": csrf, "active": "1"})
    login(site.client, "managed", "granite-owl-meadow-5")
    site.client.cookies.clear()
