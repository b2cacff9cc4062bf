"""The synthetic 2019–2025 history of demo installations: reproducible, shaped like the seeds, once."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from lantern.core.demo import ensure_demo_accounts
from lantern.core.models import User
from lantern.register.demo import DemoSummary, generate_demo_history
from lantern.register.identity import open_identity
from lantern.register.models import (
    Case,
    CaseStatus,
    IdentificationDecision,
    Person,
    ReferenceSequence,
)
from lantern.register.services import age_on

pytestmark = pytest.mark.django_db

# GRETA Part III Table 1 (seed 001): victims identified each year.
SEED_TOTALS = {2019: 91, 2020: 94, 2021: 95, 2022: 94, 2023: 91, 2024: 91, 2025: 46}

Row = tuple[Any, ...]


def fingerprint() -> list[Row]:
    rows = []
    cases = Case.objects.select_related("person", "registering_organisation").prefetch_related(
        "exploitation_forms", "exploitation_countries", "control_means"
    )
    for case in cases:
        person, identity = case.person, open_identity(case.person)
        rows.append(
            (
                case.reference,
                person.reference,
                case.status,
                case.registering_organisation.code,
                case.registered_at,
                case.contact_channel,
                person.sex,
                person.citizenship,
                person.region,
                case.identified_on,
                case.child_at_registration,
                case.child_at_identification,
                case.unaccompanied_foreign_minor,
                tuple(sorted(form.code for form in case.exploitation_forms.all())),
                tuple(sorted(c.country for c in case.exploitation_countries.all())),
                tuple(sorted(means.code for means in case.control_means.all())),
                identity.given_name,
                identity.family_name,
                identity.patronymic,
                identity.birth_date,
                identity.phone,
                tuple(document.number for document in identity.documents),
            )
        )
    return sorted(rows)


@pytest.fixture(scope="module")
def history(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """One full generation for the whole module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        yield generate_demo_history(demo_staff=True)
        transaction.set_rollback(True)


def test_the_same_seed_gives_the_same_history(history: DemoSummary, az_pack: Path) -> None:
    before = fingerprint()
    # Everything the generator wrote goes (the test's transaction brings it back) ...
    Case.objects.all().delete()
    Person.objects.all().delete()
    ReferenceSequence.objects.all().delete()
    # ... and a run for some of the years gives exactly the same cases for them.
    again = generate_demo_history(years=(2019, 2022, 2025), demo_staff=True)
    assert again.created
    assert again.accounts_created == 0
    years = ("-2019-", "-2022-", "-2025-")
    expected = [row for row in before if any(year in row[0] for year in years)]
    assert len(expected) > 250
    assert fingerprint() == expected


def test_identified_victims_follow_the_seed_statistics(history: DemoSummary, az_pack: Path) -> None:
    assert history.created
    assert history.years == tuple(SEED_TOTALS)
    identified = Case.objects.filter(status=CaseStatus.IDENTIFIED).select_related("person")
    per_year = Counter(case.identified_on.year for case in identified if case.identified_on)
    for year, total in SEED_TOTALS.items():
        assert abs(per_year[year] - total) <= total * 0.1, (year, per_year[year])
    assert dict(history.identified_per_year) == dict(per_year)
    sexes = Counter(case.person.sex for case in identified)
    assert sexes["female"] > 0.9 * sum(sexes.values())
    forms = Counter(
        code
        for case in identified
        for code in case.exploitation_forms.values_list("code", flat=True)
    )
    assert forms.most_common(1)[0][0] == "sexual_exploitation"
    countries = Counter(
        code
        for case in identified
        for code in case.exploitation_countries.values_list("country", flat=True)
    )
    assert {country for country, _ in countries.most_common(2)} == {"TR", "RU"}
    assert any(case.child_at_identification for case in identified)
    assert any(case.person.citizenship != "AZ" for case in identified)
    assert Case.objects.filter(unaccompanied_foreign_minor=True).exists()
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses[CaseStatus.NOT_IDENTIFIED] >= 15 * len(SEED_TOTALS)
    assert 1 <= statuses[CaseStatus.PRESUMED] <= 10
    assert (
        Case.objects.filter(status=CaseStatus.PRESUMED, registered_at__year__lt=2025).count() == 0
    )


def test_decisions_are_proactive_by_the_specialised_police_within_60_days(
    history: DemoSummary, az_pack: Path
) -> None:
    decisions = IdentificationDecision.objects.select_related(
        "case", "decided_by", "deciding_organisation"
    )
    assert decisions.count() == history.identified + history.not_identified
    registrars = Counter(decisions.values_list("case__registering_organisation__code", flat=True))
    assert registrars.most_common(1)[0][0] == "mia-ctht"
    assert len(registrars) >= 6
    for decision in decisions:
        assert decision.method == "proactive"
        assert decision.deciding_organisation.code == "mia-ctht"
        assert decision.decided_by.username == "investigator"
        delay = decision.decided_on - timezone.localdate(decision.case.registered_at)
        assert datetime.timedelta(days=1) <= delay <= datetime.timedelta(days=60)
        assert decision.decided_on <= datetime.date(2025, 12, 31)


def test_children_are_under_18_and_names_look_azerbaijani(
    history: DemoSummary, az_pack: Path
) -> None:
    children = Case.objects.filter(
        status=CaseStatus.IDENTIFIED, child_at_identification=True
    ).select_related("person")
    assert children.count() == 1 + 2 + 6 + 1  # Table 1: 2019, 2020, 2022, 2024
    for case in children:
        birth_date = open_identity(case.person).birth_date
        assert case.identified_on is not None
        if birth_date is not None:  # foreign children without papers have an estimated age
            assert age_on(birth_date, case.identified_on) < 18
    family_names = [
        open_identity(person).family_name
        for person in Person.objects.filter(citizenship="AZ").order_by("pk")[:200]
    ]
    assert any(name.endswith(("ova", "yeva")) for name in family_names)
    assert any(name.endswith(("li", "lı")) for name in family_names)
    assert any(name.endswith(("ова", "ева")) for name in family_names)  # Russian spellings


def test_a_second_run_adds_nothing(history: DemoSummary, az_pack: Path) -> None:
    cases = Case.objects.count()
    again = generate_demo_history()
    assert not again.created
    assert again.cases == cases == history.cases
    assert Case.objects.count() == cases
    assert "nothing added" in again.describe()


def test_without_demo_staff_no_account_is_added_and_the_police_registers_for_the_others(
    history: DemoSummary, az_pack: Path
) -> None:
    with_staff = fingerprint()
    Case.objects.all().delete()
    Person.objects.all().delete()
    ReferenceSequence.objects.all().delete()
    User.objects.filter(username__startswith="demo-").delete()
    users = User.objects.count()
    generate_demo_history(years=(2025,))
    assert User.objects.count() == users
    without_staff = fingerprint()
    registrars = {row[3] for row in without_staff}
    assert registrars <= {"mia-ctht", "mia-hotline-152", "ssa-assistance-center"}

    # The same people and decisions; only who registered them differs.
    def drop_registrar(rows: list[Row]) -> list[Row]:
        return [row[:3] + row[4:] for row in rows]

    assert drop_registrar(without_staff) == drop_registrar(
        [row for row in with_staff if "-2025-" in row[0]]
    )


def test_the_command_refuses_an_installation_that_is_no_demo(settings: Any, az_pack: Path) -> None:
    settings.DEMO_MODE = False
    cases = Case.objects.count()
    with pytest.raises(CommandError, match="only into a demo installation"):
        call_command("demo_history", stdout=io.StringIO())
    assert Case.objects.count() == cases
