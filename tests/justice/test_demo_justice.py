"""The demo's criminal proceedings reproduce GRETA Tables 9 and 10 from case-level records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count

from lantern.core.demo import ensure_demo_accounts
from lantern.justice.demo import TABLE_9, TABLE_10, JusticeDemoSummary, generate_demo_justice
from lantern.justice.models import (
    AccusedIdentity,
    AccusedPerson,
    Conviction,
    CriminalCase,
    CriminalCaseVictim,
    DetectedFact,
    Judgment,
    WantedNotice,
)
from lantern.justice.services import open_accused_identity
from lantern.register.demo import generate_demo_history
from lantern.register.models import CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def proceedings(django_db_setup: None, django_db_blocker: Any) -> Iterator[JusticeDemoSummary]:
    """One generation on two years of history for the whole module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2022, 2023], demo_staff=True)
        yield generate_demo_justice()
        transaction.set_rollback(True)


def test_table_10_comes_out_of_the_judgments_year_by_year(
    proceedings: JusticeDemoSummary, az_pack: Path
) -> None:
    for year, row in TABLE_10.items():
        judgments = Judgment.objects.filter(delivered_on__year=year)
        convictions = Conviction.objects.filter(judgment__delivered_on__year=year)
        assert judgments.count() == row.judgments, year
        assert convictions.count() == row.persons, year
        assert Counter(convictions.values_list("form_of_exploitation", flat=True)) == row.forms
        assert convictions.filter(child_victim=True).count() == row.child_victims
        assert convictions.filter(sentence_type="custodial").count() == row.custodial
        assert convictions.filter(duration_months__lt=84).count() == row.short_sentences
        assert convictions.exclude(accused__citizenship="AZ").count() == row.foreign
        assert convictions.filter(accused__sex="male").count() == row.male
        for (low, high), count in row.ages.items():
            ages = convictions.filter(
                accused__birth_year__lte=year - low, accused__birth_year__gte=year - high - 1
            )
            assert ages.count() >= count, (year, low)
    assert proceedings.judgments == Judgment.objects.count()


def test_table_9_cases_by_year_of_initiation_and_victims_from_the_register(
    proceedings: JusticeDemoSummary, az_pack: Path
) -> None:
    for year, (trafficking, forced_labour) in TABLE_9.items():
        initiated = CriminalCase.objects.filter(initiated_on__year=year)
        assert (
            initiated.filter(exploitation_forms__code="sexual_exploitation").count()
            == trafficking[0]
        )
        assert (
            initiated.filter(exploitation_forms__code="forced_labour").count() == (forced_labour[0])
        )
    for year in (2022, 2023):
        victims = CriminalCaseVictim.objects.filter(criminal_case__initiated_on__year=year)
        assert victims.count() > 0
        assert set(victims.values_list("case__status", flat=True)) == {CaseStatus.IDENTIFIED}
        assert set(victims.values_list("case__identified_on__year", flat=True)) == {year}
    # A victim's case is in at most one criminal case.
    assert not (
        CriminalCaseVictim.objects.values("case").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )


def test_every_judged_case_went_through_court_in_order(
    proceedings: JusticeDemoSummary, az_pack: Path
) -> None:
    for judgment in Judgment.objects.select_related("criminal_case"):
        criminal_case = judgment.criminal_case
        assert criminal_case.sent_to_court_on is not None
        assert criminal_case.initiated_on <= criminal_case.sent_to_court_on
        assert criminal_case.sent_to_court_on <= judgment.delivered_on
        convicted = set(judgment.convictions.values_list("accused_id", flat=True))
        accused = set(criminal_case.accused.values_list("accused_id", flat=True))
        assert convicted <= accused


def test_accused_names_are_sealed_and_facts_and_wanted_lists_follow_the_report(
    proceedings: JusticeDemoSummary, az_pack: Path
) -> None:
    assert AccusedIdentity.objects.count() == AccusedPerson.objects.count() == proceedings.accused
    someone = AccusedPerson.objects.order_by("pk").first()
    assert someone is not None and open_accused_identity(someone).family_name
    facts_2023 = Counter(
        DetectedFact.objects.filter(detected_on__year=2023).values_list("fact_type", flat=True)
    )
    assert facts_2023 == {
        "human_trafficking": 159,
        "forced_labour": 3,
        "document_forgery": 44,
        "prostitution_involvement": 20,
    }
    online = DetectedFact.objects.filter(detected_on__year=2023, through_ict=True)
    assert 0 < online.count() <= 58
    assert not online.filter(platforms__isnull=True).exists()
    local_2023 = WantedNotice.objects.filter(scope="local", listed_on__year=2023)
    assert Counter(local_2023.values_list("offence", flat=True)) == {
        "human_trafficking": 17,
        "solicitation_of_prostitution": 3,
        "brothel_running": 1,
    }
    assert 0 < local_2023.filter(detained_on__isnull=False).count() <= 9
    assert WantedNotice.objects.filter(scope="international", listed_on__year=2023).count() == 12


def test_a_second_run_adds_nothing(proceedings: JusticeDemoSummary, az_pack: Path) -> None:
    before = CriminalCase.objects.count()
    again = generate_demo_justice()
    assert not again.created
    assert CriminalCase.objects.count() == before
    assert "nothing added" in again.describe()
