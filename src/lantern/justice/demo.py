"""Criminal proceedings on the demo history, in the proportions of GRETA Tables 9 and 10.

``generate_demo_justice`` adds, for each year 2019-2025:

- the criminal cases of Table 9 (seed 001:1307-1320), trafficking and forced labour, initiated
  by the specialised police, each with its share of the year's victims (demo register cases
  identified that year with the same form of exploitation, as many as the history holds) and
  of the year's accused;
- the judgments of Table 10 (seed 001:1322-1338): as many judgments and convicted persons per
  year as the table gives, each person with the table's form of exploitation, child victim,
  sentence type, duration band, citizenship, sex and age band. A judgment goes to the oldest
  case sent to court and not yet judged; 2019's judgments need cases from 2018, which are
  added. Where a judgment convicts more persons than its case had accused, the others are
  added to the case, as courts do when cases are joined;
- the detected facts of the 2023 report (seed 000:132, 000:140), scaled for other years, some
  committed online through the platforms the report names;
- local and Interpol wanted lists (seed 000:136-138): each year's suspects with the offence,
  some detained and handed to the prosecution, the international ones with the country where
  they are believed to hide and an extradition request for some.

Everything goes through the justice services from ``random.Random(seed)``; the stamps the
services set with the real clock are then set back to the day the record describes.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from lantern.core.models import Organisation, User
from lantern.justice.models import (
    AccusedPerson,
    CriminalCase,
    CriminalCaseStatusChange,
    DetectedFact,
    Judgment,
    WantedNotice,
)
from lantern.justice.services import (
    AccusedInput,
    ConvictionInput,
    CriminalCaseInput,
    FactInput,
    JudgmentInput,
    WantedInput,
    change_status,
    link_accused,
    link_victim,
    make_judgment_final,
    open_criminal_case,
    put_on_wanted_list,
    record_accused,
    record_detention,
    record_extradition_request,
    record_fact,
    record_judgment,
)
from lantern.register.demo import AZ_FAMILY, AZ_FEMALE, AZ_MALE, DEFAULT_SEED
from lantern.register.identity import Identity
from lantern.register.models import Case, CaseStatus

K = TypeVar("K")
YEARS = tuple(range(2019, 2026))
INVESTIGATOR = "investigator"
COURTS = (
    "baku-serious-crimes-court",
    "ganja-serious-crimes-court",
    "lankaran-serious-crimes-court",
)
TRAFFICKING = "sexual_exploitation"
FORCED_LABOUR = "forced_labour"

# Table 9: (cases, victims, accused) for trafficking and for forced labour.
TABLE_9: dict[int, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    2019: ((23, 85, 23), (2, 6, 4)),
    2020: ((16, 85, 17), (2, 9, 1)),
    2021: ((13, 94, 13), (1, 1, 1)),
    2022: ((13, 92, 12), (1, 2, 2)),
    2023: ((13, 89, 11), (1, 1, 2)),
    2024: ((14, 90, 13), (1, 1, 3)),
    2025: ((9, 46, 10), (1, 0, 0)),
}


@dataclass(frozen=True)
class JudgmentYear:
    """One row of Table 10, as counts to be dealt out to persons."""

    judgments: int
    forms: dict[str, int]
    child_victims: int
    custodial: int
    short_sentences: int  # 1 to 7 years; the rest are 7 to 12
    foreign: int
    ages: dict[tuple[int, int], int]
    male: int

    @property
    def persons(self) -> int:
        return sum(self.forms.values())


TABLE_10 = {
    2019: JudgmentYear(
        36,
        {TRAFFICKING: 37, FORCED_LABOUR: 4, "organ_removal": 1},
        2,
        14,
        12,
        2,
        {(25, 34): 9, (35, 54): 33},
        7,
    ),
    2020: JudgmentYear(
        14, {TRAFFICKING: 12, FORCED_LABOUR: 3}, 2, 12, 6, 0, {(25, 34): 2, (35, 54): 13}, 3
    ),
    2021: JudgmentYear(13, {TRAFFICKING: 12, FORCED_LABOUR: 1}, 2, 12, 1, 0, {(35, 54): 13}, 1),
    2022: JudgmentYear(
        9, {TRAFFICKING: 11, FORCED_LABOUR: 1}, 0, 10, 2, 0, {(25, 34): 1, (35, 54): 11}, 3
    ),
    2023: JudgmentYear(
        9, {TRAFFICKING: 10}, 0, 10, 0, 1, {(18, 24): 1, (25, 34): 3, (35, 54): 6}, 1
    ),
    2024: JudgmentYear(
        9, {TRAFFICKING: 9, FORCED_LABOUR: 2}, 0, 6, 3, 0, {(25, 34): 2, (35, 54): 9}, 1
    ),
    2025: JudgmentYear(
        12,
        {TRAFFICKING: 12, FORCED_LABOUR: 2},
        2,
        11,
        2,
        0,
        {(18, 24): 1, (25, 34): 7, (35, 54): 6},
        4,
    ),
}

# Detected facts in 2023 (000:132, 000:140); other years scale around them.
FACTS_2023 = {
    "human_trafficking": 159,
    "forced_labour": 3,
    "document_forgery": 44,
    "prostitution_involvement": 20,
}
ONLINE_FACTS_2023 = 58
PLATFORMS = ("whatsapp", "tiktok", "instagram", "telegram")
FOREIGN_CITIZENSHIPS = ("RU", "UZ", "TJ", "GE", "TR")
HIDING_COUNTRIES = ("TR", "RU", "AE", "IR", "GE", "KZ")


@dataclass
class JusticeDemoSummary:
    created: bool
    criminal_cases: int = 0
    victims_linked: int = 0
    accused: int = 0
    judgments: int = 0
    convicted: int = 0
    facts: int = 0
    wanted: int = 0

    def describe(self) -> str:
        if not self.created:
            return (
                f"Demo proceedings: {self.criminal_cases} criminal cases are already recorded; "
                "nothing added."
            )
        return (
            f"Demo proceedings: {self.criminal_cases} criminal cases with {self.victims_linked} "
            f"victims and {self.accused} accused, {self.judgments} judgments convicting "
            f"{self.convicted} persons, {self.facts} detected facts and {self.wanted} wanted-list "
            "entries."
        )


@dataclass
class _Person:
    """A convicted person as Table 10 describes them, before they are recorded."""

    form: str
    child_victim: bool
    custodial: bool
    short: bool
    foreign: bool
    ages: tuple[int, int]
    male: bool


@dataclass
class _Story:
    rng: random.Random
    actor: User
    today: datetime.date
    courts: list[Organisation]
    counts: Counter[str] = field(default_factory=Counter)
    case_number: int = 0

    def day_in(self, year: int, low: int = 1, high: int = 365) -> datetime.date:
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(low, high) - 1)
        return min(day, self.today)

    def next_number(self, year: int) -> str:
        self.case_number += 1
        return f"{year % 100:02d}{self.case_number:05d}"


def _deal(rng: random.Random, counts: Mapping[K, int], total: int) -> list[K]:
    """``counts`` as a shuffled list of ``total`` items (padded with the commonest value)."""
    items: list[K] = [value for value, count in counts.items() for _ in range(count)]
    commonest = max(counts, key=lambda value: counts[value])
    items += [commonest] * (total - len(items))
    rng.shuffle(items)
    return items[:total]


def _table_10_persons(rng: random.Random, row: JudgmentYear) -> list[_Person]:
    total = row.persons
    forms = _deal(rng, dict(row.forms), total)
    children = _deal(rng, {True: row.child_victims, False: total - row.child_victims}, total)
    custodial = _deal(rng, {True: row.custodial, False: total - row.custodial}, total)
    short = _deal(rng, {True: row.short_sentences, False: total - row.short_sentences}, total)
    foreign = _deal(rng, {True: row.foreign, False: total - row.foreign}, total)
    ages = _deal(rng, dict(row.ages), total)
    male = _deal(rng, {True: row.male, False: total - row.male}, total)
    return [
        _Person(
            str(forms[i]),
            bool(children[i]),
            bool(custodial[i]),
            bool(short[i]),
            bool(foreign[i]),
            ages[i],
            bool(male[i]),
        )
        for i in range(total)
    ]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` shares, each part at least zero, in random proportions."""
    if parts == 0:
        return []
    shares = [0] * parts
    for _ in range(total):
        shares[rng.randrange(parts)] += 1
    return shares


