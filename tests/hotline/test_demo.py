"""The hotline contacts of the demo: the 152 line's yearly calls, the other lines, the cases they opened."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lantern.access.policy import can_log_contact
from lantern.core.demo import ensure_demo_accounts
from lantern.core.models import CodeEntry, OrganisationKind, User
from lantern.hotline.demo import LINES, HotlineDemoSummary, generate_demo_hotline, planned_volumes
from lantern.hotline.models import Contact
from lantern.hotline.services import ContactInput, log_contact
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case, ReferenceSequence

pytestmark = pytest.mark.django_db

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
OTHER_LINES = {line.code for line in LINES} - {"line_152"}


@pytest.fixture(scope="module")
def hotline(django_db_setup: None, django_db_blocker: Any) -> Iterator[HotlineDemoSummary]:
    """One generation (the whole of 2023, at full volume) for the module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2023])
        yield generate_demo_hotline(years=[2023])
        transaction.set_rollback(True)


@contextmanager
def without_contacts() -> Iterator[None]:
    """The module's contacts and their numbering taken away, and given back afterwards."""
    with transaction.atomic():
        Contact.objects.all().delete()
        ReferenceSequence.objects.filter(prefix="AZHL").delete()
        yield
        transaction.set_rollback(True)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Contact.objects.order_by("reference").values_list(
            "reference",
            "line",
            "contacted_at",
            "language",
            "caller_type",
            "topic",
            "outcome",
            "referred_to__code",
            "case__reference",
            "operator__username",
            "organisation__code",
            "summary",
        )
    )


def per_line_and_year() -> Counter[tuple[int, str]]:
    return Counter(
        (timezone.localtime(moment).year, line)
        for moment, line in Contact.objects.values_list("contacted_at", "line")
    )


