"""The National Referral Mechanism: statutory deadlines, transfers, child safeguards, reflection periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantern.core.models import DeadlineRule, Organisation
from lantern.register.models import Case, Disclosure


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(models.Model):
    """A statutory clock on a case. Opened by the service that triggers it, closed by the one that fulfils it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=64, db_index=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deadlines"
    )
    trigger = models.CharField(max_length=200)
    triggered_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN, db_index=True
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=300, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)
    # A reminder asks nothing of anyone: when due, it is sent and closed as met, never breached.
    is_reminder = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["responsible_organisation", "status", "due_at"], name="deadline_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.case_id} due {self.due_at:%Y-%m-%d %H:%M}"


class TransferOutcome(models.TextChoices):
    IDENTIFIED = "identified", _("Identified as a victim")
    NOT_IDENTIFIED = "not_identified", _("Not identified as a victim")
    OTHER = "other", _("Other")


class Transfer(models.Model):
    """A presumed victim handed to the specialised police authority (CabMin Res. No. 21 of 1 Feb 2008)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    sender = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_sent"
    )
    receiver = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_received"
    )
    sent_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    documents = models.CharField(max_length=1000, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=TransferOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.CharField(max_length=1000, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.sender_id} → {self.receiver_id}"


class TransferRightExplained(models.Model):
    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="rights_explained"
    )
    code = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transfer", "code"], name="transfer_right_unique")
        ]

    def __str__(self) -> str:
        return self.code


class GuardianshipNotification(models.Model):
    """The guardianship authority and the children's-rights commission told about a child victim."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="guardianship_notifications"
    )
    notified_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField()
    method = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case_id} → {self.notified_organisation_id}"


class MigrationSystemEntry(models.Model):
    """An unaccompanied foreign minor entered in the migration information system."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="migration_system_entries"
    )
    entered_on = models.DateField()
    system_reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.system_reference


class RepresentativeType(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian or trustee")
    INSTITUTION = "institution", _("Institution")
    LAWYER = "lawyer", _("Appointed lawyer")


class LegalRepresentative(models.Model):
    """A child's legal representative; who the person is belongs to the case file, not to statistics."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_representatives")
    representative_type = models.CharField(max_length=16, choices=RepresentativeType.choices)
    appointed_by = models.CharField(max_length=300, blank=True)
    appointed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.representative_type


class ReflectionPeriod(models.Model):
    """The recovery and reflection period: no removal or expulsion while it runs."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reflection_periods")
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(max_length=300)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)
    extension_reason = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    LEGAL_REPRESENTATIVE = "legal_representative", _("The legal representative")


class Consent(models.Model):
    """The victim's consent to a referral, and how much the provider may learn."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    given_by = models.CharField(max_length=24, choices=ConsentGiver.choices)
    given_at = models.DateTimeField()
    disclosure = models.CharField(max_length=16, choices=Disclosure.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.given_by}: {self.disclosure}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(models.Model):
    """A case referred to a provider for a service, with the consent that allows it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    sender = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    service_type = models.CharField(max_length=64, db_index=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    override_reason = models.CharField(max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    status_reason = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.provider_id} ({self.service_type})"


class ReferralEvent(models.Model):
    """Each change of a referral's state, for the case timeline."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.status


class HearingOccasion(models.TextChoices):
    PLACEMENT = "placement", _("Placement in a shelter")
    EXTENSION = "extension", _("Extension of the stay")


class ChildHearing(models.Model):
    """A child over 10 heard on placement in a shelter and on each extension of the stay (001:67)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="child_hearings")
    occasion = models.CharField(max_length=16, choices=HearingOccasion.choices)
    heard_on = models.DateField()
    heard_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["heard_on", "pk"]

    def __str__(self) -> str:
        return f"{self.occasion} {self.heard_on}"
