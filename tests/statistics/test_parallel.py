"""Tables counted on two connections at once are the tables counted on one, in the reader's
language, and a failure on either connection reaches the caller with no connection left open.

These tests commit their records (``transaction=True``): the other connection cannot see what
a test's transaction has not committed.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import translation

from lantern.statistics.greta import build_greta
from lantern.statistics.parallel import build_all
from tests.statistics.test_greta_known_answers import Register, register

__all__ = ["register"]

pytestmark = pytest.mark.django_db(transaction=True)


def _labels(report: dict[str, Any]) -> dict[str, str]:
    return {
        f"{table['id']}:{column['id']}": column["label"]
        for table in report["tables"]
        for column in table["columns"]
    }


def test_greta_on_two_connections_is_greta_on_one_in_every_cell(register: Register) -> None:
    with override_settings(REPORT_WORKERS=2):
        parallel = build_greta(2019, 2020)
    with override_settings(REPORT_WORKERS=1):
        single = build_greta(2019, 2020)
    assert parallel["tables"] == single["tables"]
    assert parallel["violations"] == single["violations"] == []
    table_1 = next(table for table in parallel["tables"] if table["id"] == "table_1")
    assert table_1["cells"]["2019"]["total"] == 3


def test_every_connection_labels_the_columns_in_the_readers_language(register: Register) -> None:
    with translation.override("ru"):
        with override_settings(REPORT_WORKERS=2):
            parallel = _labels(build_greta(2019, 2020))
        with override_settings(REPORT_WORKERS=1):
            single = _labels(build_greta(2019, 2020))
    with translation.override("en"):
        english = _labels(build_greta(2019, 2020))
    assert parallel == single
    assert parallel["table_1:sex.female"] != english["table_1:sex.female"] == "Female"
    assert parallel["table_10:total"] != english["table_10:total"] == "Persons convicted"


def _open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        (count,) = cursor.fetchone()
    return int(count)


def test_a_failure_on_one_connection_reaches_the_caller_and_no_connection_stays_open(
    register: Register,
) -> None:
    threads: set[int] = set()

    def fine() -> dict[str, Any]:
        threads.add(threading.get_ident())
        return {"id": "fine"}

    def broken() -> dict[str, Any]:
        raise ValueError("a table that cannot be counted")

    before = _open_connections() if connection.vendor == "postgresql" else 0
    with override_settings(REPORT_WORKERS=2):
        with pytest.raises(ValueError, match="cannot be counted"):
            build_all([fine, broken, fine, fine])
        assert build_all([fine, fine, fine]) == [{"id": "fine"}] * 3
    assert threads and threading.get_ident() not in threads  # on other connections
    if connection.vendor == "postgresql":
        assert _open_connections() == before
