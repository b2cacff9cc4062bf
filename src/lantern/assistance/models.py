"""Assistance and protection: benefits paid and residence permits (more to come: plans, services, stays)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lantern.core.models import BenefitType, Organisation
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
