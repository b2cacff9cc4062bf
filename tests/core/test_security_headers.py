"""Every page carries the security headers of the architecture's baseline."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/account/login/", "/healthz", "/api/v1/schema/"])
def test_pages_forbid_inline_scripts_framing_and_sniffing(path: str) -> None:
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_only_the_api_docs_allow_inline_styles_and_never_inline_scripts() -> None:
    policy = Client().get("/api/v1/docs/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


def test_the_login_form_is_protected_against_cross_site_posts() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
