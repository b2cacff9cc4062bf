"""Security operations: recording events, unlocking accounts, second-factor enrolment."""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access.models import SecurityEvent, SecurityEventKind
from lantern.core.models import User

logger = logging.getLogger("lantern.security")


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def record_security_event(
    kind: SecurityEventKind,
    *,
    username: str,
    user: User | None = None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> SecurityEvent:
    event = SecurityEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        username=username[:150],
        user=user,
        ip_address=client_address(request),
        detail=detail[:300],
    )
    level = (
        logging.WARNING
        if kind in (SecurityEventKind.LOCKED_OUT, SecurityEventKind.TWO_FACTOR_FAILED)
        else logging.INFO
    )
    logger.log(
        level,
        "security event %s for account %r from %s",
        kind.value,
        event.username,
        event.ip_address or "-",
    )
    return event


def lock_out_already_recorded(username: str) -> bool:
    """Whether the lock-out in force for this account already has its event."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    latest = (
        SecurityEvent.objects.filter(
            username=username,
            at__gte=since,
            kind__in=[
                SecurityEventKind.LOCKED_OUT,
                SecurityEventKind.UNLOCKED,
                SecurityEventKind.SIGNED_IN,
            ],
        )
        .order_by("-at", "-pk")
        .first()
    )
    return latest is not None and latest.kind == SecurityEventKind.LOCKED_OUT


@transaction.atomic
def unlock_account(*, actor: User, user: User) -> None:
    """Lift a sign-in lock-out before it expires on its own."""
    axes_reset(username=user.get_username())
    record_security_event(
        SecurityEventKind.UNLOCKED,
        username=user.get_username(),
        user=user,
        detail=f"by {actor.get_username()}",
    )


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling, created on first visit."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice, request: HttpRequest | None) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    record_security_event(
        SecurityEventKind.TWO_FACTOR_ENROLLED,
        username=user.get_username(),
        user=user,
        request=request,
    )
