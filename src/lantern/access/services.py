"""Security operations: recording events, unlocking accounts, second-factor enrolment."""

from __future__ import annotations

import datetime
import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access.models import (
    AccessAction,
    AccessLogEntry,
    SecurityAlert,
    SecurityEvent,
    SecurityEventKind,
)
from lantern.core.models import Jurisdiction, Organisation, Role, User

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


def record_access(
    *,
    actor: User,
    action: AccessAction,
    person_reference: str = "",
    case_reference: str = "",
    fields: list[str] | None = None,
    reason_code: str = "",
    reason_text: str = "",
    detail: str = "",
    client_address: str | None = None,
) -> AccessLogEntry:
    """Write one access-log row; after an identity reveal, watch for an unusual number of them."""
    if actor.organisation is None:
        raise PermissionError("only members of an organisation reach case data")
    entry = AccessLogEntry.objects.create(
        at=timezone.now(),
        user=actor,
        organisation=actor.organisation,
        action=action,
        person_reference=person_reference,
        case_reference=case_reference,
        fields=",".join(fields or []),
        reason_code=reason_code,
        reason_text=reason_text[:500],
        detail=detail[:300],
        client_address=client_address,
    )
    if action == AccessAction.REVEAL_IDENTITY:
        _watch_reveals(actor, actor.organisation, entry.at)
    return entry


def _watch_reveals(actor: User, organisation: Organisation, moment: datetime.datetime) -> None:
    """An insider copying a list is the classic leak: alert when one user reveals too many in an hour."""
    threshold = Jurisdiction.objects.values_list("reveal_alert_per_hour", flat=True).first() or 20
    window_start = moment - datetime.timedelta(hours=1)
    count = AccessLogEntry.objects.filter(
        user=actor, action=AccessAction.REVEAL_IDENTITY, at__gt=window_start
    ).count()
    if count != threshold + 1:
        return  # alert once, when the threshold is first passed within the hour
    alert = SecurityAlert.objects.create(
        at=moment,
        kind="unusual_reveals",
        organisation=organisation,
        about_user=actor,
        detail=f"{count} identities revealed within an hour (alert above {threshold})",
    )
    recipients = User.objects.filter(is_active=True).filter(
        Q(roles__role=Role.AUDITOR) | Q(roles__role=Role.SUPERVISOR, organisation=organisation)
    )
    addresses = sorted({user.email for user in recipients if user.email})
    if addresses:
        send_mail(
            subject="Lantern: unusual identity reveals",
            message=(
                f"Account {actor.get_username()} of {organisation.name_en} revealed {count} identities "
                f"within an hour (alert above {threshold}), at {alert.at:%Y-%m-%d %H:%M} UTC. "
                "Review the access log in Lantern."
            ),
            from_email=None,
            recipient_list=addresses,
            fail_silently=True,
        )
    logger.warning(
        "unusual identity reveals by account %r: %d within an hour", actor.get_username(), count
    )
