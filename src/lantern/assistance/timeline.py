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
    events += [
        TimelineEvent(
            _at(service.delivered_on),
            _("Service: %(service)s") % {"service": service.service_type},
            service.recorded_by.username,
            service.provider.name,
        )
        for service in case.services_delivered.select_related("provider", "recorded_by")
    ]
    events += [
        TimelineEvent(
            _at(claim.submitted_on), _("Compensation claim submitted"), claim.recorded_by.username
        )
        for claim in case.compensation_claims.select_related("recorded_by")
    ]
    events += [
        TimelineEvent(
            _at(aid.started_on),
            _("Legal aid: %(kind)s") % {"kind": aid.get_provider_kind_display()},
            aid.recorded_by.username,
        )
        for aid in case.legal_aid.select_related("recorded_by")
    ]
    events += [
        TimelineEvent(
            _at(trip.repatriated_on),
            _("Repatriated to %(country)s") % {"country": trip.destination},
            trip.recorded_by.username,
        )
        for trip in case.repatriations.select_related("recorded_by")
    ]
    events += [
        TimelineEvent(
            _at(stay.admitted_on),
            _("Admitted to %(shelter)s") % {"shelter": stay.shelter.name},
            stay.recorded_by.username,
            stay.shelter.name,
        )
        for stay in case.shelter_stays.select_related("shelter", "recorded_by")
    ]
    return events
