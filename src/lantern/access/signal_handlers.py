"""Turn the framework's authentication signals into Lantern security events."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from lantern.access.models import SecurityEventKind
from lantern.access.services import lock_out_already_recorded, record_security_event
from lantern.core.models import User


def _signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record_security_event(
        SecurityEventKind.SIGNED_IN, username=user.get_username(), user=user, request=request
    )


def _signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_security_event(
            SecurityEventKind.SIGNED_OUT, username=user.get_username(), user=user, request=request
        )


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))
    record_security_event(
        SecurityEventKind.SIGN_IN_FAILED,
        username=username,
        user=User.objects.filter(username=username).first(),
        request=request,
    )


def _locked_out(
    sender: Any,
    request: HttpRequest | None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    name = username or ""
    # Axes announces the lock-out again at every attempt while it lasts; record its start once.
    if lock_out_already_recorded(name):
        return
    record_security_event(
        SecurityEventKind.LOCKED_OUT,
        username=name,
        user=User.objects.filter(username=name).first(),
        request=request,
        detail=f"after {settings.AXES_FAILURE_LIMIT} failed sign-ins; locked for {settings.AXES_COOLOFF_TIME}",
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="lantern-signed-in")
    user_logged_out.connect(_signed_out, dispatch_uid="lantern-signed-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="lantern-sign-in-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="lantern-locked-out")
