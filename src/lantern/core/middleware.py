from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Our pages load scripts and styles only from Lantern itself; Swagger UI needs inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
API_DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            API_DOCS_CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/v1/docs")
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class UserLanguageMiddleware:
    """A signed-in user's chosen language follows them to any browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = getattr(user, "preferred_language", "") if user.is_authenticated else ""
        available = {code for code, _ in settings.LANGUAGES}
        if language in available and language != request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
