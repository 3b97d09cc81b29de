"""Accounts: users and roles, Argon2id passwords, hashed tokens, sessions, throttling, audit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.accounts import ROLES, Accounts, AccountsError, ThrottledError, allows
from parcours.accounts._accounts import (
    MAX_FAILURES_PER_USER,
    SESSION_IDLE,
    THROTTLE_WINDOW,
)

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(workspace, clock) -> Accounts:
    acc = Accounts.for_workspace(workspace, clock=clock)
    yield acc
    acc.dispose()


def _db(workspace) -> Path:
    return Path(workspace.root) / "ops.sqlite"


def test_users_roles_and_the_store_file(accounts, workspace):
    accounts.add_user("claire", "admin", PASSWORD)
    accounts.add_user("bob", "viewer")
    assert [(u.name, u.role, u.has_password) for u in accounts.users()] == [
        ("bob", "viewer", False),
        ("claire", "admin", True),
    ]
    assert accounts.set_role("bob", "analyst").role == "analyst"
    with pytest.raises(AccountsError, match="expected one of admin, analyst"):
        accounts.add_user("eve", "root")
    with pytest.raises(AccountsError, match="existing user"):
        accounts.add_user("bob", "viewer")
    with pytest.raises(AccountsError, match="letters, digits"):
        accounts.add_user("bad name", "viewer")
    with pytest.raises(AccountsError, match="at least 10 characters"):
        accounts.add_user("dan", "viewer", "short")
    # the workspace's ops store holds them, as the orchestrator's tables
    with sqlite3.connect(_db(workspace)) as con:
        stored = dict(con.execute("select name, password_hash from acct_users").fetchall())
    assert stored["bob"] is None
    assert stored["claire"].startswith("$argon2id$")
    assert PASSWORD not in stored["claire"]


def test_the_last_admin_stays(accounts):
    accounts.add_user("claire", "admin", PASSWORD)
    with pytest.raises(AccountsError, match="last one"):
        accounts.remove_user("claire")
    with pytest.raises(AccountsError, match="last one"):
        accounts.set_role("claire", "viewer")
    accounts.add_user("root", "admin", PASSWORD)
    accounts.remove_user("claire")
    assert [u.name for u in accounts.users()] == ["root"]


def test_authenticate_and_one_answer_for_unknown_name_or_bad_password(accounts):
    accounts.add_user("claire", "analyst", PASSWORD)
    assert accounts.authenticate("claire", PASSWORD).role == "analyst"
    with pytest.raises(AccountsError) as unknown:
        accounts.authenticate("nobody", PASSWORD)
    with pytest.raises(AccountsError) as wrong:
        accounts.authenticate("claire", PASSWORD + "x")
    assert str(unknown.value) == str(wrong.value)
    accounts.add_user("tokenonly", "viewer")
    with pytest.raises(AccountsError):
        accounts.authenticate("tokenonly", "")


def test_login_throttling_per_name_ages_out(accounts, clock):
    accounts.add_user("claire", "analyst", PASSWORD)
    for _ in range(MAX_FAILURES_PER_USER):
        with pytest.raises(AccountsError):
            accounts.authenticate("claire", "wrong password", address="10.0.0.1")
        clock.now += 1
    with pytest.raises(ThrottledError) as throttled:
        accounts.authenticate("claire", PASSWORD, address="10.0.0.2")  # even the right one
    assert 0 < throttled.value.retry_after <= THROTTLE_WINDOW + 1
    clock.now += THROTTLE_WINDOW
    assert accounts.authenticate("claire", PASSWORD).name == "claire"


def test_api_tokens_are_stored_hashed_and_revocable(accounts, workspace, clock):
    accounts.add_user("claire", "viewer", PASSWORD)
    token, secret = accounts.create_token("claire", "laptop")
    assert secret.startswith("pcat_")
    assert len(secret) > 40
    assert accounts.user_for_token(secret).name == "claire"
    assert accounts.tokens(owner="claire")[0].last_used_at == clock.now
    assert accounts.user_for_token(secret + "x") is None
    assert accounts.user_for_token("pcin_" + secret[5:]) is None  # an intake-shaped secret
    with sqlite3.connect(_db(workspace)) as con:
        dump = "\n".join(con.iterdump())
    assert secret not in dump
    assert secret[5:] not in dump
    accounts.revoke_token(token.id)
    assert accounts.user_for_token(secret) is None
    assert accounts.tokens(owner="claire")[0].revoked_at == clock.now
    with pytest.raises(AccountsError, match="existing token id"):
        accounts.revoke_token("nope")


def test_removing_a_user_ends_their_tokens_and_sessions(accounts):
    accounts.add_user("root", "admin", PASSWORD)
    accounts.add_user("claire", "viewer", PASSWORD)
    _, secret = accounts.create_token("claire")
    session = accounts.open_session(accounts.user("claire"))
    accounts.remove_user("claire")
    assert accounts.user_for_token(secret) is None
    assert accounts.session(session.id) is None


def test_intake_tokens_name_their_source(accounts):
    token, secret = accounts.create_intake_token("crm")
    assert secret.startswith("pcin_")
    assert accounts.source_for_intake_token(secret) == "crm"
    assert accounts.user_for_token(secret) is None  # not an API token
    accounts.revoke_token(token.id, kind="intake")
    assert accounts.source_for_intake_token(secret) is None


def test_sessions_expire_when_idle_and_end_on_role_change(accounts, clock):
    accounts.add_user("root", "admin", PASSWORD)
    accounts.add_user("claire", "viewer", PASSWORD)
    session = accounts.open_session(accounts.user("claire"))
    assert accounts.session(session.id).csrf == session.csrf
    clock.now += SESSION_IDLE + 1
    assert accounts.session(session.id) is None
    again = accounts.open_session(accounts.user("claire"))
    accounts.set_role("claire", "analyst")
    assert accounts.session(again.id) is None


def test_audit_log_latest_first(accounts, clock):
    accounts.audit("claire", "PUT /api/v1/journeys/{journey_id}", "/api/v1/journeys/main")
    clock.now += 1
    accounts.audit("bob", "login", outcome="refused")
    log = accounts.audit_log()
    assert [(e.actor, e.outcome, e.at) for e in log] == [
        ("bob", "refused", clock.now),
        ("claire", "ok", clock.now - 1),
    ]
    assert [e.actor for e in accounts.audit_log(actor="claire")] == ["claire"]


@given(st.sampled_from(ROLES), st.sampled_from(ROLES))
def test_roles_nest_admin_analyst_viewer_and_participant_apart(role, required):
    order = {"viewer": 0, "analyst": 1, "admin": 2}
    if role == "participant":
        assert allows(role, required) == (required == "participant")
    elif required == "participant":
        assert allows(role, required) == (role in ("analyst", "admin"))
    else:
        assert allows(role, required) == (order[role] >= order[required])
