"""The hotlines' side of the demo: calls and messages from 2019 to the present day.

``generate_demo_hotline`` logs, for every year since 2019 (the current one only up to now):

- about 9,000-10,000 contacts a year on the 152 Hot Line of the MIA: exactly 9,626 in 2023 and
  9,823 in 2022, as the 2023 annual report gives them (seed 000:168, "9,626 (-197) calls");
- a few hundred to about 1,500 a year on each of the other lines: the State Migration Service's
  919 Call Centre (seed 001:497), which also answers the messenger line (WhatsApp, seed
  001:760), the Ombudsman's 916 Call Centre (seed 001:409, only the contacts that concern
  trafficking), and the 152 Hot Line's web form. The messenger and the web form grow each year;
  the 919 line dips in 2020, when the borders were closed;
- more contacts on working days and in working hours, fewer at night, at weekends and on public
  holidays, and a peak on 30 July, the World Day against Trafficking in Persons;
- mostly requests for information and advice on working or studying abroad, then labour rights;
  a small share report a possible trafficking situation, which the line passes to the
  specialised police or refers on; callers speak Azerbaijani, some Russian, and on the 919 line
  also English;
- one contact for every presumed-victim case that came in through the hotline (contact channel
  ``hotline``, made by ``register.demo`` and ``nrm.demo``): logged at the moment the case was
  registered, by the operator who registered it (or a demo operator of the 152 line if the case
  was registered elsewhere), with the outcome ``case_opened``. No other contact has that outcome.

Contacts hold no caller's identity and no note. References follow ``_next_contact_reference``
(``AZ-HL-2023-000001`` onward, in the order of the contacts within each year) and its sequences
are moved on, so that contacts logged later continue the numbering.

Every line and year draws from its own generator derived from ``seed``, so the same seed gives
the same contacts, and a run limited to some ``years`` (as tests do) gives the same contacts for
them as a full run. The current year's contacts depend on the day the demo is made.

There are about 12,000-14,000 contacts a year, too many for ``log_contact`` one by one (minutes
on SQLite), so they are written with ``bulk_create`` in batches; every value comes from the
code lists that ``log_contact`` checks, which the tests confirm.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lantern.core.demo import DEMO_PASSWORD
from lantern.core.models import Jurisdiction, Organisation, OrganisationKind, Role, User
from lantern.core.services import create_account
from lantern.hotline.models import Contact
from lantern.nrm.deadlines import current_calendar
from lantern.register.demo import DEFAULT_SEED, Weighted
from lantern.register.models import Case, ReferenceSequence

FIRST_YEAR = 2019
CASE_OPENED = "case_opened"
HOTLINE_CHANNEL = "hotline"
POLICE = "mia-ctht"
LINE_OF_PHONE = {"152": "line_152", "919": "line_919", "916": "line_916"}
BATCH_SIZE = 2000


# --- The lines ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    code: str
    organisation_code: str  # "" for the 152 Hot Line: the demo account ``hotline``'s organisation
    volumes: dict[int, int]  # contacts a year (later years repeat the last)
    exact: frozenset[int]  # years whose volume the seed gives exactly
    topics: Weighted
    languages: Weighted
    hours: Sequence[float]  # 24 weights, local time
    saturday: float
    sunday: float


PHONE_HOURS = (
    *(0.15, 0.1, 0.08, 0.06, 0.06, 0.1, 0.2, 0.45),  # 0-7
    *(0.9, 1.5, 1.8, 1.8, 1.6, 1.3, 1.6, 1.7),  # 8-15
    *(1.6, 1.4, 1.1, 0.9, 0.7, 0.5, 0.35, 0.2),  # 16-23
)
ONLINE_HOURS = (
    *(0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4),
    *(0.7, 1.0, 1.1, 1.1, 1.1, 1.0, 1.1, 1.1),
    *(1.1, 1.1, 1.2, 1.3, 1.4, 1.3, 1.0, 0.6),
)
DAY_SHIFT = range(8, 20)  # local hours the day operators answer; the night operator the rest

LINES = (
    Line(
        "line_152",
        "",
        {2019: 9_720, 2020: 9_250, 2021: 9_480, 2022: 9_823, 2023: 9_626, 2024: 9_540, 2025: 9_460},
        frozenset({2022, 2023}),
        (
            ("information", 40),
            ("working_abroad", 36),
            ("labour_rights", 9),
            ("other", 8),
            ("possible_trafficking", 4),
            ("missing_person", 3),
        ),
        (("az", 85), ("ru", 12), ("en", 1), ("other", 2)),
        PHONE_HOURS,
        0.6,
        0.45,
    ),
    Line(
        "line_919",
        "sms-919",
        {2019: 950, 2020: 620, 2021: 820, 2022: 1_100, 2023: 1_250, 2024: 1_350, 2025: 1_420},
        frozenset(),
        (
            ("information", 55),
            ("working_abroad", 15),
            ("labour_rights", 15),
            ("other", 10),
            ("possible_trafficking", 3),
            ("missing_person", 2),
        ),
        (("az", 50), ("ru", 25), ("en", 15), ("other", 10)),
        PHONE_HOURS,
        0.7,
        0.55,
    ),
    Line(
        "line_916",
        "ombudsman-916",
        {2019: 220, 2020: 260, 2021: 300, 2022: 320, 2023: 350, 2024: 380, 2025: 400},
        frozenset(),
        (
            ("information", 30),
            ("labour_rights", 30),
            ("other", 20),
            ("possible_trafficking", 10),
            ("missing_person", 5),
            ("working_abroad", 5),
        ),
        (("az", 90), ("ru", 9), ("other", 1)),
        PHONE_HOURS,
        0.6,
        0.45,
    ),
    Line(
        "web_form",
        "",
        {2019: 300, 2020: 450, 2021: 500, 2022: 550, 2023: 600, 2024: 650, 2025: 700},
        frozenset(),
        (
            ("working_abroad", 45),
            ("information", 35),
            ("labour_rights", 8),
            ("possible_trafficking", 6),
            ("other", 6),
        ),
        (("az", 80), ("ru", 15), ("en", 5)),
        ONLINE_HOURS,
        0.8,
        0.75,
    ),
    Line(
        "messenger",
        "sms-919",
        {2019: 150, 2020: 300, 2021: 450, 2022: 650, 2023: 850, 2024: 1_050, 2025: 1_250},
        frozenset(),
        (
            ("working_abroad", 40),
            ("information", 40),
            ("labour_rights", 8),
            ("other", 7),
            ("possible_trafficking", 5),
        ),
        (("az", 60), ("ru", 25), ("en", 10), ("other", 5)),
        ONLINE_HOURS,
        0.85,
        0.8,
    ),
)
JITTER_152 = 100  # the years the seed does not give vary by up to this many calls
JITTER_OTHERS = 0.06

# January-December; fewer calls around the new year, more in spring and summer when people look
# for seasonal work abroad.
MONTHS = (0.85, 0.95, 1.0, 1.05, 1.1, 1.1, 1.05, 1.0, 1.05, 1.0, 0.95, 0.9)
HOLIDAY = 0.55
AWARENESS_DAYS = {(7, 30): 2.5, (7, 31): 1.5, (8, 1): 1.3}  # World Day against Trafficking

CALLERS: dict[str, Weighted] = {
    "information": (
        ("anonymous", 45),
        ("third_party", 25),
        ("relative", 15),
        ("professional", 10),
        ("possible_victim", 5),
    ),
    "working_abroad": (
        ("possible_victim", 35),
        ("anonymous", 30),
        ("relative", 25),
        ("third_party", 10),
    ),
    "labour_rights": (
        ("possible_victim", 60),
        ("anonymous", 20),
        ("relative", 15),
        ("third_party", 5),
    ),
    "possible_trafficking": (
        ("relative", 35),
        ("third_party", 25),
        ("possible_victim", 20),
        ("anonymous", 15),
        ("professional", 5),
    ),
    "missing_person": (("relative", 80), ("third_party", 10), ("professional", 10)),
    "other": (
        ("anonymous", 50),
        ("third_party", 30),
        ("relative", 10),
        ("professional", 10),
    ),
}
CASE_CALLERS: Weighted = (
    ("relative", 35),
    ("possible_victim", 30),
    ("third_party", 20),
    ("professional", 10),
    ("anonymous", 5),
)
OUTCOMES: dict[str, Weighted] = {
    "information": (("information_given", 85), ("referred", 10), ("no_action", 5)),
    "working_abroad": (("information_given", 80), ("referred", 15), ("no_action", 5)),
    "labour_rights": (("referred", 55), ("information_given", 40), ("no_action", 5)),
    "possible_trafficking": (
        ("passed_to_police", 75),
        ("referred", 15),
        ("information_given", 10),
    ),
    "missing_person": (("passed_to_police", 70), ("referred", 20), ("information_given", 10)),
    "other": (("information_given", 50), ("no_action", 30), ("referred", 20)),
}
REFERRED_TO: dict[str, Weighted] = {
    "information": (
        ("ssa-assistance-center", 3),
        ("dost-centres", 2),
        ("ngo-clean-world", 2),
        ("ngo-contact", 1),
        ("sms", 1),
    ),
    "working_abroad": (
        ("sea", 4),
        ("sms", 2),
        ("mfa-consular-department", 2),
        ("asan-labour-monitoring", 1),
        ("ngo-clean-world", 1),
    ),
    "labour_rights": (("slis", 5), ("sea", 2), ("asan-labour-monitoring", 2), ("ngo-contact", 1)),
    "possible_trafficking": (
        ("ssa-assistance-center", 3),
        ("ngo-clean-world", 2),
        ("ngo-azerbaijan-children", 1),
    ),
    "missing_person": (("mia-local-police", 3), ("mfa-consular-department", 1)),
    "other": (("dost-centres", 2), ("ssa-assistance-center", 1), ("ombudsman", 1)),
}
CASE_LANGUAGES: Weighted = (("az", 85), ("ru", 12), ("en", 3))


@dataclass(frozen=True)
class Operator:
    """A demo operator of a line's organisation; made if no account of that name exists."""

    username: str
    first_name: str
    last_name: str
    night: bool = False


