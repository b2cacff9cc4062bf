"""Pack checking and loading, and the organisation directory. Run by bench/run.py; prints JSON.

Each figure is the median of several runs, in milliseconds, on a fresh SQLite
database in a temporary folder (or on LANTERN_DATABASE_URL when it is set).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def median_ms(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _run in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(timings), 2)


def fetch(client: object, path: str) -> None:
    """A page that does not answer 200 makes its timing meaningless: stop."""
    response = client.get(path)  # type: ignore[attr-defined]
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}; no figure recorded.")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="lantern-bench-"))
    os.environ.setdefault("LANTERN_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("LANTERN_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from lantern.core.models import Organisation, Role
    from lantern.core.packs.check import read_pack
    from lantern.core.packs.load import load_pack
    from lantern.core.packs.paths import BUILT_IN_PACKS
    from tests.personas import persona

    call_command("migrate", verbosity=0)
    pack = BUILT_IN_PACKS / "az"
    figures: dict[str, object] = {}
    figures["pack_check_az_ms"] = median_ms(lambda: read_pack(pack), repeat=5)
    start = time.perf_counter()
    load_pack(pack, loaded_by="bench")
    figures["pack_first_load_az_ms"] = round((time.perf_counter() - start) * 1000, 2)
    figures["pack_reload_unchanged_az_ms"] = median_ms(
        lambda: load_pack(pack, loaded_by="bench"), repeat=3
    )
    client = Client()
    client.force_login(persona(Role.HOTLINE_OPERATOR, username="bench-hotline"))
    figures["organisation_directory_page_ms"] = median_ms(
        lambda: client.get("/directory/"), repeat=20
    )
    figures["organisations_api_ms"] = median_ms(
        lambda: client.get("/api/v1/organisations/"), repeat=20
    )
    figures["organisations"] = Organisation.objects.count()
    figures["database"] = django.db.connection.vendor
    figures["python"] = platform.python_version()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
