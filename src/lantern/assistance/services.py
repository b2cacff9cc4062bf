"""Assistance operations; each refuses bad input whole and runs in one transaction."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.assistance.models import Payment, ResidencePermit
from lantern.core.models import BenefitType, CodeEntry, User
from lantern.register.models import Case
from lantern.register.services import RegisterError


class AssistanceError(RegisterError):
    """Input the assistance records refuse; ``errors`` maps fields to messages."""


@transaction.atomic
def record_payment(
    *,
    actor: User,
    case: Case,
    benefit: BenefitType,
    paid_on: datetime.date | None,
    amount: Decimal | None = None,
    amount_reason: str = "",
) -> Payment:
    """Record a benefit paid by ``actor``'s organisation; the amount defaults to the pack's rate in force."""
    errors: dict[str, list[str]] = {}
    if actor.organisation is None:
        raise AssistanceError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    if paid_on is None:
        raise AssistanceError({"paid_on": [_("Give the date of the payment.")]})
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date is in the future.")]
    rate = benefit.rate_on(paid_on)
    if amount is None:
        if rate is None:
            errors["amount"] = [
                _(
                    "No rate of this benefit was in force on that date; give the amount and the reason."
                )
            ]
        else:
            amount = rate.amount
    elif amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    elif (rate is None or amount != rate.amount) and not amount_reason.strip():
        errors["amount_reason"] = [
            _("The amount differs from the rate in force (%(rate)s); give the reason.")
            % {"rate": f"{rate.amount} {benefit.currency}" if rate else _("none")}
        ]
    if benefit.once_per_person:
        earlier = (
            Payment.objects.filter(case__person=case.person, benefit=benefit)
            .order_by("paid_on")
            .first()
        )
        if earlier is not None:
            errors["benefit"] = [
                _("This benefit is paid once per person; it was paid on %(date)s.")
                % {"date": earlier.paid_on.isoformat()}
            ]
    if errors or amount is None:
        raise AssistanceError(errors)
    return Payment.objects.create(
        case=case,
        benefit=benefit,
        paid_on=paid_on,
        amount=amount,
        currency=benefit.currency,
        payer=actor.organisation,
        legal_basis=rate.legal_basis_en if rate else "",
        amount_reason=amount_reason.strip()[:300],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def payment_totals(payments: QuerySet[Payment]) -> list[dict[str, object]]:
    """Persons and amounts by benefit, year and payer: what the annual report and GRETA Table 6 print."""
    rows = (
        payments.annotate(year=ExtractYear("paid_on"))
        .values("benefit__code", "year", "payer__code", "currency")
        .annotate(
            persons=Count("case__person", distinct=True), payments=Count("pk"), total=Sum("amount")
        )
        .order_by("benefit__code", "year", "payer__code")
    )
    return [
        {
            "benefit": row["benefit__code"],
            "year": row["year"],
            "payer": row["payer__code"],
            "persons": row["persons"],
            "payments": row["payments"],
            "total": str(Decimal(row["total"]).quantize(Decimal("0.01"))),
            "currency": row["currency"],
        }
        for row in rows
    ]


@transaction.atomic
def record_residence_permit(
    *,
    actor: User,
    case: Case,
    permit_type: str,
    legal_basis: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    renews: ResidencePermit | None = None,
) -> ResidencePermit:
    errors: dict[str, list[str]] = {}
    if not CodeEntry.objects.filter(
        code_list__code="residence_permit_types", code=permit_type, is_active=True
    ).exists():
        errors["permit_type"] = [
            _("'%(value)s' is not in the list of allowed values.") % {"value": permit_type}
        ]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis (e.g. Migration Code Art. 45.1.10-1).")]
    if valid_from is None or valid_to is None:
        errors["valid_to"] = [_("Give the dates the permit is valid from and to.")]
    elif valid_to < valid_from:
        errors["valid_to"] = [_("The permit ends before it starts.")]
    if renews is not None:
        if renews.case.person_id != case.person_id:
            errors["renews"] = [_("A renewal continues a permit of the same person.")]
        elif hasattr(renews, "renewal"):
            errors["renews"] = [_("That permit was already renewed.")]
        elif valid_from is not None and valid_from <= renews.valid_from:
            errors["valid_from"] = [_("A renewal starts after the permit it renews.")]
    if errors or valid_from is None or valid_to is None:
        raise AssistanceError(errors)
    return ResidencePermit.objects.create(
        case=case,
        permit_type=permit_type,
        legal_basis=legal_basis.strip()[:300],
        valid_from=valid_from,
        valid_to=valid_to,
        renews=renews,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@dataclass(frozen=True)
class PermitGap:
    after: ResidencePermit
    before: ResidencePermit
    first_day: datetime.date
    last_day: datetime.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def permit_chain(first: ResidencePermit) -> list[ResidencePermit]:
    """A permit and its renewals, in order."""
    chain = [first]
    while hasattr(chain[-1], "renewal"):
        chain.append(chain[-1].renewal)
    return chain


def chain_gaps(chain: list[ResidencePermit]) -> list[PermitGap]:
    """Days without a valid permit between consecutive permits of a chain (a permit is valid through its last day)."""
    gaps = []
    for earlier, later in itertools.pairwise(chain):
        first_uncovered = earlier.valid_to + datetime.timedelta(days=1)
        if later.valid_from > first_uncovered:
            gaps.append(
                PermitGap(
                    earlier, later, first_uncovered, later.valid_from - datetime.timedelta(days=1)
                )
            )
    return gaps


def chains_of(case: Case) -> list[tuple[list[ResidencePermit], list[PermitGap]]]:
    starts = case.residence_permits.filter(renews__isnull=True).order_by("valid_from")
    return [(chain, chain_gaps(chain)) for chain in (permit_chain(start) for start in starts)]
