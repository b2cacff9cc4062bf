"""The register with 100,000 cases: the register page and the cases API, for the police and an NGO.

Run by bench/run.py once per database (LANTERN_DATABASE_URL). Prints one JSON object.
Cases are bulk-inserted (not through the services, which would take an hour); they carry
the columns and code rows the pages read, which is what is measured.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("LANTERN_BENCH_CASES", "100000"))
REPEAT = 20
BATCH = 5000


def median_ms(fetch: object, path: str) -> float:
    timings = []
    for _run in range(REPEAT):
        start = time.perf_counter()
        response = fetch.get(path)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}; no figure recorded.")
    return round(statistics.median(timings), 1)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("LANTERN_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lantern.core.models import Organisation, Role
    from lantern.core.packs.load import load_pack
    from lantern.core.packs.paths import BUILT_IN_PACKS
    from lantern.register.models import Case, CaseExploitationCountry, CaseExploitationForm, Person
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    load_pack(BUILT_IN_PACKS / "az", loaded_by="bench")
    police = Organisation.objects.get(code="mia-ctht")
    ngo = Organisation.objects.get(code="ngo-clean-world")
    others = list(
        Organisation.objects.filter(kind__in=["ngo", "shelter", "state_body", "hotline"]).exclude(
            pk=ngo.pk
        )
    )
    investigator = UserFactory(
        username="bench-investigator", organisation=police, roles=[Role.INVESTIGATOR]
    )
    caseworker = UserFactory(username="bench-caseworker", organisation=ngo, roles=[Role.CASEWORKER])

    rng = random.Random(2026)  # noqa: S311 - benchmark data, not security
    start = time.perf_counter()
    epoch = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    for batch_start in range(0, CASES, BATCH):
        persons, cases = [], []
        for number in range(batch_start, min(batch_start + BATCH, CASES)):
            moment = epoch + datetime.timedelta(minutes=rng.randrange(7 * 365 * 24 * 60))
            organisation = (
                police if rng.random() < 0.6 else ngo if rng.random() < 0.1 else rng.choice(others)
            )
            persons.append(
                Person(
                    reference=f"AZ-{moment.year}-P{number:07d}",
                    sex=rng.choice(["female", "female", "female", "male"]),
                    birth_year=rng.randrange(1960, 2010),
                    citizenship=rng.choice(["AZ", "AZ", "AZ", "UZ", "TJ", "RU"]),
                    registering_organisation=organisation,
                    registered_at=moment,
                )
            )
            cases.append(
                Case(
                    reference=f"AZ-{moment.year}-C{number:07d}",
                    status=rng.choice(["presumed", "identified", "identified", "not_identified"]),
                    registering_organisation=organisation,
                    registered_by=investigator,
                    registered_at=moment,
                    contact_channel="police_operation",
                    updated_at=moment,
                )
            )
        Person.objects.bulk_create(persons)
        for person, case in zip(persons, cases, strict=True):
            case.person = person
        Case.objects.bulk_create(cases)
        CaseExploitationForm.objects.bulk_create(
            [
                CaseExploitationForm(
                    case=case,
                    code=rng.choice(
                        ["sexual_exploitation", "sexual_exploitation", "forced_labour"]
                    ),
                )
                for case in cases
            ]
        )
        CaseExploitationCountry.objects.bulk_create(
            [
                CaseExploitationCountry(case=case, country=rng.choice(["TR", "RU", "AE", "AZ"]))
                for case in cases
            ]
        )
    load_seconds = round(time.perf_counter() - start, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    police_client, ngo_client = Client(), Client()
    police_client.force_login(investigator)
    ngo_client.force_login(caseworker)
    figures = {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "cases_visible_to_the_ngo": Case.objects.filter(registering_organisation=ngo).count(),
        "bulk_insert_seconds": load_seconds,
        "register_page_police_ms": median_ms(police_client, "/register/"),
        "register_page_ngo_ms": median_ms(ngo_client, "/register/"),
        "register_page_police_filtered_ms": median_ms(
            police_client, "/register/?status=identified&form=forced_labour&sort=registered"
        ),
        "cases_api_police_ms": median_ms(police_client, "/api/v1/cases/"),
        "cases_api_ngo_ms": median_ms(ngo_client, "/api/v1/cases/"),
        "cases_api_police_page_100_ms": median_ms(
            police_client, "/api/v1/cases/?offset=10000&limit=100"
        ),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
