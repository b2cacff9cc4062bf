"""GRETA Part III and the annual report from a register of 1,000,000 identified victims:
GRETA's build, JSON and XLSX; the annual report's figures and its Word document with charts.

Run by bench/run.py once per database (LANTERN_DATABASE_URL). Prints one JSON object.

Victims (LANTERN_BENCH_STATISTICS_CASES, default 1,000,000, identified 2019-2025) and what
GRETA's tables read about them are bulk-inserted, not created through the services, which
would take hours: a one-time allowance for ~90%, a Fund payment for ~30%, legal aid ~20%,
a reflection period ~10%, a repatriation ~2%, compensation claims ~1%, residence permits
for foreigners, legal representatives for children, and criminal cases (one per seven
victims) with forms, linked victims, accused persons, judgments and convictions (~60%).

Rows are written as tuples in batches (executemany on SQLite, COPY on PostgreSQL) with
explicit keys: Django's bulk_create spends ~100 us a row building model instances and SQL,
about 12 minutes for the 6.7 million rows here (2 minutes this way); see `Loader`. On SQLite the
throw-away benchmark file has no journal and no fsync while loading.
"""

from __future__ import annotations

import datetime
import gc
import io
import json
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("LANTERN_BENCH_STATISTICS_CASES", "1000000"))
BATCH = int(os.environ.get("LANTERN_BENCH_STATISTICS_BATCH", "50000"))
REPEAT = 3
# "auto": measure Python's allocations in one more build when a build takes at most a minute.
TRACEMALLOC = os.environ.get("LANTERN_BENCH_STATISTICS_TRACEMALLOC", "auto")
FIRST_YEAR, LAST_YEAR = 2019, 2025
ANNUAL_YEAR = 2023
START = datetime.date(FIRST_YEAR, 1, 1)
DAYS = (datetime.date(LAST_YEAR, 12, 31) - START).days + 1
MIDDAY = datetime.time(12, tzinfo=datetime.UTC)

FORMS = [
    ("sexual_exploitation", 55),
    ("forced_labour", 33),
    ("begging", 4),
    ("forced_marriage", 3),
    ("forced_criminal_activity", 3),
    ("organ_removal", 1),
    ("other", 1),
]
CITIZENSHIPS = [
    ("AZ", 78),
    ("UZ", 5),
    ("TJ", 4),
    ("KG", 3),
    ("RU", 3),
    ("GE", 2),
    ("IR", 2),
    ("TR", 1),
    ("NP", 1),
    ("", 1),
]
CHANNELS = [
    ("police_operation", 40),
    ("hotline", 15),
    ("walk_in", 8),
    ("border", 8),
    ("readmission", 7),
    ("ngo_outreach", 7),
    ("migration_asylum", 4),
    ("consulate", 4),
    ("labour_inspection", 3),
    ("online_monitoring", 2),
    ("health_care", 1),
    ("other", 1),
]
SENTENCES = [("custodial", 70), ("suspended", 15), ("fine", 10), ("other", 5)]


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> Callable[[], str]:
    """A fast draw from ``pairs`` of (value, weight)."""
    table = [value for value, weight in pairs for _slot in range(weight)]
    return lambda: table[int(rng.random() * len(table))]


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


def moment(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, MIDDAY)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


