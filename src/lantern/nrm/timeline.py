"""The referral mechanism's events, as lines of the case timeline."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lantern.nrm.models import DeadlineStatus
from lantern.register.hooks import TimelineEvent
from lantern.register.models import Case


def nrm_events(case: Case) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for transfer in case.transfers.select_related(
        "sender", "receiver", "sent_by", "acknowledged_by", "outcome_recorded_by"
    ):
        events.append(
            TimelineEvent(
                transfer.sent_at,
                _("Transfer sent to %(receiver)s") % {"receiver": transfer.receiver.name},
                transfer.sent_by.username,
                transfer.sender.name,
            )
        )
        if transfer.acknowledged_at and transfer.acknowledged_by:
            events.append(
                TimelineEvent(
                    transfer.acknowledged_at,
                    _("Transfer acknowledged"),
                    transfer.acknowledged_by.username,
                    transfer.receiver.name,
                )
            )
    for referral in case.referrals.select_related("provider").prefetch_related(
        "events__by", "events__organisation"
    ):
        for event in referral.events.all():
            text = _("Referral to %(provider)s (%(service)s): %(status)s") % {
                "provider": referral.provider.name,
                "service": referral.service_type,
                "status": event.get_status_display(),
            }
            events.append(
                TimelineEvent(
                    event.at,
                    f"{text}{' — ' + event.reason if event.reason else ''}",
                    event.by.username,
                    event.organisation.name,
                )
            )
    for consent in case.consents.select_related("recorded_by"):
        events.append(
            TimelineEvent(
                consent.given_at,
                _("Consent: %(disclosure)s") % {"disclosure": consent.get_disclosure_display()},
                consent.recorded_by.username,
            )
        )
    for notification in case.guardianship_notifications.select_related(
        "notified_organisation", "recorded_by"
    ):
        events.append(
            TimelineEvent(
                notification.notified_at,
                _("Guardianship authority told: %(organisation)s")
                % {"organisation": notification.notified_organisation.name},
                notification.recorded_by.username,
            )
        )
    for period in case.reflection_periods.select_related("decided_by"):
        events.append(
            TimelineEvent(
                period.starts_at,
                _("Recovery and reflection period until %(end)s")
                % {"end": f"{period.ends_at:%Y-%m-%d}"},
                period.decided_by.username,
            )
        )
    for deadline in case.deadlines.select_related("rule", "closed_by").exclude(
        status=DeadlineStatus.OPEN
    ):
        moment = deadline.fulfilled_at or deadline.breached_at or deadline.due_at
        events.append(
            TimelineEvent(
                moment,
                f"{deadline.rule.name}: {deadline.get_status_display()}",
                deadline.closed_by.username if deadline.closed_by else "",
            )
        )
    return events
