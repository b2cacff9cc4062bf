"""Assistance and protection: benefits paid and residence permits (more to come: plans, services, stays)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantern.core.models import BenefitType, Organisation
from lantern.nrm.models import Referral
from lantern.register.models import Case


class Payment(models.Model):
    """A benefit paid to a victim: the ledger behind the annual report's and GRETA's payment tables."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    benefit = models.ForeignKey(BenefitType, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    payer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payments_made")
    legal_basis = models.CharField(max_length=500)
    # Set when the amount differs from the pack's rate in force on the payment date.
    amount_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.benefit_id} {self.amount} {self.currency} on {self.paid_on}"


class ResidencePermit(models.Model):
    """A temporary residence permit of a foreign victim; renewals point to the permit they renew."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="residence_permits")
    permit_type = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_to = models.DateField()
    renews = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="permit_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.permit_type} {self.valid_from} – {self.valid_to}"


class RehabilitationPlan(models.Model):
    """The individual social rehabilitation plan, drawn up only at the victim's request."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rehabilitation_plans")
    requested_on = models.DateField()
    drawn_up_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"plan {self.pk} of {self.case_id}"


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanItem(models.Model):
    plan = models.ForeignKey(RehabilitationPlan, on_delete=models.CASCADE, related_name="items")
    direction = models.CharField(max_length=64)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    victim_agreed_on = models.DateField(null=True, blank=True)
    representative_agreed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.direction


class PlanReview(models.Model):
    plan = models.ForeignKey(RehabilitationPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    note = models.CharField(max_length=1000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"review {self.reviewed_on}"


class ShelterProfile(models.Model):
    """A shelter's places and amenities (001:449-451)."""

    shelter = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="shelter_profile"
    )
    adult_places = models.PositiveIntegerField(default=0)
    child_places = models.PositiveIntegerField(default=0)
    has_telephone = models.BooleanField(default=True)
    has_interpreter = models.BooleanField(default=False)
    has_confidential_room = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.shelter_id}: {self.adult_places} + {self.child_places}"


class ShelterStay(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="shelter_stays")
    shelter = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="stays")
    is_child = models.BooleanField()
    admitted_on = models.DateField(db_index=True)
    admission_reason = models.CharField(max_length=300)
    accompanied_by = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accompanied_by_parent = models.BooleanField(default=False)
    capacity_override_reason = models.CharField(max_length=300, blank=True)
    staying_until = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True, db_index=True)
    discharge_reason = models.CharField(max_length=300, blank=True)
    destination = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["admitted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} at {self.shelter_id} from {self.admitted_on}"


class FamilyMember(models.Model):
    """A victim's child, recorded as family, not as a victim (000:164). No name: the case file has it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_members")
    birth_year = models.PositiveIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"child of {self.case_id}"


class ServiceDelivered(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services_delivered")
    family_member = models.ForeignKey(
        FamilyMember, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    service_type = models.CharField(max_length=64, db_index=True)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(db_index=True)
    plan_item = models.ForeignKey(
        "PlanItem", on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    outcome = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.service_type} on {self.delivered_on}"


class CompensationAgainst(models.TextChoices):
    OFFENDER = "offender", _("The offender")
    STATE = "state", _("The State")


class CompensationClaim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="compensation_claims")
    against = models.CharField(max_length=16, choices=CompensationAgainst.choices)
    body = models.CharField(max_length=300)
    submitted_on = models.DateField()
    awarded_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"claim against {self.against} on {self.submitted_on}"


class CompensationReceipt(models.Model):
    claim = models.ForeignKey(CompensationClaim, on_delete=models.CASCADE, related_name="receipts")
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="compensation_receipt_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.received_on}"


class LegalAidProvider(models.TextChoices):
    BAR_MEMBER = "bar_member", _("Contracted member of the Bar")
    NGO = "ngo", _("NGO lawyer")
    STATE_PAID_CHILD_LAWYER = "state_paid_child_lawyer", _("State-paid lawyer for a child")


class LegalAidStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    COURT = "court", _("Court")


class LegalAid(models.Model):
    """Free legal aid assigned to a victim (001:1064-1070, 000:162)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_aid")
    provider_kind = models.CharField(max_length=32, choices=LegalAidProvider.choices)
    stage = models.CharField(max_length=16, choices=LegalAidStage.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.provider_kind} ({self.stage})"


class Repatriation(models.Model):
    """A victim returned to the country of citizenship or residence (001:1291-1305)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="repatriations")
    destination = models.CharField(max_length=2, db_index=True)
    repatriated_on = models.DateField(db_index=True)
    documents_obtained = models.CharField(max_length=300, blank=True)
    escorted = models.BooleanField(default=False)
    costs_borne_by = models.CharField(max_length=200, blank=True)
    is_readmission = models.BooleanField(
        default=False, help_text=_("A victim identified abroad, returned to this country")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"to {self.destination} on {self.repatriated_on}"


class WorkPermitExemption(models.Model):
    """A foreign victim works without a work permit (Migration Code Art. 64.0.15-1, 001:523-525)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="work_permit_exemptions")
    recorded_on = models.DateField()
    legal_basis = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"exemption of {self.case_id}"
