"""Deadline arithmetic: the one place that turns a trigger time and a pack rule into a due time.

Conventions (docs/decisions.md):
- calendar hours: the trigger plus that many hours of elapsed time.
- calendar days: the day of the trigger is day 1; the period ends at the end of day N,
  so a 30-day period granted on 31 January 2025 ends at the end of 1 March 2025
  (29 February 2024 in a leap year).
- working days: counting starts on the first working day after the trigger's day; the
  deadline is the end of the Nth such working day.
- immediately: by the end of the trigger's day if it is a working day, otherwise of the next
  working day (pack setting "end_of_working_day"), or within the pack's hours ("within_hours").
"The end of a day" is midnight that follows it in the jurisdiction's time zone, stored in UTC.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from lantern.core.models import (
    DeadlineRule,
    DurationUnit,
    ExtraWorkingDay,
    Jurisdiction,
    PublicHoliday,
)


@dataclass(frozen=True)
class WorkingCalendar:
    time_zone: zoneinfo.ZoneInfo
    working_weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    extra_working_days: frozenset[datetime.date] = field(default_factory=frozenset)
    immediately_means: str = "end_of_working_day"
    immediately_hours: int | None = None

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.isoweekday() in self.working_weekdays and day not in self.holidays

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.time_zone).date()

    def end_of_day(self, day: datetime.date) -> datetime.datetime:
        """The instant the local day ends (the next local midnight), in UTC."""
        next_midnight = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(0), tzinfo=self.time_zone
        )
        return next_midnight.astimezone(datetime.UTC)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        candidate = day + datetime.timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(candidate):
                return candidate
            candidate += datetime.timedelta(days=1)
        raise ValueError(
            "the calendar has no working day within a year; check the pack's working week"
        )


def calendar_of(jurisdiction: Jurisdiction) -> WorkingCalendar:
    return WorkingCalendar(
        time_zone=zoneinfo.ZoneInfo(jurisdiction.time_zone),
        working_weekdays=frozenset(jurisdiction.working_weekdays()),
        holidays=frozenset(PublicHoliday.objects.values_list("date", flat=True)),
        extra_working_days=frozenset(ExtraWorkingDay.objects.values_list("date", flat=True)),
        immediately_means=jurisdiction.immediately_means,
        immediately_hours=jurisdiction.immediately_hours,
    )


def current_calendar() -> WorkingCalendar:
    jurisdiction = Jurisdiction.objects.first()
    if jurisdiction is None:
        raise LookupError("no jurisdiction pack is loaded; run `lantern pack load`")
    return calendar_of(jurisdiction)


def add_working_days(
    calendar: WorkingCalendar, trigger: datetime.datetime, count: int
) -> datetime.datetime:
    day = calendar.local_date(trigger)
    for _ in range(count):
        day = calendar.next_working_day(day)
    return calendar.end_of_day(day)


def add_calendar_days(
    calendar: WorkingCalendar, trigger: datetime.datetime, count: int
) -> datetime.datetime:
    last_day = calendar.local_date(trigger) + datetime.timedelta(days=count - 1)
    return calendar.end_of_day(last_day)


def immediately(calendar: WorkingCalendar, trigger: datetime.datetime) -> datetime.datetime:
    if calendar.immediately_means == "within_hours" and calendar.immediately_hours:
        return trigger.astimezone(datetime.UTC) + datetime.timedelta(
            hours=calendar.immediately_hours
        )
    day = calendar.local_date(trigger)
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    return calendar.end_of_day(day)


def due_time(
    calendar: WorkingCalendar, unit: str, amount: int | None, trigger: datetime.datetime
) -> datetime.datetime:
    """When a duration of ``amount`` ``unit`` that starts at ``trigger`` runs out, in UTC."""
    if trigger.tzinfo is None:
        raise ValueError("deadline arithmetic needs an aware datetime")
    if unit == DurationUnit.IMMEDIATELY:
        return immediately(calendar, trigger)
    if amount is None or amount < 1:
        raise ValueError(f"a duration in {unit} needs a positive amount")
    if unit == DurationUnit.CALENDAR_HOURS:
        # In UTC: adding hours to a local time would count a daylight-saving hour twice or not at all.
        return trigger.astimezone(datetime.UTC) + datetime.timedelta(hours=amount)
    if unit == DurationUnit.CALENDAR_DAYS:
        return add_calendar_days(calendar, trigger, amount)
    if unit == DurationUnit.WORKING_DAYS:
        return add_working_days(calendar, trigger, amount)
    raise ValueError(f"unknown duration unit {unit!r}")


def due_for_rule(
    rule: DeadlineRule, trigger: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    return due_time(
        calendar or current_calendar(), rule.duration_unit, rule.duration_amount, trigger
    )
