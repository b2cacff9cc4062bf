"""Frames are a faster reading of the same records: every table of both reports comes out cell
for cell as when each breakdown is counted straight from the population.

The register is the known-answer one, plus what the frames must not get wrong: a person whose
two cases are identified in the same year (so a unit repeats within a year and COUNT(*) would
count her twice), with different forms and places in each case.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lantern.core.models import User
from lantern.statistics import annual, greta
from lantern.statistics.engine import build_table
from lantern.statistics.frame import reporting
from tests.statistics.test_greta_known_answers import (
    Register,
    _identify,
    _person,
    full_register,
    register,
    shelter_supervisor,
)

__all__ = ["full_register", "register", "shelter_supervisor"]

pytestmark = pytest.mark.django_db

YEARS = [2019, 2020]


@pytest.fixture
def repeated_in_a_year(full_register: Register, ngo_worker: User, investigator: User) -> Register:
    second = _person(
        ngo_worker,
        "2019-10-01",
        person=full_register["two_forms"]["person"],
        citizenship="AZ",
        exploitation_forms=["forced_labour", "begging"],
        exploitation_scope="domestic",
    )
    _identify(investigator, second, "2019-11-05", method="reactive")
    return full_register


def test_every_table_of_both_reports_is_the_same_read_through_frames(
    repeated_in_a_year: Register,
) -> None:
    specs = [spec() for spec in (*greta.TABLES, *annual.TABLES)]
    different = []
    with reporting():
        for spec in specs:
            if build_table(spec, YEARS) != build_table(spec, YEARS, framed=False):
                different.append(spec.id)
    assert different == []


def test_a_person_identified_twice_in_a_year_is_one_person_of_each_value_she_had(
    repeated_in_a_year: Register,
) -> None:
    with reporting():
        table_1 = build_table(greta._table_1(), YEARS)["cells"]["2019"]
    # Three persons as before: the returning victim is counted once in the total...
    assert table_1["total"] == 3
    # ...once under each form either of her cases had (begging is new)...
    assert (table_1["form.begging"], table_1["form.forced_labour"]) == (1, 2)
    # ...and under both places, because each of her cases has one.
    assert (table_1["place.domestic"], table_1["place.transnational"]) == (2, 2)
    assert (table_1["method.proactive"], table_1["method.reactive"]) == (3, 1)


@pytest.mark.django_db(transaction=True)
def test_a_report_holds_no_write_lock_on_sqlite_and_hashes_in_memory_on_postgresql() -> None:
    with reporting():
        if connection.vendor == "sqlite":
            # A transaction here would take the write lock for the whole report.
            assert not connection.in_atomic_block
        else:
            with connection.cursor() as cursor:
                cursor.execute("SHOW work_mem")
                assert cursor.fetchone() == ("64MB",)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone() != ("64MB",)  # only for the report's transaction
