"""Helpers of the web tests: the test password, a page's CSRF token, signing in as a browser does."""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():  # starlette asks for httpx2 instead of httpx; the lock has httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "s3cret-pass"  # noqa: S105 - a test password


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page carries."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign in through the page, as a browser does."""
    token = csrf_of(client)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
