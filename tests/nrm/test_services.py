"""The statutory clocks of the referral mechanism, as the acceptance scenarios describe them."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from lantern.core.models import Organisation, Role, User
from lantern.nrm.models import Deadline, DeadlineStatus
from lantern.nrm.services import (
    NrmError,
    acknowledge_transfer,
    end_reflection_period,
    grant_reflection_period,
    record_guardianship_notification,
    record_migration_system_entry,
    record_transfer_outcome,
    reflection_period_running,
    sweep_deadlines,
    transfer_case,
)
from lantern.register.identity import Identity
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db
BAKU = zoneinfo.ZoneInfo("Asia/Baku")
RIGHTS = ["rights_under_law", "receiving_authority", "authority_powers", "next_procedural_steps"]


def baku(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=BAKU)


def test_transfer_clock_refusal_acknowledgement_and_feedback(
    ngo_worker: User, investigator: User
) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 3, 7, 16, 0)
    )  # a Friday
    deadline = Deadline.objects.get(case=case)
    assert deadline.kind == "transfer_to_specialised_police"
    assert deadline.due_at.astimezone(BAKU) == baku(2025, 3, 8, 16, 0)
    assert deadline.responsible_organisation == ngo_worker.organisation

    district_police = Organisation.objects.get(code="mia-local-police")
    with pytest.raises(NrmError) as refused:
        transfer_case(
            actor=ngo_worker,
            case=case,
            receiver=district_police,
            documents="application",
            rights_explained=RIGHTS,
            now=baku(2025, 3, 7, 18, 0),
        )
    assert (
        "transfer to any other police or law-enforcement body is prohibited"
        in refused.value.errors["receiver"][0]
    )
    assert case.transfers.count() == 0

    police = Organisation.objects.get(code="mia-ctht")
    transfer = transfer_case(
        actor=ngo_worker,
        case=case,
        receiver=police,
        documents="application, screening",
        rights_explained=RIGHTS,
        now=baku(2025, 3, 7, 18, 0),
    )
    acknowledge_transfer(actor=investigator, transfer=transfer, now=baku(2025, 3, 8, 9, 30))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    with time_machine.travel(baku(2025, 3, 20, 10, 0), tick=False):
        record_transfer_outcome(
            actor=investigator,
            transfer=transfer,
            outcome="identified",
            outcome_on=datetime.date(2025, 3, 19),
            note="identified proactively",
        )
    transfer.refresh_from_db()
    assert (transfer.outcome, transfer.outcome_on) == ("identified", datetime.date(2025, 3, 19))


def test_a_late_acknowledgement_leaves_the_deadline_breached(
    ngo_worker: User, investigator: User
) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 3, 7, 16, 0)
    )
    transfer = transfer_case(
        actor=ngo_worker,
        case=case,
        receiver=Organisation.objects.get(code="mia-ctht"),
        documents="",
        rights_explained=RIGHTS,
        now=baku(2025, 3, 7, 17, 0),
    )
    acknowledge_transfer(actor=investigator, transfer=transfer, now=baku(2025, 3, 10, 9, 0))
    deadline = Deadline.objects.get(case=case)
    assert deadline.status == DeadlineStatus.BREACHED
    assert deadline.fulfilled_at is not None


def test_only_the_receiver_acknowledges_and_only_once(ngo_worker: User, investigator: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 3, 7, 16, 0)
    )
    transfer = transfer_case(
        actor=ngo_worker,
        case=case,
        receiver=Organisation.objects.get(code="mia-ctht"),
        documents="",
        rights_explained=RIGHTS,
        now=baku(2025, 3, 7, 17, 0),
    )
    with pytest.raises(NrmError):
        acknowledge_transfer(actor=ngo_worker, transfer=transfer)
    acknowledge_transfer(actor=investigator, transfer=transfer, now=baku(2025, 3, 7, 20, 0))
    with pytest.raises(NrmError, match="already"):
        acknowledge_transfer(actor=investigator, transfer=transfer)


def test_a_transfer_needs_the_rights_explained(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    with pytest.raises(NrmError) as refused:
        transfer_case(
            actor=ngo_worker,
            case=case,
            receiver=Organisation.objects.get(code="mia-ctht"),
            documents="",
            rights_explained=[],
        )
    assert "rights_explained" in refused.value.errors


def test_the_police_registering_themselves_start_no_transfer_clock(investigator: User) -> None:
    case = register_presumed_victim(actor=investigator, data=registration())
    assert Deadline.objects.filter(case=case).count() == 0


def test_an_unaccompanied_foreign_child_before_a_holiday(ngo_worker: User) -> None:
    # Tuesday 27 May 2025; Wednesday 28 May is Independence Day.
    child = registration(
        identity=Identity(given_name="Dilnoza", birth_date=datetime.date(2010, 1, 15)),
        citizenship="UZ",
        is_unaccompanied=True,
    )
    with time_machine.travel(baku(2025, 5, 27, 11, 0), tick=False):
        case = register_presumed_victim(actor=ngo_worker, data=child, now=baku(2025, 5, 27, 11, 0))
    assert case.unaccompanied_foreign_minor is True
    deadlines = {deadline.kind: deadline for deadline in Deadline.objects.filter(case=case)}
    assert set(deadlines) == {
        "transfer_to_specialised_police",
        "guardianship_notification",
        "unaccompanied_minor_umis_entry",
    }
    assert deadlines["unaccompanied_minor_umis_entry"].due_at.astimezone(BAKU) == baku(
        2025, 5, 30, 0, 0
    )  # end of Thursday 29 May
    assert deadlines["guardianship_notification"].due_at.astimezone(BAKU) == baku(
        2025, 5, 28, 0, 0
    )  # end of the same working day

    guardianship = Organisation.objects.get(code="guardianship-authority")
    with time_machine.travel(baku(2025, 5, 27, 15, 0), tick=False):
        record_guardianship_notification(
            actor=ngo_worker,
            case=case,
            notified_organisation=guardianship,
            notified_at=baku(2025, 5, 27, 14, 0),
            method="phone, then letter",
        )
    with time_machine.travel(baku(2025, 5, 29, 15, 0), tick=False):
        record_migration_system_entry(
            actor=ngo_worker,
            case=case,
            entered_on=datetime.date(2025, 5, 29),
            system_reference="UMIS-2025-0042",
        )
    statuses = dict(Deadline.objects.filter(case=case).values_list("kind", "status"))
    assert statuses["guardianship_notification"] == DeadlineStatus.MET
    assert statuses["unaccompanied_minor_umis_entry"] == DeadlineStatus.MET


def test_a_guardianship_notice_to_a_random_body_is_refused(ngo_worker: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2012, 1, 1)))
    )
    with pytest.raises(NrmError):
        record_guardianship_notification(
            actor=ngo_worker,
            case=case,
            notified_organisation=Organisation.objects.get(code="mia"),
            notified_at=baku(2025, 1, 1, 10, 0),
            method="phone",
        )
    assert case.guardianship_notifications.count() == 0


@pytest.mark.parametrize(
    ("granted", "ends"),
    [
        (datetime.date(2025, 1, 31), baku(2025, 3, 2, 0, 0)),
        (datetime.date(2024, 1, 31), baku(2024, 3, 1, 0, 0)),
    ],
)
def test_the_reflection_period_ends_after_day_30_and_knows_leap_years(
    ngo_worker: User, investigator: User, granted: datetime.date, ends: datetime.datetime
) -> None:
    case = register_presumed_victim(
        actor=ngo_worker,
        data=registration(),
        now=datetime.datetime.combine(granted, datetime.time(9), tzinfo=BAKU),
    )
    period = grant_reflection_period(
        actor=investigator,
        case=case,
        decided_on=granted,
        legal_basis="Law Art. 14-1.1; CPC Art. 123-1",
    )
    assert period.ends_at.astimezone(BAKU) == ends
    assert reflection_period_running(case, at=ends - datetime.timedelta(minutes=1)) == period
    assert reflection_period_running(case, at=ends) is None
    reminder = Deadline.objects.get(case=case, kind="recovery_reflection_end_reminder")
    assert reminder.due_at == ends - datetime.timedelta(days=5)


def test_a_reflection_period_can_end_early(ngo_worker: User, investigator: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 1, 10, 9, 0)
    )
    period = grant_reflection_period(
        actor=investigator,
        case=case,
        decided_on=datetime.date(2025, 1, 10),
        legal_basis="Law Art. 14-1.1",
    )
    end_reflection_period(
        actor=investigator,
        period=period,
        ended_at=baku(2025, 1, 20, 12, 0),
        reason="decided to cooperate",
    )
    assert reflection_period_running(case, at=baku(2025, 1, 21, 12, 0)) is None
    assert (
        Deadline.objects.get(case=case, kind="recovery_reflection_end_reminder").status
        == DeadlineStatus.MET
    )


def test_the_sweep_notifies_each_breach_once(ngo_worker: User, mailoutbox: list[Any]) -> None:
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    supervisor.email = "supervisor@clean-world.example"
    supervisor.save(update_fields=["email"])
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 3, 7, 16, 0)
    )
    with time_machine.travel(baku(2025, 3, 9, 9, 0), tick=False):
        call_command("deadlines", "check", stdout=io.StringIO())
        call_command("deadlines", "check", stdout=io.StringIO())
    breach_notices = [message for message in mailoutbox if "breached" in message.subject]
    assert len(breach_notices) == 1
    assert breach_notices[0].to == ["supervisor@clean-world.example"]
    assert case.reference in breach_notices[0].body
    assert "Məmmədova" not in breach_notices[0].body
    assert Deadline.objects.get(case=case).status == DeadlineStatus.BREACHED


def test_the_sweep_reminds_before_the_due_time_once(
    ngo_worker: User, mailoutbox: list[Any]
) -> None:
    ngo_worker.email = "worker@clean-world.example"
    ngo_worker.save(update_fields=["email"])
    register_presumed_victim(actor=ngo_worker, data=registration(), now=baku(2025, 3, 7, 16, 0))
    with time_machine.travel(baku(2025, 3, 8, 12, 0), tick=False):
        first = sweep_deadlines()
        second = sweep_deadlines()
    assert (first.reminders, second.reminders) == (1, 0)
    assert [message.to for message in mailoutbox] == [["worker@clean-world.example"]]


def test_pack_defines_the_reminder_rule(az_pack: Path) -> None:
    from lantern.core.models import DeadlineRule

    assert DeadlineRule.objects.get(code="recovery_reflection_end_reminder").duration_amount == 25


def test_a_reminder_is_sent_and_closed_not_breached(ngo_worker: User, investigator: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=baku(2025, 1, 10, 9, 0)
    )
    grant_reflection_period(
        actor=investigator,
        case=case,
        decided_on=datetime.date(2025, 1, 10),
        legal_basis="Law Art. 14-1.1",
    )
    with time_machine.travel(baku(2025, 2, 6, 9, 0), tick=False):  # after day 25, before day 30
        result = sweep_deadlines()
    reminder = Deadline.objects.get(case=case, kind="recovery_reflection_end_reminder")
    assert reminder.status == DeadlineStatus.MET
    assert reminder.close_reason == "reminder sent"
    assert result.reminders >= 1


def test_a_child_over_ten_is_heard_before_a_placement(ngo_worker: User) -> None:
    from lantern.nrm.services import check_child_heard, child_must_be_heard, record_child_hearing

    older = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2012, 3, 1)))
    )
    younger = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2018, 3, 1)))
    )
    adult = register_presumed_victim(actor=ngo_worker, data=registration())
    day = datetime.date(2025, 6, 1)
    assert (
        child_must_be_heard(older, day),
        child_must_be_heard(younger, day),
        child_must_be_heard(adult, day),
    ) == (True, False, False)
    with pytest.raises(NrmError, match="heard"):
        check_child_heard(older, "placement", day)
    record_child_hearing(
        actor=ngo_worker,
        case=older,
        occasion="placement",
        heard_on=datetime.date(2025, 5, 30),
        note="wants to stay with her sister",
    )
    check_child_heard(older, "placement", day)
    with pytest.raises(NrmError):
        check_child_heard(older, "extension", day)
    check_child_heard(younger, "placement", day)


def test_a_hearing_in_the_future_is_refused(ngo_worker: User) -> None:
    from lantern.nrm.services import record_child_hearing

    case = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2012, 3, 1)))
    )
    with pytest.raises(NrmError):
        record_child_hearing(
            actor=ngo_worker, case=case, occasion="placement", heard_on=datetime.date(2999, 1, 1)
        )
    assert case.child_hearings.count() == 0