def _record_person(
    story: _Story, *, male: bool, foreign: bool, age_band: tuple[int, int], year: int
) -> AccusedPerson:
    rng = story.rng
    age = rng.randint(*age_band)
    birth_year = year - age
    birth = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    family = rng.choice(AZ_FAMILY)[0]
    if not male and family.endswith("v"):
        family += "a"
    accused = record_accused(
        actor=story.actor,
        data=AccusedInput(
            identity=Identity(
                family_name=family,
                given_name=rng.choice(AZ_MALE if male else AZ_FEMALE)[0],
                birth_date=birth,
            ),
            citizenship=rng.choice(FOREIGN_CITIZENSHIPS) if foreign else "AZ",
            sex="male" if male else "female",
        ),
    )
    story.counts["accused"] += 1
    return accused


def _victim_pool(year: int, form: str) -> deque[Case]:
    return deque(
        Case.objects.filter(
            status=CaseStatus.IDENTIFIED,
            identified_on__year=year,
            exploitation_forms__code=form,
            criminal_case_links__isnull=True,
        )
        .order_by("identified_on", "pk")
        .distinct()
    )


def _open_case(story: _Story, year: int, form: str, *, initiated: datetime.date) -> CriminalCase:
    articles = ["144-1.2.1"] if form == TRAFFICKING else ["145", "144-1.1"]
    if form == TRAFFICKING and story.rng.random() < 0.25:
        articles.append("144-1.2.3")
    criminal_case = open_criminal_case(
        actor=story.actor,
        data=CriminalCaseInput(
            number=story.next_number(year), initiated_on=initiated, articles=articles, forms=[form]
        ),
    )
    story.counts["criminal_cases"] += 1
    return criminal_case