# By organisation code; "" is the 152 Hot Line, whose day operator is the demo account ``hotline``.
OPERATORS: dict[str, tuple[Operator, ...]] = {
    "": (
        Operator("demo-hotline-152-day", "Konul", "Rahimova"),
        Operator("demo-hotline-152-night", "Ramil", "Aliyev", night=True),
    ),
    "sms-919": (Operator("demo-sms-919", "Nurlan", "Abdullayev"),),
    "ombudsman-916": (Operator("demo-ombudsman-916", "Sabina", "Huseynova"),),
}


# --- What the generator makes ---------------------------------------------------------------------


@dataclass(frozen=True)
class HotlineDemoSummary:
    created: bool
    contacts: int = 0
    cases_linked: int = 0
    accounts_created: int = 0
    years: tuple[int, ...] = ()
    per_line: tuple[tuple[str, int], ...] = ()
    line_152_per_year: tuple[tuple[int, int], ...] = ()

    def describe(self) -> str:
        if not self.created:
            return f"Demo hotline: {self.contacts} contacts are already logged; nothing added."
        span = f"{self.years[0]}-{self.years[-1]}" if self.years else "no years"
        per_year = ", ".join(f"{year} {count:,}" for year, count in self.line_152_per_year)
        return (
            f"Demo hotline: {self.contacts:,} contacts {span}, on line 152 {per_year}; "
            f"{self.cases_linked} of them opened a presumed-victim case."
        )


