"""Assistance events on the case timeline."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.register.hooks import TimelineEvent
from lantern.register.models import Case


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def assistance_events(case: Case) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            _at(payment.paid_on),
            _("Paid: %(benefit)s, %(amount)s %(currency)s")
            % {
                "benefit": payment.benefit.name,
                "amount": payment.amount,
                "currency": payment.currency,
            },
            payment.recorded_by.username,
            payment.payer.name,
        )
        for payment in case.payments.select_related("benefit", "payer", "recorded_by")
    ]
    events += [
        TimelineEvent(
            _at(permit.valid_from),
            _("Residence permit %(start)s – %(end)s")
            % {"start": permit.valid_from.isoformat(), "end": permit.valid_to.isoformat()},
            permit.recorded_by.username,
        )
        for permit in case.residence_permits.select_related("recorded_by")
    ]
    return events
