"""What the case page shows of the referral mechanism, without the register importing it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.nrm.models import DeadlineStatus
from lantern.nrm.services import reflection_period_running
from lantern.register.models import Case

register = template.Library()


@register.inclusion_tag("nrm/case_banner.html")
def nrm_case_banner(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "period": reflection_period_running(case),
        "pending": case.deadlines.filter(
            status__in=[DeadlineStatus.OPEN, DeadlineStatus.BREACHED], fulfilled_at__isnull=True
        ).select_related("rule"),
        "now": timezone.now(),
    }


@register.filter
def time_left(due: Any, now: Any) -> str:
    """'3 h 20 min left' or '2 d 4 h overdue', in the user's language."""
    seconds = int((due - now).total_seconds())
    remaining = abs(seconds)
    days, rest = divmod(remaining, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        amount = _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    else:
        amount = _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return (
        _("%(amount)s left") % {"amount": amount}
        if seconds >= 0
        else _("%(amount)s overdue") % {"amount": amount}
    )
