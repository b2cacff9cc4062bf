"""Deadline arithmetic: examples from the law and properties across weekends, holidays, years and zones."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.core.models import Jurisdiction
from lantern.nrm.deadlines import WorkingCalendar, calendar_of, due_time

BAKU = zoneinfo.ZoneInfo("Asia/Baku")
HOLIDAYS = frozenset(
    {
        datetime.date(2025, 5, 28),
        datetime.date(2025, 1, 1),
        datetime.date(2025, 1, 2),
        datetime.date(2024, 12, 31),
    }
)
CALENDAR = WorkingCalendar(
    time_zone=BAKU, working_weekdays=frozenset({1, 2, 3, 4, 5}), holidays=HOLIDAYS
)


def baku(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=BAKU)


def test_24_calendar_hours_from_friday_afternoon_is_saturday_afternoon() -> None:
    due = due_time(CALENDAR, "calendar_hours", 24, baku(2025, 3, 7, 16, 0))
    assert due.astimezone(BAKU) == baku(2025, 3, 8, 16, 0)
    assert due.tzinfo == datetime.UTC


def test_one_working_day_skips_a_holiday_and_the_weekend() -> None:
    # Tuesday 27 May 2025, the day before Independence Day (Wednesday 28 May, a holiday).
    due = due_time(CALENDAR, "working_days", 1, baku(2025, 5, 27, 10, 0))
    assert due.astimezone(BAKU) == baku(2025, 5, 30, 0, 0)  # the end of Thursday 29 May


def test_one_working_day_from_friday_is_the_end_of_monday() -> None:
    assert due_time(CALENDAR, "working_days", 1, baku(2025, 3, 7, 23, 30)).astimezone(BAKU) == baku(
        2025, 3, 11, 0, 0
    )


def test_working_days_across_the_year_end_holidays() -> None:
    # Monday 30 Dec 2024 → Tue 31 (holiday), Wed 1 and Thu 2 Jan (holidays) → Friday 3 Jan 2025.
    assert due_time(CALENDAR, "working_days", 1, baku(2024, 12, 30, 9, 0)).astimezone(BAKU) == baku(
        2025, 1, 4, 0, 0
    )


@pytest.mark.parametrize(
    ("granted", "last_day"),
    [
        (datetime.date(2025, 1, 31), datetime.date(2025, 3, 1)),
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)),
    ],
)
def test_a_30_day_period_counts_the_grant_day_as_day_one(
    granted: datetime.date, last_day: datetime.date
) -> None:
    due = due_time(
        CALENDAR,
        "calendar_days",
        30,
        datetime.datetime.combine(granted, datetime.time(12), tzinfo=BAKU),
    )
    assert due.astimezone(BAKU) == datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=BAKU
    )


def test_immediately_means_the_end_of_the_working_day() -> None:
    assert due_time(CALENDAR, "immediately", None, baku(2025, 3, 7, 9, 0)).astimezone(BAKU) == baku(
        2025, 3, 8, 0, 0
    )
    # On a Saturday: the end of Monday.
    assert due_time(CALENDAR, "immediately", None, baku(2025, 3, 8, 9, 0)).astimezone(BAKU) == baku(
        2025, 3, 11, 0, 0
    )


def test_immediately_within_hours_when_the_pack_says_so() -> None:
    hourly = WorkingCalendar(
        time_zone=BAKU,
        working_weekdays=frozenset({1, 2, 3, 4, 5}),
        immediately_means="within_hours",
        immediately_hours=3,
    )
    assert due_time(hourly, "immediately", None, baku(2025, 3, 8, 9, 0)).astimezone(BAKU) == baku(
        2025, 3, 8, 12, 0
    )


def test_naive_times_and_missing_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        due_time(CALENDAR, "calendar_hours", 24, datetime.datetime(2025, 3, 7, 16, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="positive amount"):
        due_time(CALENDAR, "working_days", None, baku(2025, 3, 7, 16, 0))


@pytest.mark.django_db
def test_the_azerbaijan_pack_calendar(az_pack: object) -> None:
    calendar = calendar_of(Jurisdiction.objects.get())
    assert calendar.is_working_day(datetime.date(2025, 5, 27)) is True
    assert calendar.is_working_day(datetime.date(2025, 5, 28)) is False
    assert calendar.is_working_day(datetime.date(2025, 3, 22)) is False  # Novruz, a Saturday anyway
    assert (
        calendar.is_working_day(datetime.date(2025, 3, 24)) is False
    )  # Novruz days moved to Monday


moments = st.datetimes(
    min_value=datetime.datetime(2019, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds and adds the zone
    max_value=datetime.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from(
        [
            BAKU,
            zoneinfo.ZoneInfo("Europe/London"),
            zoneinfo.ZoneInfo("America/New_York"),
            datetime.UTC,
        ]
    ),
)
holiday_sets = st.frozensets(
    st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2028, 1, 31)), max_size=40
)
zones = st.sampled_from(["Asia/Baku", "Europe/London", "America/New_York", "Australia/Lord_Howe"])


@settings(max_examples=300, deadline=None)
@given(
    trigger=moments, holidays=holiday_sets, zone=zones, count=st.integers(min_value=1, max_value=15)
)
def test_working_day_deadlines_end_a_working_day_after_the_trigger(
    trigger: datetime.datetime, holidays: frozenset[datetime.date], zone: str, count: int
) -> None:
    calendar = WorkingCalendar(
        time_zone=zoneinfo.ZoneInfo(zone),
        working_weekdays=frozenset({1, 2, 3, 4, 5}),
        holidays=holidays,
    )
    due = due_time(calendar, "working_days", count, trigger)
    last_day = (due.astimezone(calendar.time_zone) - datetime.timedelta(seconds=1)).date()
    assert due.astimezone(calendar.time_zone).time() == datetime.time(0)
    assert calendar.is_working_day(last_day)
    start = calendar.local_date(trigger)
    working_between = sum(
        1
        for offset in range(1, (last_day - start).days + 1)
        if calendar.is_working_day(start + datetime.timedelta(days=offset))
    )
    assert working_between == count
    assert due > trigger


@settings(max_examples=300, deadline=None)
@given(trigger=moments, zone=zones, days=st.integers(min_value=1, max_value=400))
def test_calendar_day_periods_end_at_midnight_after_day_n(
    trigger: datetime.datetime, zone: str, days: int
) -> None:
    calendar = WorkingCalendar(
        time_zone=zoneinfo.ZoneInfo(zone), working_weekdays=frozenset({1, 2, 3, 4, 5})
    )
    due = due_time(calendar, "calendar_days", days, trigger)
    local_due = due.astimezone(calendar.time_zone)
    assert (
        local_due.time() == datetime.time(0) or local_due.hour == 1
    )  # a midnight skipped by a DST change
    assert (local_due.date() - calendar.local_date(trigger)).days in (days, days + 1)
    assert due > trigger


@settings(max_examples=200, deadline=None)
@given(trigger=moments, hours=st.integers(min_value=1, max_value=24 * 60))
def test_calendar_hours_are_elapsed_time_in_any_zone(
    trigger: datetime.datetime, hours: int
) -> None:
    assert due_time(CALENDAR, "calendar_hours", hours, trigger) - trigger == datetime.timedelta(
        hours=hours
    )


@settings(max_examples=200, deadline=None)
@given(trigger=moments, holidays=holiday_sets)
def test_more_working_days_never_end_sooner(
    trigger: datetime.datetime, holidays: frozenset[datetime.date]
) -> None:
    calendar = WorkingCalendar(
        time_zone=BAKU, working_weekdays=frozenset({1, 2, 3, 4, 5}), holidays=holidays
    )
    dues = [due_time(calendar, "working_days", count, trigger) for count in range(1, 6)]
    assert dues == sorted(dues)
    assert len(set(dues)) == len(dues)
