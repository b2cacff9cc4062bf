"""The referral mechanism's demo records: every statutory clock met, open and breached, once."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from lantern.core.demo import ensure_demo_accounts
from lantern.nrm.demo import NrmDemoSummary, generate_demo_referrals
from lantern.nrm.models import (
    Deadline,
    DeadlineStatus,
    Referral,
    ReferralStatus,
    ReflectionPeriod,
    Transfer,
    TransferOutcome,
)
from lantern.nrm.services import reflection_period_running
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

KINDS = {
    "transfer_to_specialised_police",
    "guardianship_notification",
    "unaccompanied_minor_umis_entry",
    "recovery_reflection_end_reminder",
}


@pytest.fixture(scope="module")
def referrals(django_db_setup: None, django_db_blocker: Any) -> Iterator[NrmDemoSummary]:
    """One generation (two years of history) for the whole module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2023, 2025], demo_staff=True)
        yield generate_demo_referrals()
        transaction.set_rollback(True)


def test_deadlines_of_every_kind_are_met_open_and_breached(
    referrals: NrmDemoSummary, az_pack: Path
) -> None:
    assert referrals.created
    statuses = set(Deadline.objects.values_list("status", flat=True))
    assert {DeadlineStatus.MET, DeadlineStatus.OPEN, DeadlineStatus.BREACHED} <= statuses
    assert set(Deadline.objects.values_list("kind", flat=True)) >= KINDS
    assert referrals.deadlines_met == Deadline.objects.filter(status=DeadlineStatus.MET).count()
    assert referrals.deadlines_open == Deadline.objects.filter(status=DeadlineStatus.OPEN).count()
    assert (
        referrals.deadlines_breached
        == Deadline.objects.filter(status=DeadlineStatus.BREACHED).count()
    )
    # After the sweep, nothing open is overdue (give or take the seconds since it ran).
    overdue = timezone.now() - datetime.timedelta(minutes=5)
    assert not Deadline.objects.filter(status=DeadlineStatus.OPEN, due_at__lt=overdue).exists()
    # Some of the queue is still due within the next day.
    assert Deadline.objects.filter(
        kind="transfer_to_specialised_police", status=DeadlineStatus.OPEN
    ).exists()


def test_transfers_go_to_the_specialised_police_and_report_the_decision(
    referrals: NrmDemoSummary, az_pack: Path
) -> None:
    transfers = Transfer.objects.select_related("case", "receiver")
    assert transfers.count() == referrals.transfers > 50
    assert {transfer.receiver.code for transfer in transfers} == {"mia-ctht"}
    history = transfers.filter(case__registered_at__year__lt=2026)
    assert not history.filter(acknowledged_at__isnull=True).exists()
    for transfer in history:
        assert transfer.rights_explained.exists()
        assert transfer.case.registered_at < transfer.sent_at
        expected = {
            CaseStatus.IDENTIFIED: TransferOutcome.IDENTIFIED,
            CaseStatus.NOT_IDENTIFIED: TransferOutcome.NOT_IDENTIFIED,
            CaseStatus.PRESUMED: "",
        }[CaseStatus(transfer.case.status)]
        assert transfer.outcome == expected
        if transfer.outcome_on is not None:
            assert transfer.outcome_on >= timezone.localdate(transfer.sent_at)
    late = Deadline.objects.filter(
        kind="transfer_to_specialised_police",
        status=DeadlineStatus.BREACHED,
        case__registered_at__year__lt=2026,
    ).count()
    assert 0 < late < history.count() * 0.2


def test_reflection_periods_and_referrals(referrals: NrmDemoSummary, az_pack: Path) -> None:
    historical = ReflectionPeriod.objects.filter(case__registered_at__year__lt=2026)
    assert historical.count() == 20  # ten a year
    assert not historical.filter(ended_at__isnull=True).exists()
    running = [
        case
        for case in Case.objects.filter(reflection_periods__isnull=False).distinct()
        if reflection_period_running(case) is not None
    ]
    assert len(running) == 1
    assert Referral.objects.count() == referrals.referrals > 0
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.COMPLETED, ReferralStatus.DECLINED} <= statuses
    for referral in Referral.objects.filter(status=ReferralStatus.COMPLETED)[:20]:
        assert referral.consent is not None
        assert referral.outcome
        moments = [event.at for event in referral.events.all()]
        assert moments == sorted(moments)
        assert [event.status for event in referral.events.all()] == [
            "sent",
            "accepted",
            "in_progress",
            "completed",
        ]


def test_a_second_call_adds_nothing(referrals: NrmDemoSummary, az_pack: Path) -> None:
    deadlines, cases = Deadline.objects.count(), Case.objects.count()
    again = generate_demo_referrals()
    assert not again.created
    assert again.transfers == referrals.transfers
    assert "nothing added" in again.describe()
    assert (Deadline.objects.count(), Case.objects.count()) == (deadlines, cases)


def test_the_command_refuses_outside_demo_mode(settings: Any, az_pack: Path) -> None:
    settings.DEMO_MODE = False
    transfers = Transfer.objects.count()
    with pytest.raises(CommandError, match="demo data goes only into a demo installation"):
        call_command("demo_referrals", stdout=io.StringIO())
    assert Transfer.objects.count() == transfers


def test_the_command_prints_one_line_in_demo_mode(
    referrals: NrmDemoSummary, settings: Any, az_pack: Path
) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo_referrals", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert "nothing added" in out.getvalue()
