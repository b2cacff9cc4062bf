from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access import policy
from lantern.access.forms import TokenForm
from lantern.access.models import SecurityEventKind
from lantern.access.services import confirm_totp_device, pending_totp_device, record_security_event


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = policy.acting_user(request.user)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("two-factor-verify")
    device = pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            confirm_totp_device(user=user, device=device, request=request)
            otp_login(request, device)
            return redirect("home")
        record_security_event(
            SecurityEventKind.TWO_FACTOR_FAILED,
            username=user.get_username(),
            user=user,
            request=request,
            detail="during enrolment",
        )
        form.add_error(
            "token",
            _("That code is not right. Check the time on your phone and try the newest code."),
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {"form": form, "secret": secret, "qr_svg_base64": _qr_svg(device.config_url)}
    return render(
        request, "access/two_factor_setup.html", context, status=400 if form.errors else 200
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = policy.acting_user(request.user)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("two-factor-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(request.GET.get("next") or "home")
        record_security_event(
            SecurityEventKind.TWO_FACTOR_FAILED,
            username=user.get_username(),
            user=user,
            request=request,
        )
        form.add_error(
            "token", _("That code is not right. Try the newest code from your authenticator app.")
        )
    return render(
        request, "access/two_factor_verify.html", {"form": form}, status=400 if form.errors else 200
    )