class _Chooser:
    """Draws from a weighted list with one random number (``random.choices`` is slower)."""

    def __init__(self, weighted: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, _ in weighted]
        self.cumulative = list(accumulate(weight for _, weight in weighted))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


_CALLERS = {topic: _Chooser(weighted) for topic, weighted in CALLERS.items()}
_OUTCOMES = {topic: _Chooser(weighted) for topic, weighted in OUTCOMES.items()}


@dataclass
class _Desk:
    """A line as it is staffed in this installation."""

    line: Line
    organisation: Organisation
    day: list[User]
    night: list[User]


@dataclass(frozen=True)
class _Draft:
    moment: datetime.datetime
    line: str
    language: str
    caller_type: str
    topic: str
    outcome: str
    referred_to: Organisation | None
    operator: User
    organisation: Organisation
    case: Case | None = None


@dataclass
class _Context:
    now: datetime.datetime
    time_zone: datetime.tzinfo
    holidays: frozenset[datetime.date]
    hotline: User
    organisations: dict[str, Organisation]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def today(self) -> datetime.date:
        return self.now.astimezone(self.time_zone).date()

    def local_year(self, moment: datetime.datetime) -> int:
        return moment.astimezone(self.time_zone).year


# --- How many, and when ---------------------------------------------------------------------------