def test_line_152_has_the_seed_calls_of_2023_and_the_other_lines_fewer(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    assert hotline.created
    counts = per_line_and_year()
    assert counts[(2023, "line_152")] == 9_626  # seed 000:168
    assert hotline.line_152_per_year == ((2023, 9_626),)
    for line in OTHER_LINES:
        assert 100 <= counts[(2023, line)] <= 1_600, line
    assert sum(counts.values()) == Contact.objects.count() == hotline.contacts
    assert set(counts) == {(2023, line.code) for line in LINES}


def test_every_year_line_152_receives_9000_to_10000_calls() -> None:
    planned = planned_volumes(years=range(2019, 2026))
    for year in range(2019, 2026):
        assert 9_000 <= planned[(year, "line_152")] <= 10_000, year
        for line in OTHER_LINES:
            assert 100 <= planned[(year, line)] <= 1_600, (year, line)
    assert (planned[(2022, "line_152")], planned[(2023, "line_152")]) == (9_823, 9_626)


def test_each_case_from_the_hotline_has_its_call_and_no_call_opens_a_case_otherwise(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    hotline_cases = Case.objects.filter(contact_channel="hotline").select_related(
        "registered_by__organisation"
    )
    opened = Contact.objects.filter(outcome="case_opened").select_related("case", "operator")
    assert hotline_cases.exists()
    assert sorted(contact.case_id for contact in opened) == sorted(
        case.pk for case in hotline_cases
    )
    assert hotline.cases_linked == opened.count()
    assert not Contact.objects.filter(case__isnull=False).exclude(outcome="case_opened").exists()
    demo_operator = User.objects.get(username="hotline")
    for contact in opened:
        case = contact.case
        assert case is not None
        assert contact.contacted_at == case.registered_at
        assert contact.topic == "possible_trafficking"
        registrar = case.registered_by
        assert registrar.organisation is not None
        if registrar.organisation.kind == OrganisationKind.HOTLINE:
            assert contact.operator == registrar
        else:
            assert contact.operator == demo_operator
        assert contact.organisation_id == contact.operator.organisation_id


def test_contacts_are_in_the_past_numbered_in_order_and_hold_no_caller(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    now = timezone.now()
    assert not Contact.objects.filter(contacted_at__gt=now).exists()
    assert not Contact.objects.exclude(summary="").exists()
    references = list(
        Contact.objects.order_by("contacted_at", "reference").values_list("reference", flat=True)
    )
    assert references == [f"AZ-HL-2023-{number:06d}" for number in range(1, len(references) + 1)]
    sequence = ReferenceSequence.objects.get(prefix="AZHL", year=2023)
    assert sequence.last_number == len(references)
    # A call logged afterwards continues the numbering.
    operator = User.objects.get(username="hotline")
    later = log_contact(
        actor=operator,
        data=ContactInput(
            line="line_152",
            caller_type="relative",
            topic="information",
            outcome="information_given",
            contacted_at=datetime.datetime(2023, 12, 31, 23, 0, tzinfo=BAKU),
        ),
    )
    assert later.reference == f"AZ-HL-2023-{len(references) + 1:06d}"


def test_calls_come_mostly_in_working_hours_about_information_and_work_abroad(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    calls = Contact.objects.filter(line="line_152")
    total = calls.count()
    local = [timezone.localtime(moment) for moment in calls.values_list("contacted_at", flat=True)]
    working_hours = sum(1 for moment in local if 9 <= moment.hour < 18)
    assert working_hours > 0.6 * total
    weekdays = Counter(moment.isoweekday() for moment in local)
    assert min(weekdays[day] for day in range(1, 6)) > max(weekdays[6], weekdays[7])
    topics = Counter(calls.values_list("topic", flat=True))
    assert topics["information"] + topics["working_abroad"] > 0.6 * total
    assert 0 < topics["possible_trafficking"] < 0.1 * total
    languages = Counter(calls.values_list("language", flat=True))
    assert languages["az"] > 0.7 * total and languages["ru"] > 0
    outcomes = Counter(calls.values_list("outcome", flat=True))
    assert outcomes["information_given"] > outcomes["referred"] > outcomes["passed_to_police"] > 0
    assert not calls.filter(outcome="referred", referred_to__isnull=True).exists()
    assert set(
        calls.filter(outcome="passed_to_police").values_list("referred_to__code", flat=True)
    ) == {"mia-ctht"}
    assert set(
        Contact.objects.filter(line="line_919").values_list("organisation__code", flat=True)
    ) == {"sms-919"}


def test_every_value_is_in_the_code_lists_the_operators_use(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    for field, code_list in (
        ("line", "hotline_lines"),
        ("caller_type", "caller_types"),
        ("topic", "hotline_topics"),
        ("outcome", "hotline_outcomes"),
    ):
        allowed = set(
            CodeEntry.objects.filter(code_list__code=code_list, is_active=True).values_list(
                "code", flat=True
            )
        )
        used = set(Contact.objects.values_list(field, flat=True))
        assert used and used <= allowed, field
    assert set(Contact.objects.values_list("language", flat=True)) <= {"az", "ru", "en", "other"}
    for operator in User.objects.filter(pk__in=Contact.objects.values("operator")):
        assert can_log_contact(operator), operator.username


def test_the_same_seed_gives_the_same_contacts(hotline: HotlineDemoSummary, az_pack: Path) -> None:
    runs = []
    for seed in (7, 7, 8):
        with without_contacts():
            generate_demo_hotline(seed=seed, years=[2023], scale=0.05)
            runs.append(snapshot())
    assert runs[0] and runs[0] == runs[1] != runs[2]


def test_the_current_year_stops_at_now(hotline: HotlineDemoSummary, az_pack: Path) -> None:
    now = datetime.datetime(2023, 6, 15, 12, 30, tzinfo=BAKU)
    with without_contacts(), time_machine.travel(now, tick=False):
        summary = generate_demo_hotline(years=[2023, 2024], scale=0.1)
        assert summary.years == (2023,)
        moments = list(Contact.objects.values_list("contacted_at", flat=True))
        assert max(moments) <= now
        calls = Contact.objects.filter(line="line_152").count()
        assert 0.35 * 962 < calls < 0.55 * 962  # about the share of 2023 gone by mid-June
        linked = set(Contact.objects.filter(case__isnull=False).values_list("case", flat=True))
        registered = set(
            Case.objects.filter(contact_channel="hotline", registered_at__lte=now).values_list(
                "pk", flat=True
            )
        )
        assert linked == registered


def test_a_second_call_adds_nothing(hotline: HotlineDemoSummary, az_pack: Path) -> None:
    before = snapshot()
    again = generate_demo_hotline(years=[2023])
    assert not again.created
    assert again.contacts == hotline.contacts
    assert "nothing added" in again.describe()
    assert snapshot() == before


def test_the_counts_page_shows_what_the_database_holds(
    hotline: HotlineDemoSummary, az_pack: Path
) -> None:
    client = Client()
    client.force_login(User.objects.get(username="statistician"))
    page = client.get("/hotline/counts/?period=year").content.decode()
    rows = re.findall(
        r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td></tr>",
        page,
    )
    shown = {
        (period, line, topic, outcome): int(count) for period, line, topic, outcome, count in rows
    }
    held = Counter(
        (f"{timezone.localtime(moment).year}-01-01", line, topic, outcome)
        for moment, line, topic, outcome in Contact.objects.values_list(
            "contacted_at", "line", "topic", "outcome"
        )
    )
    assert shown == dict(held)
    assert sum(shown.values()) == hotline.contacts


def test_the_command_refuses_outside_demo_mode(settings: Any, az_pack: Path) -> None:
    settings.DEMO_MODE = False
    contacts = Contact.objects.count()
    with pytest.raises(CommandError, match="demo data goes only into a demo installation"):
        call_command("demo_hotline", stdout=io.StringIO())
    assert Contact.objects.count() == contacts


def test_the_command_prints_one_line_in_demo_mode(
    hotline: HotlineDemoSummary, settings: Any, az_pack: Path
) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo_hotline", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert "nothing added" in out.getvalue()