@dataclass
class _CaseSpec:
    """A criminal case to be made: Table 9's share of victims and accused, Table 10's judgment."""

    year: int
    form: str
    victims: int
    accused: int
    judgment_year: int | None = None
    convicted: list[_Person] = field(default_factory=list)


def _plan(rng: random.Random) -> list[_CaseSpec]:
    """Table 9's cases, each year's Table 10 judgments dealt to the oldest cases not yet judged."""
    by_year: dict[int, list[_CaseSpec]] = {}
    for year in YEARS:
        specs = []
        for form, (cases, victims, accused) in zip(
            (TRAFFICKING, FORCED_LABOUR), TABLE_9[year], strict=True
        ):
            victim_shares, accused_shares = _split(rng, victims, cases), _split(rng, accused, cases)
            specs += [
                _CaseSpec(year, form, victim_shares[index], accused_shares[index])
                for index in range(cases)
            ]
        by_year[year] = specs
    earlier: list[_CaseSpec] = []
    waiting: deque[_CaseSpec] = deque()
    for year in YEARS:
        row = TABLE_10[year]
        persons = _table_10_persons(rng, row)
        shares = [1] * row.judgments
        for _ in range(row.persons - row.judgments):
            shares[rng.randrange(row.judgments)] += 1
        for share in shares:
            if not waiting:
                earlier.append(_CaseSpec(year - 1, TRAFFICKING, 0, 0))
                waiting.append(earlier[-1])
            spec = waiting.popleft()
            spec.judgment_year = year
            spec.convicted, persons = persons[:share], persons[share:]
        waiting.extend(by_year[year])
    return earlier + [spec for year in YEARS for spec in by_year[year]]


def _build(
    story: _Story, spec: _CaseSpec, pools: dict[tuple[int, str], deque[Case]]
) -> CriminalCase:
    criminal_case = _open_case(
        story, spec.year, spec.form, initiated=story.day_in(spec.year, 1, 330)
    )
    pool = pools.setdefault((spec.year, spec.form), _victim_pool(spec.year, spec.form))
    for _ in range(spec.victims):
        if not pool:
            break
        link_victim(actor=story.actor, criminal_case=criminal_case, case=pool.popleft())
        story.counts["victims_linked"] += 1
    age_year = spec.judgment_year or spec.year
    accused = [
        _record_person(
            story, male=person.male, foreign=person.foreign, age_band=person.ages, year=age_year
        )
        for person in spec.convicted
    ]
    accused += [
        _record_person(
            story,
            male=story.rng.random() < 0.2,
            foreign=story.rng.random() < 0.05,
            age_band=story.rng.choice(((25, 34), (35, 54), (35, 54))),
            year=spec.year,
        )
        for _ in range(max(0, spec.accused - len(spec.convicted)))
    ]
    for person in accused:
        link_accused(actor=story.actor, criminal_case=criminal_case, accused=person)
    if spec.judgment_year is not None:
        _judge(
            story,
            criminal_case,
            list(zip(spec.convicted, accused, strict=False)),
            spec.judgment_year,
        )
    return criminal_case


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randrange(60)))
    )


