"""What the register's case page and its deletion need to know of criminal proceedings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lantern.justice.models import VictimRole
from lantern.register.hooks import TimelineEvent
from lantern.register.models import Case


def justice_events(case: Case) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            link.linked_at,
            _("Part of criminal case %(number)s as %(role)s")
            % {"number": link.criminal_case.number, "role": link.get_role_display()},
            link.linked_by.username,
            link.criminal_case.initiating_organisation.name,
        )
        for link in case.criminal_case_links.select_related(
            "criminal_case__initiating_organisation", "linked_by"
        )
    ]
    events += [
        TimelineEvent(
            link.fact.recorded_at,
            _("Named in detected fact %(reference)s") % {"reference": link.fact.reference},
            "",
            link.fact.detecting_organisation.name,
        )
        for link in case.detected_facts.select_related("fact__detecting_organisation")
    ]
    return events


def criminal_case_links(case: Case) -> list[str]:
    """A victim's case stays while a criminal case or a detected fact names it."""
    messages = [
        _("Criminal case %(number)s lists this case as a %(role)s; it cannot be deleted.")
        % {"number": number, "role": VictimRole(role).label}
        for number, role in case.criminal_case_links.values_list("criminal_case__number", "role")
    ]
    messages += [
        _("Detected fact %(reference)s names this case; it cannot be deleted.")
        % {"reference": reference}
        for reference in case.detected_facts.values_list("fact__reference", flat=True)
    ]
    return messages
