"""Reading the register: the filters the register page and the API share.

Every function here starts from cases the caller may already see
(``access.policy.visible_cases``); none widens what a user can reach.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from lantern.access import policy
from lantern.register.models import Case, CaseExploitationForm, CaseStatus, Person
from lantern.register.services import persons_named, unsealed_for

REFERENCE = re.compile(r"^[A-Z]{2,8}-\d{4}-\d{1,6}$")
SORTS = {
    "registered": "registered_at",
    "-registered": "-registered_at",
    "reference": "reference",
    "-reference": "-reference",
    "status": "status",
    "-status": "-status",
    "identified": "identified_on",
    "-identified": "-identified_on",
}
DEFAULT_SORT = "-registered"


def visible_case_or_404(user: Any, reference: str) -> Case:
    """The case behind ``reference`` if ``user`` may know of it; anything else is 404.

    A case the user may not see answers exactly as one that does not exist, so
    a reference cannot be probed for.
    """
    cases = policy.visible_cases(
        user, Case.objects.select_related("person", "registering_organisation")
    )
    case: Case = get_object_or_404(cases, reference=str(reference).upper())
    return case


@dataclass
class CaseFilters:
    status: str = ""
    registered_from: datetime.date | None = None
    registered_to: datetime.date | None = None
    form: str = ""
    sex: str = ""
    child: bool | None = None
    search: str = ""
    sort: str = DEFAULT_SORT

    @property
    def searches_by_name(self) -> bool:
        return bool(self.search.strip()) and not REFERENCE.match(self.search.strip().upper())


def filter_cases(
    cases: QuerySet[Case], filters: CaseFilters, *, organisation_id: int | None
) -> QuerySet[Case]:
    """Apply the register's filters; a name search goes through the blind index and honours seals."""
    if filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.registered_from is not None:
        cases = cases.filter(registered_at__date__gte=filters.registered_from)
    if filters.registered_to is not None:
        cases = cases.filter(registered_at__date__lte=filters.registered_to)
    if filters.form:
        cases = cases.filter(
            Exists(CaseExploitationForm.objects.filter(case=OuterRef("pk"), code=filters.form))
        )
    if filters.sex:
        cases = cases.filter(person__sex=filters.sex)
    if filters.child is not None:
        cases = cases.filter(child_at_registration=filters.child)
    search = filters.search.strip()
    if search and REFERENCE.match(search.upper()):
        reference = search.upper()
        cases = cases.filter(reference=reference) | cases.filter(person__reference=reference)
    elif search:
        named = unsealed_for(organisation_id, persons_named(search, Person.objects.all()))
        cases = cases.filter(person__in=named)
    return cases.order_by(SORTS.get(filters.sort, SORTS[DEFAULT_SORT]), "-pk")


def with_summary(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a list row shows, fetched in a fixed number of queries."""
    return cases.select_related("person", "registering_organisation").prefetch_related(
        "exploitation_forms", "exploitation_countries"
    )