def _rng(seed: int, *parts: object) -> random.Random:
    """A generator of its own for one part of the demo; string seeds hash the same in every run."""
    return random.Random("-".join(str(part) for part in (seed, *parts)))  # noqa: S311 - invented data


def _year_volume(line: Line, year: int, seed: int) -> int:
    """The contacts ``line`` receives in the whole of ``year``."""
    base = line.volumes.get(year, line.volumes[max(line.volumes)])
    if year in line.exact:
        return base
    rng = _rng(seed, "volume", line.code, year)
    if line.code == "line_152":
        return base + rng.randint(-JITTER_152, JITTER_152)
    return round(base * (1 + rng.uniform(-JITTER_OTHERS, JITTER_OTHERS)))


def _day_weight(line: Line, day: datetime.date, holidays: frozenset[datetime.date]) -> float:
    weight = MONTHS[day.month - 1]
    weekday = day.isoweekday()
    if weekday == 6:
        weight *= line.saturday
    elif weekday == 7:
        weight *= line.sunday
    if day in holidays:
        weight *= HOLIDAY
    return weight * AWARENESS_DAYS.get((day.month, day.day), 1.0)


def _elapsed_share(line: Line, moment: datetime.datetime) -> float:
    """The share of a day's contacts that come in before ``moment`` (local time)."""
    hours = line.hours
    done = sum(hours[: moment.hour]) + hours[moment.hour] * moment.minute / 60
    return done / sum(hours)


def _calendar_of_year(
    ctx: _Context, line: Line, year: int
) -> tuple[list[datetime.date], list[float], float]:
    """The days of ``year`` up to now, their cumulative weights, and the share of the year they hold."""
    first = datetime.date(year, 1, 1)
    last = datetime.date(year, 12, 31)
    days: list[datetime.date] = []
    weights: list[float] = []
    whole = 0.0
    day = first
    while day <= last:
        weight = _day_weight(line, day, ctx.holidays)
        whole += weight
        if day < ctx.today:
            days.append(day)
            weights.append(weight)
        elif day == ctx.today:
            days.append(day)
            weights.append(weight * _elapsed_share(line, ctx.now.astimezone(ctx.time_zone)))
        day += datetime.timedelta(days=1)
    cumulative = list(accumulate(weights))
    return days, cumulative, (cumulative[-1] / whole if cumulative else 0.0)


def planned_volumes(
    *,
    seed: int = DEFAULT_SEED,
    years: Iterable[int],
    scale: float = 1.0,
    shares: dict[int, float] | None = None,
) -> dict[tuple[int, str], int]:
    """Contacts per (year, line) the generator aims at, those that open a case included.

    ``shares`` gives, for a year not yet over, the share of its contacts already in.
    """
    shares = shares or {}
    return {
        (year, line.code): round(_year_volume(line, year, seed) * scale * shares.get(year, 1.0))
        for year in sorted(set(years))
        for line in LINES
    }


# --- Who answers ----------------------------------------------------------------------------------


def _account(ctx: _Context, operator: Operator, organisation: Organisation) -> User | None:
    user = User.objects.filter(
        username=operator.username, is_active=True, organisation=organisation
    ).first()
    if user is not None:
        return user
    if User.objects.filter(username=operator.username).exists():
        return None  # the name is taken by someone elsewhere; leave that account alone
    ctx.counts["accounts_created"] += 1
    return create_account(
        username=operator.username,
        organisation_code=organisation.code,
        roles=[Role.HOTLINE_OPERATOR],
        password=DEMO_PASSWORD,
        first_name=operator.first_name,
        last_name=operator.last_name,
    )


def _desks(ctx: _Context) -> dict[str, _Desk]:
    """Each line's organisation and operators; a line whose organisation is missing is left out."""
    staff: dict[str, tuple[list[User], list[User]]] = {}
    desks: dict[str, _Desk] = {}
    for line in LINES:
        organisation = (
            ctx.organisations.get(line.organisation_code)
            if line.organisation_code
            else ctx.hotline.organisation
        )
        if organisation is None:
            continue
        if line.organisation_code not in staff:
            day = [ctx.hotline] if not line.organisation_code else []
            night: list[User] = []
            for operator in OPERATORS.get(line.organisation_code, ()):
                user = _account(ctx, operator, organisation)
                if user is not None:
                    (night if operator.night else day).append(user)
            if not day:
                day = list(
                    User.objects.filter(
                        is_active=True,
                        organisation=organisation,
                        roles__role=Role.HOTLINE_OPERATOR,
                    ).order_by("pk")[:3]
                )
            staff[line.organisation_code] = (day, night or day)
        day, night = staff[line.organisation_code]
        if day:
            desks[line.code] = _Desk(line, organisation, day, night)
    return desks


