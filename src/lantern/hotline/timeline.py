from __future__ import annotations

from django.utils.translation import gettext as _

from lantern.register.hooks import TimelineEvent
from lantern.register.models import Case


def hotline_events(case: Case) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            contact.contacted_at,
            _("Hotline contact %(reference)s on %(line)s")
            % {"reference": contact.reference, "line": contact.line},
            contact.operator.username,
            contact.organisation.name,
        )
        for contact in case.hotline_contacts.select_related("operator", "organisation")
    ]