class Loader:
    """Rows of several models as tuples, written in batches, parents before children.

    ``table(model, fields)`` declares the fields a row gives, in order; every other column
    gets its field's default. Dates, datetimes and decimals are adapted for the database by
    the field itself, once per distinct value.
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.tables: dict[Any, tuple[str, list[Callable[[Any], Any] | None], tuple[Any, ...]]] = {}
        self.rows: dict[Any, list[tuple[Any, ...]]] = {}
        self.total = 0

    def table(self, model: Any, fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
        connection, quote = self.connection, self.connection.ops.quote_name
        given = [model._meta.get_field(name) for name in fields]
        rest = [
            field
            for field in model._meta.concrete_fields
            if field.name not in fields and field.attname not in fields and not field.primary_key
        ]
        constants = tuple(field.get_db_prep_save(field.get_default(), connection) for field in rest)
        columns = ", ".join(quote(field.column) for field in [*given, *rest])
        if connection.vendor == "postgresql":
            statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * (len(given) + len(rest)))
            statement = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        converters = [
            self._memoised(field)
            if field.get_internal_type() in ("DateField", "DateTimeField", "DecimalField")
            else None
            for field in given
        ]
        self.tables[model] = (statement, converters, constants)
        self.rows[model] = []
        return self.rows[model]

    def _memoised(self, field: Any) -> Callable[[Any], Any]:
        seen: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value not in seen:
                seen[value] = field.get_db_prep_save(value, self.connection)
            return seen[value]

        return convert

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic(), self.connection.cursor() as cursor:
            for model, (statement, converters, constants) in self.tables.items():
                rows = self.rows[model]
                if not rows:
                    continue
                prepared = [
                    tuple(
                        value if convert is None else convert(value)
                        for value, convert in zip(row, converters, strict=True)
                    )
                    + constants
                    for row in rows
                ]
                if self.connection.vendor == "postgresql":
                    with cursor.cursor.copy(statement) as copy:
                        for row in prepared:
                            copy.write_row(row)
                else:
                    cursor.executemany(statement, prepared)
                self.total += len(rows)
                rows.clear()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from lantern.assistance.models import (
        CompensationClaim,
        CompensationReceipt,
        LegalAid,
        Payment,
        Repatriation,
        ResidencePermit,
    )
    from lantern.core.models import BenefitType, Organisation, Role
    from lantern.core.packs.load import load_pack
    from lantern.core.packs.paths import BUILT_IN_PACKS
    from lantern.justice.models import (
        AccusedPerson,
        Conviction,
        CriminalCase,
        CriminalCaseAccused,
        CriminalCaseForm,
        CriminalCaseVictim,
        Judgment,
    )
    from lantern.nrm.models import LegalRepresentative, ReflectionPeriod
    from lantern.register.models import Case, CaseExploitationForm, Person
    from lantern.statistics.annual import build_annual
    from lantern.statistics.greta import build_greta
    from lantern.statistics.reports import write_report
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    load_pack(BUILT_IN_PACKS / "az", loaded_by="bench")
    police_organisation = Organisation.objects.get(code="mia-ctht")
    police = police_organisation.pk
    fund = Organisation.objects.get(code="mia-victims-aid-fund").pk
    welfare = Organisation.objects.get(code="ssa-assistance-center").pk
    identifiers = list(
        Organisation.objects.filter(kind__in=["ngo", "shelter", "state_body", "hotline"])
        .exclude(pk=police)
        .values_list("pk", flat=True)
    )
    courts = list(Organisation.objects.filter(kind="court").values_list("pk", flat=True))
    allowance = BenefitType.objects.get(code="one_time_allowance").pk
    fund_payment = BenefitType.objects.get(code="assistance_fund_payment").pk
    user = UserFactory(
        username="bench-statistician",
        organisation=police_organisation,
        roles=[Role.STATISTICIAN],
    ).pk

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")

    rng = random.Random(2026)  # noqa: S311 - benchmark data, not security
    chance = rng.random
    form = weighted(rng, FORMS)
    citizenship = weighted(rng, CITIZENSHIPS)
    channel = weighted(rng, CHANNELS)
    sentence_type = weighted(rng, SENTENCES)

    def forms_of(count: int) -> list[str]:
        first = form()
        if count == 1:
            return [first]
        second = form()
        while second == first:
            second = form()
        return [first, second]

    load = Loader(connection)
    # Declared parents first: `flush` writes in this order.
    criminal_cases_rows = load.table(
        CriminalCase,
        (
            "id",
            "number",
            "initiating_organisation",
            "initiated_on",
            "status",
            "recorded_by",
            "recorded_at",
        ),
    )
    criminal_forms = load.table(CriminalCaseForm, ("criminal_case", "code"))
    accused_rows = load.table(
        AccusedPerson,
        (
            "id",
            "reference",
            "sex",
            "birth_year",
            "citizenship",
            "recording_organisation",
            "recorded_by",
            "recorded_at",
        ),
    )
    accused_links = load.table(CriminalCaseAccused, ("criminal_case", "accused", "linked_at"))
    judgments = load.table(
        Judgment,
        (
            "id",
            "criminal_case",
            "court",
            "number",
            "delivered_on",
            "is_final",
            "recorded_by",
            "recorded_at",
        ),
    )
    convictions = load.table(
        Conviction,
        (
            "judgment",
            "accused",
            "form_of_exploitation",
            "child_victim",
            "sentence_type",
            "duration_months",
            "property_confiscated",
            "legal_person_liable",
        ),
    )
    persons = load.table(
        Person,
        (
            "id",
            "reference",
            "sex",
            "birth_date_precision",
            "birth_year",
            "citizenship",
            "registering_organisation",
            "registered_at",
        ),
    )
    cases = load.table(
        Case,
        (
            "id",
            "reference",
            "person",
            "status",
            "registering_organisation",
            "registered_by",
            "registered_at",
            "contact_channel",
            "exploitation_scope",
            "identified_on",
            "identifying_organisation",
            "identification_method",
            "child_at_registration",
            "child_at_identification",
            "age_at_identification",
            "unaccompanied_foreign_minor",
            "updated_at",
        ),
    )
    case_forms = load.table(CaseExploitationForm, ("case", "code"))
    payments = load.table(
        Payment,
        (
            "case",
            "benefit",
            "paid_on",
            "amount",
            "currency",
            "payer",
            "legal_basis",
            "recorded_by",
            "recorded_at",
        ),
    )
    legal_aid = load.table(
        LegalAid, ("case", "provider_kind", "stage", "started_on", "recorded_by")
    )
    reflection = load.table(
        ReflectionPeriod,
        ("case", "decided_on", "decided_by", "legal_basis", "starts_at", "ends_at"),
    )
    repatriations = load.table(
        Repatriation,
        ("case", "destination", "repatriated_on", "is_readmission", "recorded_by"),
    )
    claims = load.table(
        CompensationClaim,
        (
            "id",
            "case",
            "against",
            "body",
            "submitted_on",
            "awarded_amount",
            "awarded_on",
            "currency",
            "recorded_by",
        ),
    )
    receipts = load.table(CompensationReceipt, ("claim", "received_on", "amount"))
    permits = load.table(
        ResidencePermit,
        (
            "id",
            "case",
            "permit_type",
            "legal_basis",
            "valid_from",
            "valid_to",
            "renews",
            "recorded_by",
            "recorded_at",
        ),
    )
    representatives = load.table(
        LegalRepresentative,
        ("case", "representative_type", "appointed_on", "recorded_by", "recorded_at"),
    )
    victim_links = load.table(
        CriminalCaseVictim, ("criminal_case", "case", "role", "linked_at", "linked_by")
    )

    start = time.perf_counter()
    # Criminal cases first (victims link to them), spread evenly over the seven years in order
    # of initiation, so that a victim is linked to one initiated around their identification.
    criminal_cases = max(1, CASES // 7)
    accused_id = 0
    for pk in range(1, criminal_cases + 1):
        initiated = day((pk - 1) * DAYS // criminal_cases)
        at = moment(initiated)
        judged = chance() < 0.6
        criminal_cases_rows.append(
            (
                pk,
                f"CC-{initiated.year}-{pk:07d}",
                police,
                initiated,
                "judgment" if judged else "investigation",
                user,
                at,
            )
        )
        codes = forms_of(1 if chance() < 0.8 else 2)
        criminal_forms += [(pk, code) for code in codes]
        draw = chance()
        people = list(
            range(accused_id + 1, accused_id + 1 + (1 if draw < 0.5 else 2 if draw < 0.8 else 3))
        )
        accused_id = people[-1]
        for person in people:
            accused_rows.append(
                (
                    person,
                    f"AP-{initiated.year}-{person:07d}",
                    "male" if chance() < 0.7 else "female",
                    rng.randrange(1955, 2004),
                    citizenship() or "AZ",
                    police,
                    user,
                    at,
                )
            )
            accused_links.append((pk, person, at))
        if judged:
            delivered = initiated + datetime.timedelta(days=rng.randrange(120, 540))
            judgments.append(
                (
                    pk,
                    pk,
                    rng.choice(courts),
                    f"J-{pk:07d}",
                    delivered,
                    chance() < 0.8,
                    user,
                    moment(delivered),
                )
            )
            for person in [person for person in people if chance() < 0.85] or people[:1]:
                sentence = sentence_type()
                convictions.append(
                    (
                        pk,
                        person,
                        rng.choice(codes),
                        chance() < 0.1,
                        sentence,
                        rng.randrange(12, 145) if sentence in ("custodial", "suspended") else None,
                        chance() < 0.2,
                        chance() < 0.02,
                    )
                )
        if pk % BATCH == 0:
            load.flush()
    load.flush()

    claim_id = permit_id = 0
    for pk in range(1, CASES + 1):
        offset = int(chance() * DAYS)
        identified = day(offset)
        registered = moment(identified - datetime.timedelta(days=rng.randrange(0, 60)))
        draw = chance()
        age = (
            rng.randrange(8, 18)
            if draw < 0.12
            else rng.randrange(18, 25)
            if draw < 0.35
            else rng.randrange(25, 35)
            if draw < 0.65
            else rng.randrange(35, 65)
        )
        child = age < 18
        country = citizenship()
        foreign = country not in ("AZ", "")
        organisation = police if chance() < 0.7 else rng.choice(identifiers)
        draw = chance()
        sex = "female" if draw < 0.68 else "male" if draw < 0.99 else ""
        persons.append(
            (
                pk,
                f"AZ-{registered.year}-P{pk:07d}",
                sex,
                "year",
                identified.year - age,
                country,
                organisation,
                registered,
            )
        )
        draw = chance()
        scope = "domestic" if draw < 0.45 else "transnational" if draw < 0.97 else ""
        draw = chance()
        method = "proactive" if draw < 0.6 else "reactive" if draw < 0.97 else ""
        cases.append(
            (
                pk,
                f"AZ-{registered.year}-C{pk:07d}",
                pk,
                "identified",
                organisation,
                user,
                registered,
                channel(),
                scope,
                identified,
                organisation,
                method,
                child,
                child,
                age,
                foreign and child and chance() < 0.3,
                registered,
            )
        )
        case_forms += [(pk, code) for code in forms_of(1 if chance() < 0.75 else 2)]
        after = identified + datetime.timedelta(days=rng.randrange(0, 45))
        paid_at = moment(after)
        if chance() < 0.9:
            payments.append(
                (
                    pk,
                    allowance,
                    after,
                    Decimal(700),
                    "AZN",
                    welfare,
                    "CabMin Res. No. 256",
                    user,
                    paid_at,
                )
            )
        if chance() < 0.3:
            payments.append(
                (pk, fund_payment, after, Decimal(50), "AZN", fund, "GRETA Table 6", user, paid_at)
            )
        if chance() < 0.2:
            legal_aid.append(
                (
                    pk,
                    "bar_member" if chance() < 0.7 else "ngo",
                    "investigation" if chance() < 0.7 else "court",
                    after,
                    user,
                )
            )
        if chance() < 0.1:
            ends = moment(identified + datetime.timedelta(days=30))
            reflection.append(
                (pk, identified, user, "Law on Combating Trafficking, Art. 13", paid_at, ends)
            )
        if chance() < 0.02:
            returned = after + datetime.timedelta(days=30)
            repatriations.append((pk, country if foreign else "AZ", returned, not foreign, user))
        if chance() < 0.01:
            claim_id += 1
            awarded = chance() < 0.5
            claims.append(
                (
                    claim_id,
                    pk,
                    "offender" if chance() < 0.8 else "state",
                    "Court",
                    after,
                    Decimal(rng.randrange(500, 20000)) if awarded else None,
                    after + datetime.timedelta(days=180) if awarded else None,
                    "AZN",
                    user,
                )
            )
            if awarded and chance() < 0.6:
                receipt_on = after + datetime.timedelta(days=240)
                receipts.append((claim_id, receipt_on, Decimal(rng.randrange(100, 500))))
        if foreign and chance() < 0.3:
            permit_id += 1
            kind = "cooperation_with_investigation" if chance() < 0.7 else "personal_situation"
            until = after + datetime.timedelta(days=364)
            permits.append(
                (permit_id, pk, kind, "Migration Code, Art. 46", after, until, None, user, paid_at)
            )
            if chance() < 0.2:
                permit_id += 1
                renewal = after + datetime.timedelta(days=365)
                until = renewal + datetime.timedelta(days=364)
                permits.append(
                    (
                        permit_id,
                        pk,
                        kind,
                        "Migration Code, Art. 46",
                        renewal,
                        until,
                        permit_id - 1,
                        user,
                        moment(renewal),
                    )
                )
        if child and chance() < 0.9:
            kind = "parent" if chance() < 0.6 else "guardian"
            representatives.append((pk, kind, identified, user, moment(identified)))
        if chance() < 0.7:
            # The criminal case initiated around the identification (within a few days).
            near = offset * criminal_cases // DAYS + rng.randrange(-10, 11)
            near = min(max(near, 0), criminal_cases - 1) + 1
            victim_links.append((near, pk, "victim", paid_at, user))
        if pk % BATCH == 0:
            load.flush()
    load.flush()
    load_seconds = round(time.perf_counter() - start, 1)

    start = time.perf_counter()
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA journal_mode=DELETE")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("ANALYZE")
        else:
            # What autovacuum does after a bulk load: planner statistics and the visibility map.
            cursor.execute("VACUUM ANALYZE")
    analyze_seconds = round(time.perf_counter() - start, 1)
    gc.collect()
    rss_after_load_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    # The machine may be shared: the load before measuring says how quiet it was.
    load_average = round(os.getloadavg()[0], 2)
    builds, json_writes, xlsx_writes, with_json, with_xlsx = [], [], [], [], []
    report: dict[str, Any] = {}
    sizes = {}
    for _run in range(REPEAT):
        report = {}
        gc.collect()
        start = time.perf_counter()
        report = build_greta(FIRST_YEAR, LAST_YEAR)
        builds.append(time.perf_counter() - start)
        target = io.BytesIO()
        start = time.perf_counter()
        write_report(report, "json", target)
        json_writes.append(time.perf_counter() - start)
        sizes["json_kb"] = round(len(target.getvalue()) / 1024, 1)
        target = io.BytesIO()
        start = time.perf_counter()
        write_report(report, "xlsx", target)
        xlsx_writes.append(time.perf_counter() - start)
        sizes["xlsx_kb"] = round(len(target.getvalue()) / 1024, 1)
        with_json.append(builds[-1] + json_writes[-1])
        with_xlsx.append(builds[-1] + xlsx_writes[-1])
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    # The annual report of one year (with the year before, for the changes): the figures, and
    # the Word document with its charts drawn, as `lantern report annual --format docx` does.
    annual_builds, annual_docx = [], []
    annual: dict[str, Any] = {}
    for _run in range(REPEAT):
        gc.collect()
        start = time.perf_counter()
        annual = build_annual(ANNUAL_YEAR, {})
        annual_builds.append(time.perf_counter() - start)
        target = io.BytesIO()
        write_report(annual, "docx", target)
        annual_docx.append(time.perf_counter() - start)
        sizes["annual_docx_kb"] = round(len(target.getvalue()) / 1024, 1)
    annual_peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    # Python's own allocations during one more build; tracemalloc slows Python code ~2.5x,
    # which on SQLite includes Django's per-row date function, so a long build skips it.
    traced: dict[str, Any] = {"tracemalloc_build_peak_mb": None, "tracemalloc_build_seconds": None}
    if TRACEMALLOC == "1" or (TRACEMALLOC == "auto" and statistics.median(builds) <= 60):
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        build_greta(FIRST_YEAR, LAST_YEAR)
        traced["tracemalloc_build_seconds"] = round(time.perf_counter() - start, 2)
        traced["tracemalloc_build_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()

    table_1 = next(table for table in report["tables"] if table["id"] == "table_1")
    figures = {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "criminal_cases": CriminalCase.objects.count(),
        "convictions": Conviction.objects.count(),
        "rows_inserted": load.total,
        "generation_seconds": load_seconds,
        "analyze_seconds": analyze_seconds,
        "greta_json_seconds": median(with_json),
        "greta_xlsx_seconds": median(with_xlsx),
        "greta_build_seconds": median(builds),
        "json_write_seconds": median(json_writes),
        "xlsx_write_seconds": median(xlsx_writes),
        "greta_build_runs_seconds": [round(value, 3) for value in builds],
        # Tables are counted on this many connections at once (statistics/parallel.py).
        "report_workers": settings.REPORT_WORKERS,
        "load_average_before": load_average,
        "tables": len(report["tables"]),
        "table_1_persons": sum(table_1["cells"][row]["total"] for row in table_1["rows"]),
        "violations": len(report["violations"]),
        **sizes,
        "annual_year": ANNUAL_YEAR,
        "annual_build_seconds": median(annual_builds),
        "annual_docx_seconds": median(annual_docx),
        "annual_docx_runs_seconds": [round(value, 3) for value in annual_docx],
        "annual_figures": sum(len(section["figures"]) for section in annual["sections"]),
        "annual_violations": len(annual["violations"]),
        "peak_rss_mb": peak_rss_mb,
        "annual_peak_rss_mb": annual_peak_rss_mb,
        "rss_after_load_mb": rss_after_load_mb,
        **traced,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
