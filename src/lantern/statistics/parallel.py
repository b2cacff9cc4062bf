"""A report's tables counted on several database connections at once.

Each table is one frame and a few passes over it, and the tables do not depend on each other:
with two cores, two connections count two tables at a time. Every connection reads the same
moment of the register: on PostgreSQL the first connection exports its snapshot and the others
take it (``SET TRANSACTION SNAPSHOT``, as ``pg_dump --jobs`` does), so a table counted on one
connection cannot disagree with a table counted on another because a case was saved between
them. SQLite has no shared snapshot; there, as when counting on one connection, each query
reads the register as it is when the query runs.

Inside a transaction the tables are counted on that transaction's connection alone: other
connections would not see what it has not committed (the tests run that way).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from lantern.statistics.frame import REPORT_WORK_MEM, reporting

Job = Callable[[], dict[str, Any]]


def build_all(jobs: Sequence[Job]) -> list[dict[str, Any]]:
    """The result of every job, in order; on several connections when it is safe to."""
    workers = min(settings.REPORT_WORKERS, len(jobs))
    if workers < 2 or connection.in_atomic_block:
        with reporting():
            return [job() for job in jobs]
    with _shared_snapshot() as snapshot:
        return _on_threads(jobs, workers, snapshot)


@contextmanager
def _shared_snapshot() -> Iterator[str | None]:
    """The snapshot every connection reads (PostgreSQL), held open while they read."""
    if connection.vendor != "postgresql":
        yield None
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        yield str(snapshot)


def _on_threads(jobs: Sequence[Job], workers: int, snapshot: str | None) -> list[dict[str, Any]]:
    waiting: queue.Queue[int] = queue.Queue()
    for position in range(len(jobs)):
        waiting.put(position)
    results: dict[int, dict[str, Any]] = {}
    failures: list[BaseException] = []
    language = translation.get_language()

    def work() -> None:
        # A thread has its own connection and its own active language.
        try:
            with translation.override(language), _reading(snapshot):
                while not failures:
                    try:
                        position = waiting.get_nowait()
                    except queue.Empty:
                        return
                    results[position] = jobs[position]()
        except BaseException as failure:
            failures.append(failure)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, name=f"lantern-report-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [results[position] for position in range(len(jobs))]


@contextmanager
def _reading(snapshot: str | None) -> Iterator[None]:
    if snapshot is None:
        with reporting():
            yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield
