"""Security events: sign-ins, failures, lock-outs and second-factor enrolment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Account locked")
    UNLOCKED = "unlocked", _("Account unlocked")
    SIGNED_OUT = "signed_out", _("Signed out")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Second factor enrolled")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Second factor refused")
    TOKEN_ISSUED = "token_issued", _("API token issued")


class SecurityEvent(models.Model):
    """A staff member's security-relevant act. Never holds anything about victims."""

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=32, choices=SecurityEventKind.choices, db_index=True)
    # The account name as typed: a failed sign-in may name no existing account.
    username = models.CharField(max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
