"""Logging hotline contacts and turning one into a presumed-victim case in a single step."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.models import CodeEntry, Jurisdiction, Organisation, User
from lantern.hotline.models import Contact
from lantern.register.models import Case, ReferenceSequence
from lantern.register.services import RegisterError, Registration, register_presumed_victim


class HotlineError(RegisterError):
    """A contact the hotline refuses; ``errors`` maps fields to messages."""


@dataclass
class ContactInput:
    line: str
    caller_type: str
    topic: str
    outcome: str
    language: str = ""
    referred_to: Organisation | None = None
    summary: str = ""
    contacted_at: datetime.datetime | None = None


def _next_contact_reference(moment: datetime.datetime) -> str:
    """``AZ-HL-2025-000123``: a sequence of its own, so that calls never use up case numbers."""
    prefix = Jurisdiction.objects.values_list("reference_prefix", flat=True).first() or "XX"
    year = timezone.localtime(moment).year
    sequence, _created = ReferenceSequence.objects.get_or_create(prefix=f"{prefix}HL", year=year)
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db(fields=["last_number"])
    return f"{prefix}-HL-{year}-{sequence.last_number:06d}"


def _check(data: ContactInput) -> None:
    errors: dict[str, list[str]] = {}
    for name, list_code in (
        ("line", "hotline_lines"),
        ("caller_type", "caller_types"),
        ("topic", "hotline_topics"),
        ("outcome", "hotline_outcomes"),
    ):
        value = getattr(data, name)
        if not CodeEntry.objects.filter(
            code_list__code=list_code, code=value, is_active=True
        ).exists():
            errors[name] = [
                _("Choose a value from the list.")
                if not value
                else _("'%(value)s' is not in the list of allowed values.") % {"value": value}
            ]
    if data.contacted_at is not None and data.contacted_at > timezone.now():
        errors["contacted_at"] = [_("The contact time is in the future.")]
    if errors:
        raise HotlineError(errors)


@transaction.atomic
def log_contact(
    *, actor: User, data: ContactInput, registration: Registration | None = None
) -> Contact:
    """Log a call or message; with ``registration``, also register the presumed victim it reports."""
    if actor.organisation is None:
        raise HotlineError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    if registration is not None:
        data.outcome = "case_opened"
    _check(data)
    moment = data.contacted_at or timezone.now()
    case: Case | None = None
    if registration is not None:
        registration.contact_channel = "hotline"
        case = register_presumed_victim(actor=actor, data=registration, now=moment)
    return Contact.objects.create(
        reference=_next_contact_reference(moment),
        line=data.line,
        contacted_at=moment,
        language=data.language,
        caller_type=data.caller_type,
        topic=data.topic,
        outcome=data.outcome,
        referred_to=data.referred_to,
        summary=data.summary.strip()[:1000],
        case=case,
        operator=actor,
        organisation=actor.organisation,
    )


PERIODS = {"day": TruncDay, "month": TruncMonth, "year": TruncYear}


def contact_counts(contacts: QuerySet[Contact], period: str) -> list[dict[str, object]]:
    """Contacts per period, line, topic and outcome: counts only, never a caller or a case."""
    truncate = PERIODS.get(period, TruncMonth)
    rows = (
        contacts.annotate(period=truncate("contacted_at"))
        .values("period", "line", "topic", "outcome")
        .annotate(contacts=Count("pk"))
        .order_by("period", "line", "topic", "outcome")
    )
    return [
        {
            "period": timezone.localtime(row["period"]).date().isoformat()
            if isinstance(row["period"], datetime.datetime)
            else str(row["period"]),
            "line": row["line"],
            "topic": row["topic"],
            "outcome": row["outcome"],
            "contacts": row["contacts"],
        }
        for row in rows
    ]