# --- The contacts ---------------------------------------------------------------------------------


def _case_contacts(ctx: _Context, seed: int, desks: dict[str, _Desk]) -> list[_Draft]:
    """One contact for each case that came in through the hotline, at its registration."""
    rng = _rng(seed, "cases")
    callers, languages = _Chooser(CASE_CALLERS), _Chooser(CASE_LANGUAGES)
    cases = (
        Case.objects.filter(
            contact_channel=HOTLINE_CHANNEL,
            registered_at__lte=ctx.now,
            hotline_contacts__isnull=True,
        )
        .select_related("registered_by__organisation")
        .order_by("registered_at", "pk")
    )
    drafts: list[_Draft] = []
    for case in cases:
        registrar = case.registered_by
        at_a_hotline = (
            registrar.is_active
            and registrar.organisation is not None
            and registrar.organisation.kind == OrganisationKind.HOTLINE
        )
        operator = registrar if at_a_hotline else ctx.hotline
        organisation = operator.organisation
        if organisation is None:
            continue
        line = LINE_OF_PHONE.get(organisation.phone, "line_152")
        if line not in desks and line != "line_152":
            line = "line_152"
        drafts.append(
            _Draft(
                moment=case.registered_at,
                line=line,
                language=languages(rng),
                caller_type=callers(rng),
                topic="possible_trafficking",
                outcome=CASE_OPENED,
                referred_to=None,
                operator=operator,
                organisation=organisation,
                case=case,
            )
        )
    return drafts


