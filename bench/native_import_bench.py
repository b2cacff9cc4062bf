"""Importing Lantern's own format: 100,000 case rows (rows per second, peak memory, a second
import that changes nothing), and a dry run over a 200 MB file (memory stays flat).

Run by bench/run.py once per database (LANTERN_DATABASE_URL). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
ROWS = 100_000
BAD_ROWS = 100
LARGE_FILE_BYTES = 200 * 1024 * 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lantern.core.models import Role
    from lantern.core.packs.load import load_pack
    from lantern.core.packs.paths import BUILT_IN_PACKS
    from lantern.exchange.native.engine import import_file
    from lantern.exchange.native.registry import CASE_KIND
    from tests.exchange.native_rows import write_case_file
    from tests.register.conftest import staff

    call_command("migrate", verbosity=0)
    load_pack(BUILT_IN_PACKS / "az", loaded_by="bench")
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR, username="bench-supervisor")
    with tempfile.TemporaryDirectory(prefix="lantern-native-") as folder:
        cases = Path(folder) / "cases.csv"
        write_case_file(cases, ROWS, BAD_ROWS)
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        first = import_file(CASE_KIND, cases, supervisor)
        import_seconds = time.perf_counter() - start
        rss_after_import = peak_rss_mb()
        start = time.perf_counter()
        again = import_file(CASE_KIND, cases, supervisor)
        reimport_seconds = time.perf_counter() - start

        large = Path(folder) / "large.csv"
        large_rows = _write_large_file(large)
        start = time.perf_counter()
        dry = import_file(CASE_KIND, large, supervisor, dry_run=True)
        dry_seconds = time.perf_counter() - start
        rss_after_large = peak_rss_mb()
    figures = {
        "database": connection.vendor,
        "rows": first.rows,
        "created": first.created,
        "rejected": first.rejected,
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round(first.rows / import_seconds),
        "reimport_unchanged": again.unchanged,
        "reimport_seconds": round(reimport_seconds, 1),
        "peak_rss_mb_before_import": round(rss_before, 1),
        "peak_rss_mb_after_import": round(rss_after_import, 1),
        "large_file_mb": round(LARGE_FILE_BYTES / 1024 / 1024),
        "large_file_rows": large_rows,
        "large_file_dry_run_rows": dry.rows,
        "large_file_dry_run_seconds": round(dry_seconds, 1),
        "large_file_dry_run_rows_per_second": round(dry.rows / dry_seconds),
        "peak_rss_mb_after_large_file": round(rss_after_large, 1),
    }
    print(json.dumps(figures))
    return 0


def _write_large_file(path: Path) -> int:
    """A 200 MB case file: the 100,000-row file repeated under new IDs until it is that big."""
    import csv

    from tests.exchange.native_rows import CASE_HEADER, case_rows

    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CASE_HEADER)
        copy = 0
        while stream.tell() < LARGE_FILE_BYTES:
            copy += 1
            for row, _fault in case_rows(ROWS, BAD_ROWS):
                writer.writerow([f"{row[0]}-{copy}", *row[1:]])
                rows += 1
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
