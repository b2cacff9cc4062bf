"""`make bench`: run every benchmark in its own process, on SQLite and, when it answers, PostgreSQL.

Figures go to bench/results/latest.json and are printed. Each benchmark gets a fresh
database: a SQLite file in a temporary folder, or a PostgreSQL database of its own
(`lantern_bench_register` for register_bench.py), created and dropped here.

`python bench/run.py statistics_bench` runs only the benchmarks named and replaces only
their figures in latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS = REPOSITORY / "bench" / "results" / "latest.json"
POSTGRES_URL = os.environ.get(
    "LANTERN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BENCH_DATABASE = "lantern_bench"
BENCHMARKS = (
    "pack_bench.py",
    "register_bench.py",
    "statistics_bench.py",
    "exchange_bench.py",
    "native_import_bench.py",
)


def run(script: str, database_url: str) -> dict[str, Any]:
    environment = {
        **os.environ,
        "LANTERN_DATABASE_URL": database_url,
        "PYTHONPATH": str(REPOSITORY),
    }
    result = subprocess.run(
        [sys.executable, str(REPOSITORY / "bench" / script)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{script} failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def postgres_admin() -> psycopg.Connection[Any] | None:
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error:
        return None


def on_postgres(script: str) -> dict[str, Any] | None:
    admin = postgres_admin()
    if admin is None:
        return None
    database = f"{BENCH_DATABASE}_{script.removesuffix('.py').removesuffix('_bench')}"
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database}")
        admin.execute(f"CREATE DATABASE {database}")
        try:
            url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}"
            return run(script, url)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {database}")


def main(names: list[str]) -> int:
    wanted = [name.removesuffix(".py") for name in names]
    unknown = sorted(set(wanted) - {script.removesuffix(".py") for script in BENCHMARKS})
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    scripts = [
        script for script in BENCHMARKS if not wanted or script.removesuffix(".py") in wanted
    ]
    results: dict[str, Any] = {}
    if wanted and RESULTS.exists():
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results.update({"python": platform.python_version(), "cpus": os.cpu_count()})
    for script in scripts:
        name = script.removesuffix(".py")
        with tempfile.TemporaryDirectory(prefix="lantern-bench-") as folder:
            results[f"{name}_sqlite"] = run(script, f"sqlite:///{folder}/bench.sqlite3")
        postgres = on_postgres(script)
        results[f"{name}_postgresql"] = (
            postgres if postgres is not None else f"skipped: no PostgreSQL at {POSTGRES_URL}"
        )
        print(
            json.dumps(
                {
                    name: {
                        "sqlite": results[f"{name}_sqlite"],
                        "postgresql": results[f"{name}_postgresql"],
                    }
                },
                indent=2,
            )
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