def _line_year(
    ctx: _Context,
    rng: random.Random,
    desk: _Desk,
    year: int,
    count: int,
    days: list[datetime.date],
    cumulative: list[float],
) -> list[_Draft]:
    line = desk.line
    topics = line.topics
    if year == 2020:  # the borders were closed: fewer questions about working abroad
        topics = tuple(
            (topic, weight // 2 if topic == "working_abroad" else weight)
            for topic, weight in topics
        )
    topic_of, language_of = _Chooser(topics), _Chooser(line.languages)
    hour_of = _Chooser([(str(hour), weight) for hour, weight in enumerate(line.hours)])
    referrals = {
        topic: _Chooser(available)
        for topic, weighted in REFERRED_TO.items()
        if (available := [(code, w) for code, w in weighted if code in ctx.organisations])
    }
    police = ctx.organisations.get(POLICE)
    total = cumulative[-1] if cumulative else 0.0
    drafts: list[_Draft] = []
    for _ in range(count if total else 0):
        day = days[bisect.bisect_right(cumulative, rng.random() * total)]
        for _attempt in range(20):
            moment = datetime.datetime(
                day.year,
                day.month,
                day.day,
                int(hour_of(rng)),
                rng.randrange(60),
                rng.randrange(60),
                tzinfo=ctx.time_zone,
            )
            if moment < ctx.now:
                break
        else:
            moment = ctx.now - datetime.timedelta(seconds=rng.randint(60, 1800))
        topic = topic_of(rng)
        outcome = _OUTCOMES[topic](rng)
        referred_to = None
        if outcome == "referred" and topic in referrals:
            referred_to = ctx.organisations[referrals[topic](rng)]
        elif outcome == "passed_to_police":
            referred_to = police
        local_hour = moment.astimezone(ctx.time_zone).hour
        shift = desk.day if local_hour in DAY_SHIFT else desk.night
        drafts.append(
            _Draft(
                moment=moment,
                line=line.code,
                language=language_of(rng),
                caller_type=_CALLERS[topic](rng),
                topic=topic,
                outcome=outcome,
                referred_to=referred_to,
                operator=rng.choice(shift),
                organisation=desk.organisation,
            )
        )
    return drafts


def _allocate_references(ctx: _Context, drafts: list[_Draft]) -> list[str]:
    """References in the order of the contacts, each year's sequence moved past the last one."""
    prefix = Jurisdiction.objects.values_list("reference_prefix", flat=True).first() or "XX"
    per_year = Counter(ctx.local_year(draft.moment) for draft in drafts)
    next_number: dict[int, int] = {}
    for year, count in sorted(per_year.items()):
        sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(
            prefix=f"{prefix}HL", year=year
        )
        next_number[year] = sequence.last_number + 1
        ReferenceSequence.objects.filter(pk=sequence.pk).update(
            last_number=F("last_number") + count
        )
    references = []
    for draft in drafts:
        year = ctx.local_year(draft.moment)
        references.append(f"{prefix}-HL-{year}-{next_number[year]:06d}")
        next_number[year] += 1
    return references


# --- The generator --------------------------------------------------------------------------------


def demo_years(today: datetime.date | None = None) -> tuple[int, ...]:
    """2019 to the current year."""
    last = (today or timezone.localdate()).year
    return tuple(range(FIRST_YEAR, last + 1))


def generate_demo_hotline(
    *, seed: int = DEFAULT_SEED, years: Iterable[int] | None = None, scale: float = 1.0
) -> HotlineDemoSummary:
    """Log the demo's hotline contacts; do nothing if any contact exists.

    ``years`` defaults to 2019 up to the current year; ``scale`` multiplies every volume (tests
    use a small one). The cases that came in through the hotline get their contact whatever the
    years.
    """
    if Contact.objects.exists():
        return HotlineDemoSummary(created=False, contacts=Contact.objects.count())
    hotline = User.objects.filter(username="hotline", is_active=True).first()
    if hotline is None or hotline.organisation is None:
        raise LookupError("the demo accounts are missing; `lantern demo` creates them first.")
    now = timezone.now()
    time_zone = timezone.get_current_timezone()
    chosen = sorted(
        year
        for year in set(demo_years(now.astimezone(time_zone).date()) if years is None else years)
        if FIRST_YEAR <= year <= now.astimezone(time_zone).year
    )
    codes = {line.organisation_code for line in LINES} | {
        code for weighted in REFERRED_TO.values() for code, _ in weighted
    }
    with transaction.atomic():
        ctx = _Context(
            now=now,
            time_zone=time_zone,
            holidays=current_calendar().holidays,
            hotline=hotline,
            organisations={
                organisation.code: organisation
                for organisation in Organisation.objects.filter(
                    code__in=codes | {POLICE}, is_active=True
                )
            },
        )
        desks = _desks(ctx)
        drafts = _case_contacts(ctx, seed, desks)
        opened = Counter((ctx.local_year(draft.moment), draft.line) for draft in drafts)
        for line_code, desk in desks.items():
            for year in chosen:
                days, cumulative, share = _calendar_of_year(ctx, desk.line, year)
                planned = planned_volumes(
                    seed=seed, years=[year], scale=scale, shares={year: share}
                )[(year, line_code)]
                drafts += _line_year(
                    ctx,
                    _rng(seed, "contacts", line_code, year),
                    desk,
                    year,
                    max(0, planned - opened[(year, line_code)]),
                    days,
                    cumulative,
                )
        drafts = [draft for draft in drafts if draft.moment <= now]
        drafts.sort(key=lambda draft: draft.moment)  # stable: ties keep the order they were made
        references = _allocate_references(ctx, drafts)
        Contact.objects.bulk_create(
            (
                Contact(
                    reference=reference,
                    line=draft.line,
                    contacted_at=draft.moment,
                    language=draft.language,
                    caller_type=draft.caller_type,
                    topic=draft.topic,
                    outcome=draft.outcome,
                    referred_to_id=None if draft.referred_to is None else draft.referred_to.pk,
                    case_id=None if draft.case is None else draft.case.pk,
                    operator_id=draft.operator.pk,
                    organisation_id=draft.organisation.pk,
                )
                for reference, draft in zip(references, drafts, strict=True)
            ),
            batch_size=BATCH_SIZE,
        )
    per_line = Counter(draft.line for draft in drafts)
    line_152 = Counter(ctx.local_year(draft.moment) for draft in drafts if draft.line == "line_152")
    return HotlineDemoSummary(
        created=True,
        contacts=len(drafts),
        cases_linked=sum(1 for draft in drafts if draft.case is not None),
        accounts_created=ctx.counts["accounts_created"],
        years=tuple(chosen),
        per_line=tuple(sorted(per_line.items())),
        line_152_per_year=tuple(sorted(line_152.items())),
    )
