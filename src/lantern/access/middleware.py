from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access import policy

# Pages a signed-in user may reach before proving the second factor.
OPEN_PREFIXES = ("/account/two-factor/", "/account/logout/", "/static/", "/language/", "/healthz")


class TwoFactorRequiredMiddleware:
    """Hold users of identity-seeing roles at the second-factor step until they pass it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and policy.requires_two_factor(user)
            and not getattr(user, "is_verified", lambda: False)()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Second-factor verification required."}, status=403)
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            return redirect(reverse("two-factor-verify" if has_device else "two-factor-setup"))
        return self.get_response(request)
