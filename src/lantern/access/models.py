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


class AccessAction(models.TextChoices):
    REVEAL_IDENTITY = "reveal_identity", _("Identity revealed")
    REVEAL_REFUSED = "reveal_refused", _("Identity reveal refused")
    VIEW_CASE = "view_case", _("Case viewed")
    LIST_CASES = "list_cases", _("Case list viewed")
    SEARCH_NAME = "search_name", _("Name searched")
    EXPORT_CASES = "export_cases", _("Cases exported")
    EDIT_IDENTITY = "edit_identity", _("Identity changed")
    DELETE_CASE = "delete_case", _("Case deleted")
    STATISTICS = "statistics", _("Exact statistics produced")


class AppendOnlyQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("the access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")


class AccessLogEntry(models.Model):
    """Who saw or tried to see what about a person, when and why. Never edited, never deleted.

    References only: the log itself must not become a list of names.
    """

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32, choices=AccessAction.choices, db_index=True)
    person_reference = models.CharField(max_length=32, blank=True, db_index=True)
    case_reference = models.CharField(max_length=32, blank=True, db_index=True)
    fields = models.CharField(max_length=300, blank=True)
    reason_code = models.CharField(max_length=64, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "action", "at"], name="access_log_user_action")]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.person_reference or self.case_reference}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("the access log is append-only")


class SecurityAlert(models.Model):
    """Unusual activity for a supervisor and the auditors to look at (e.g. many reveals in an hour)."""

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=32)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
