"""Importing the CTDC global dataset (97,750 rows): rows per second, a second import of the
same file (nothing changes), and peak memory; then the CTDC profile report over it.

Run by bench/run.py once per database (LANTERN_DATABASE_URL). Prints one JSON object. The file
is read from ../shared/data/ctdc/ (or LANTERN_SHARED_DATA); without it the figures say so.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LANTERN_SHARED_DATA", REPOSITORY.parent / "shared" / "data"))
CTDC_FILE = SHARED_DATA / "ctdc" / "ctdc_global_kanon_15jul2021.csv"


def main() -> int:
    if not CTDC_FILE.exists():
        print(json.dumps({"skipped": f"no CTDC file at {CTDC_FILE}"}))
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lantern.core.models import Organisation, Role
    from lantern.core.packs.load import load_pack
    from lantern.core.packs.paths import BUILT_IN_PACKS
    from lantern.exchange.ctdc import import_ctdc
    from lantern.statistics.ctdc import build_ctdc_profile
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    load_pack(BUILT_IN_PACKS / "az", loaded_by="bench")
    statistician = UserFactory(
        username="bench-statistician",
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[Role.STATISTICIAN],
    )
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    first = import_ctdc(CTDC_FILE, actor=statistician, release="15jul2021")
    first_seconds = time.perf_counter() - start
    start = time.perf_counter()
    again = import_ctdc(CTDC_FILE, actor=statistician, release="15jul2021")
    again_seconds = time.perf_counter() - start
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    profile = build_ctdc_profile(2002, 2021)
    profile_seconds = time.perf_counter() - start
    figures = {
        "database": connection.vendor,
        "file_rows": first.rows,
        "created": first.created,
        "rejected": first.rejected,
        "import_seconds": round(first_seconds, 2),
        "import_rows_per_second": round(first.rows / first_seconds),
        "reimport_unchanged": again.unchanged,
        "reimport_seconds": round(again_seconds, 2),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "rss_before_import_mb": round(rss_before_mb, 1),
        "profile_seconds": round(profile_seconds, 2),
        "profile_violations": len(profile["violations"]),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
