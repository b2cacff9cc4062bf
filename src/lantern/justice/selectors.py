"""Finding the records a page or the API is about, by what a user types: references and numbers.

Shared by the pages and the API so that both answer an unknown or forbidden reference the
same way, as unknown.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import User
from lantern.justice.models import AccusedPerson, CriminalCase
from lantern.register.models import Case
from lantern.register.services import RegisterError


def linkable_case(actor: User, reference: str, *, field: str) -> Case:
    """A register case ``actor`` may link; any other reference reads as unknown, never as forbidden."""
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    if case is None or not policy.can_link_victim(actor, case):
        raise RegisterError(
            {field: [_("No case %(reference)s that you may link.") % {"reference": reference}]}
        )
    return case


def accused_by_reference(reference: str, *, field: str) -> AccusedPerson:
    accused = AccusedPerson.objects.filter(reference=reference.strip().upper()).first()
    if accused is None:
        raise RegisterError({field: [_("No accused person with this reference.")]})
    return accused


def criminal_case_numbered(number: str, *, field: str) -> CriminalCase | None:
    """The criminal case with ``number``; None when none was given."""
    number = number.strip()
    if not number:
        return None
    criminal_case = CriminalCase.objects.filter(number=number).first()
    if criminal_case is None:
        raise RegisterError({field: [_("No criminal case %(number)s.") % {"number": number}]})
    return criminal_case
