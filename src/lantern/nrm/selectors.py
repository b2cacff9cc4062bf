"""Which deadlines an organisation watches."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lantern.access import policy
from lantern.core.models import User
from lantern.nrm.models import Deadline
from lantern.nrm.services import TRANSFER
from lantern.register.models import Case


def watched_deadlines(actor: User) -> QuerySet[Deadline]:
    """The organisation's own deadlines; for the specialised police also every transfer clock,
    so both sides of a transfer see it when it is overdue."""
    watched = Q(responsible_organisation_id=actor.organisation_id)
    if policy.works_for_specialised_police(actor):
        watched |= Q(kind=TRANSFER)
    cases = policy.visible_cases(actor, Case.objects.all())
    return Deadline.objects.filter(watched, case__in=cases).select_related(
        "case", "rule", "responsible_organisation"
    )