def _send_to_court(story: _Story, criminal_case: CriminalCase, before: datetime.date) -> None:
    criminal_case.refresh_from_db()
    low = criminal_case.initiated_on + datetime.timedelta(days=30)
    high = max(low, before - datetime.timedelta(days=20))
    on = min(
        low + datetime.timedelta(days=story.rng.randint(0, max(0, (high - low).days))), story.today
    )
    change_status(
        actor=story.actor,
        criminal_case=criminal_case,
        expected_version=criminal_case.version,
        to_status="sent_to_court",
        on=on,
    )


def _judge(
    story: _Story,
    criminal_case: CriminalCase,
    convicted: list[tuple[_Person, AccusedPerson]],
    year: int,
) -> None:
    """Send the case to court and record its judgment in ``year`` with Table 10's sentences."""
    rng = story.rng
    _send_to_court(story, criminal_case, story.day_in(year, 60, 300))
    criminal_case.refresh_from_db()
    earliest = max(
        (criminal_case.sent_to_court_on or criminal_case.initiated_on)
        + datetime.timedelta(days=30),
        datetime.date(year, 1, 2),
    )
    delivered = min(
        earliest + datetime.timedelta(days=rng.randint(0, 200)),
        datetime.date(year, 12, 20),
        story.today,
    )
    delivered = max(delivered, criminal_case.sent_to_court_on or delivered)
    convictions = [
        ConvictionInput(
            accused=person_record,
            articles=sorted(criminal_case.articles.values_list("code", flat=True)),
            form_of_exploitation=person.form,
            sentence_type="custodial" if person.custodial else "suspended",
            duration_months=rng.randint(12, 83) if person.short else rng.randint(84, 144),
            child_victim=person.child_victim,
        )
        for person, person_record in convicted
    ]
    court = rng.choice(story.courts)
    judgment = record_judgment(
        actor=story.actor,
        criminal_case=criminal_case,
        data=JudgmentInput(
            court=court,
            number=f"1({100 + COURTS.index(court.code)})-{story.counts['judgments'] + 1}/{year}",
            delivered_on=delivered,
            aggravating_circumstances=["minor"]
            if any(person.child_victim for person, _record in convicted)
            else [],
            convictions=convictions,
        ),
    )
    story.counts["judgments"] += 1
    story.counts["convicted"] += len(convictions)
    final_on = delivered + datetime.timedelta(days=rng.randint(20, 60))
    if final_on <= story.today:
        make_judgment_final(actor=story.actor, judgment=judgment, on=final_on)


def _facts(story: _Story, year: int, opened: list[CriminalCase]) -> None:
    rng = story.rng
    scale = {2019: 0.8, 2020: 0.7, 2021: 0.85, 2022: 0.95, 2023: 1.0, 2024: 1.05, 2025: 1.1}[year]
    online_left = round(ONLINE_FACTS_2023 * (scale if year >= 2023 else 0.1))
    trafficking_cases = [
        case for case in opened if case.exploitation_forms.filter(code=TRAFFICKING).exists()
    ]
    for fact_type, count_2023 in FACTS_2023.items():
        count = count_2023 if year == 2023 else round(count_2023 * scale)
        for _ in range(count):
            online = (
                fact_type in ("human_trafficking", "prostitution_involvement")
                and online_left > 0
                and rng.random() < 0.4
            )
            online_left -= online
            criminal_case = None
            if fact_type == "human_trafficking" and trafficking_cases and rng.random() < 0.1:
                criminal_case = rng.choice(trafficking_cases)
            record_fact(
                actor=story.actor,
                data=FactInput(
                    fact_type=fact_type,
                    detected_on=story.day_in(year),
                    through_ict=online,
                    platforms=rng.sample(PLATFORMS, rng.randint(1, 2)) if online else [],
                    criminal_case=criminal_case,
                ),
            )
            story.counts["facts"] += 1


