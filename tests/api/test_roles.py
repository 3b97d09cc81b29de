"""Every route × every role, through HTTP: allowed, or 401 (nobody) / 403 (role too low)."""

from __future__ import annotations

import re

import pytest

from parcours.accounts import ROLES, allows
from parcours.api import route_roles

# Query strings that keep an allowed call cheap (a bad parameter after the role check): the
# matrix tests who gets through, not what the route computes.
CHEAP = {"/api/v1/report": {"lang": "xx"}}
ROUTES = [(r["path"], m, r["role"]) for r in route_roles() for m in r["methods"] if m != "HEAD"]


def test_every_route_declares_its_role():
    undeclared = [
        (path, method)
        for path, method, role in ROUTES
        if role is None and not path.startswith(("/health", "/unsubscribe", "/api/v1/auth/login"))
    ]
    assert undeclared == []
    assert len(ROUTES) > 40


@pytest.mark.parametrize(("path", "method", "role"), ROUTES, ids=[f"{m} {p}" for p, m, _ in ROUTES])
def test_role_matrix(served, path, method, role):
    url = re.sub(r"\{[^}]+\}", "x", path)
    params = CHEAP.get(path, {})
    for caller in (None, *ROLES):
        with served.client(caller) as client:
            status = client.request(method, url, params=params).status_code
        if role is None:
            allowed = True
        elif caller is None:
            allowed = False
        elif role == "intake":
            allowed = False  # a user's API token is never an intake credential
        else:
            allowed = role == "any" or allows(caller, role)
        if allowed:
            assert status not in (401, 403), (caller, method, path, status)
        elif caller is None or role == "intake":
            assert status == 401, (caller, method, path, status)
        else:
            assert status == 403, (caller, method, path, status)