def _wanted(story: _Story, year: int) -> None:
    rng = story.rng
    local = (("human_trafficking", 17), ("solicitation_of_prostitution", 3), ("brothel_running", 1))
    detained = 9
    for offence, count in local:
        for _ in range(count):
            person = _record_person(
                story, male=rng.random() < 0.3, foreign=False, age_band=(25, 54), year=year
            )
            listed = story.day_in(year, 1, 200)
            notice = put_on_wanted_list(
                actor=story.actor,
                accused=person,
                data=WantedInput(scope="local", offence=offence, listed_on=listed),
            )
            story.counts["wanted"] += 1
            if detained and rng.random() < 0.5:
                detained -= 1
                caught = min(listed + datetime.timedelta(days=rng.randint(10, 150)), story.today)
                record_detention(
                    actor=story.actor, notice=notice, detained_on=caught, handed_to_prosecution=True
                )
    for index in range(12 if year == 2023 else rng.randint(9, 13)):
        person = _record_person(
            story, male=rng.random() < 0.4, foreign=rng.random() < 0.2, age_band=(25, 54), year=year
        )
        listed = story.day_in(year, 1, 300)
        country = rng.choice(HIDING_COUNTRIES)
        notice = put_on_wanted_list(
            actor=story.actor,
            accused=person,
            data=WantedInput(
                scope="international",
                offence="human_trafficking",
                listed_on=listed,
                believed_country=country,
                interpol_notice=f"A-{rng.randint(1000, 9999)}/{listed.month}-{year}",
            ),
        )
        story.counts["wanted"] += 1
        if index % 3 == 0:
            sent = min(listed + datetime.timedelta(days=rng.randint(20, 90)), story.today)
            record_extradition_request(
                actor=story.actor, notice=notice, requested_country=country, sent_on=sent
            )


def _stamp_records() -> None:
    """Services stamp the real clock; the demo's records belong to the days they describe."""
    for criminal_case in CriminalCase.objects.all():
        moment = _moment(random.Random(criminal_case.pk), criminal_case.initiated_on)  # noqa: S311
        CriminalCase.objects.filter(pk=criminal_case.pk).update(recorded_at=moment)
        moment += datetime.timedelta(days=1)
        criminal_case.victims.update(linked_at=moment)
        criminal_case.accused.filter(linked_at__gt=moment).update(linked_at=moment)
    for change in CriminalCaseStatusChange.objects.all():
        moment = _moment(random.Random(change.pk), change.changed_on)  # noqa: S311
        CriminalCaseStatusChange.objects.filter(pk=change.pk).update(recorded_at=moment)
    for judgment in Judgment.objects.all():
        moment = _moment(random.Random(judgment.pk), judgment.delivered_on)  # noqa: S311
        Judgment.objects.filter(pk=judgment.pk).update(recorded_at=moment)
    for fact in DetectedFact.objects.all():
        moment = _moment(random.Random(fact.pk), fact.detected_on)  # noqa: S311
        DetectedFact.objects.filter(pk=fact.pk).update(recorded_at=moment)
    for notice in WantedNotice.objects.all():
        moment = _moment(random.Random(notice.pk), notice.listed_on)  # noqa: S311
        WantedNotice.objects.filter(pk=notice.pk).update(recorded_at=moment)


def generate_demo_justice(*, seed: int = DEFAULT_SEED) -> JusticeDemoSummary:
    """Add criminal proceedings to the demo history; do nothing if any criminal case exists."""
    if CriminalCase.objects.exists():
        return JusticeDemoSummary(created=False, criminal_cases=CriminalCase.objects.count())
    actor = User.objects.filter(username=INVESTIGATOR, is_active=True).first()
    if actor is None or actor.organisation is None:
        raise LookupError("the demo accounts are missing; `lantern demo` creates them first.")
    courts = list(Organisation.objects.filter(code__in=COURTS).order_by("code"))
    if not courts:
        raise LookupError("the jurisdiction pack names no court for the demo judgments.")
    story = _Story(
        rng=random.Random(seed),  # noqa: S311 - invented data, reproducible on purpose
        actor=actor,
        today=timezone.localdate(),
        courts=courts,
    )
    with transaction.atomic():
        opened: dict[int, list[CriminalCase]] = {year: [] for year in YEARS}
        pools: dict[tuple[int, str], deque[Case]] = {}
        for spec in _plan(story.rng):
            criminal_case = _build(story, spec, pools)
            opened.setdefault(spec.year, []).append(criminal_case)
        for year in YEARS:
            _facts(story, year, opened[year])
            _wanted(story, year)
        _stamp_records()
    counts = story.counts
    return JusticeDemoSummary(
        created=True,
        criminal_cases=counts["criminal_cases"],
        victims_linked=counts["victims_linked"],
        accused=counts["accused"],
        judgments=counts["judgments"],
        convicted=counts["convicted"],
        facts=counts["facts"],
        wanted=counts["wanted"],
    )
