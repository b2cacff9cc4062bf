"""A table's population read once into a narrow temporary table, then counted many times.

Every breakdown of a table counts the same population: the join from cases to persons, the
year of the date and the filters (four kinds of help tested per case, for one table) cost the
same each time, and on a million victims each pass costs about a second. The frame keeps, for
each record of the population, only its year, the unit counted (the person, the case...), its
key and one column per single-valued breakdown; the breakdowns then read that narrow table.

When no unit occurs twice in a year, which the frame shows in one pass, ``COUNT(*)`` gives the
same number as ``COUNT(DISTINCT unit)`` without sorting, and PostgreSQL fills every single-valued
breakdown in one ``GROUPING SETS`` pass. A multi-valued breakdown (forms of exploitation) joins
the frame's keys to its relation and counts distinct units, as the direct query would.

The SQL is written here and not through the ORM because the ORM has neither temporary tables
nor grouping sets; every value in it is a bound parameter, and every name is made here and
quoted (ruff's S608 is waived for this file in pyproject.toml).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet

UNKNOWN = "unknown"  # the code of a record with no value
REPORT_WORK_MEM = "64MB"  # per sort or hash of one query; a report runs one query at a time
Counts = dict[tuple[str, str], Any]
_names = itertools.count(1)


@dataclass(frozen=True)
class Frame:
    table: str
    columns: Sequence[str]  # one per single-valued breakdown, in order: b0, b1...
    unique: bool  # no unit occurs twice in a year
    totals: dict[str, Any]  # distinct units per year

    @property
    def aggregate(self) -> str:
        return "COUNT(*)" if self.unique else 'COUNT(DISTINCT "unit")'


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def frame_of(base: QuerySet[Any], unit: str, values: Sequence[Any]) -> Iterator[Frame]:
    """``base`` (annotated with ``row``) as a temporary table of row, unit, key and ``values``."""
    columns = [f"b{position}" for position in range(len(values))]
    projection = base.annotate(
        unit=F(unit),
        key=F("pk"),
        **{
            column: F(value) if isinstance(value, str) else value
            for column, value in zip(columns, values, strict=True)
        },
    ).values("row", "unit", "key", *columns)
    # A model's default ordering would make SQLite walk the date index row by row.
    projection = projection.order_by()
    select, params = projection.query.sql_with_params()
    table = f"lantern_frame_{next(_names)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_quoted(table)} AS {select}", params)
        try:
            if connection.vendor == "postgresql":
                # Autovacuum never sees a temporary table: without statistics the planner
                # guesses its size and sorts where hashing would do.
                cursor.execute(f"ANALYZE {_quoted(table)}")
            # The totals, and in the same pass whether any unit repeats within a year.
            cursor.execute(
                f'SELECT "row", COUNT(*), COUNT(DISTINCT "unit") FROM {_quoted(table)} '
                'GROUP BY "row"'
            )
            found = cursor.fetchall()
            unique = all(records == units for _row, records, units in found)
            yield Frame(table, columns, unique, {str(row): units for row, _n, units in found})
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {_quoted(table)}")


@contextmanager
def reporting() -> Iterator[None]:
    """Room to hash a report's groups in memory, on PostgreSQL.

    PostgreSQL's default of 4 MB per sort or hash spills a million-row grouping to disk;
    ``SET LOCAL`` lasts until the transaction ends, so the report runs in one. SQLite has no
    such limit, and its transactions here take the write lock (``transaction_mode``
    IMMEDIATE): a report there runs outside one, so that nobody's writes wait for it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield


def single_valued(frame: Frame) -> list[Counts]:
    """For each breakdown column of the frame, its count per (row, value)."""
    if not frame.columns:
        return []
    if connection.vendor == "postgresql":
        return _in_one_pass(frame)
    found = []
    with connection.cursor() as cursor:
        for column in frame.columns:
            cursor.execute(
                f'SELECT "row", {_quoted(column)}, {frame.aggregate} '
                f'FROM {_quoted(frame.table)} GROUP BY "row", {_quoted(column)}'
            )
            found.append(_counted(cursor.fetchall()))
    return found


def _in_one_pass(frame: Frame) -> list[Counts]:
    names = [_quoted(column) for column in frame.columns]
    sets = ", ".join(f'("row", {name})' for name in names)
    flags = ", ".join(f"GROUPING({name})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "row", {", ".join(names)}, {flags}, {frame.aggregate} '
            f"FROM {_quoted(frame.table)} GROUP BY GROUPING SETS ({sets})"
        )
        found: list[Counts] = [{} for _ in names]
        width = len(names)
        for record in cursor.fetchall():
            values, grouped, count = record[1 : 1 + width], record[1 + width : -1], record[-1]
            # Exactly one column is grouped (flag 0) in each result row: its set.
            position = list(grouped).index(0)
            add_count(found[position], record[0], values[position], count)
        return found


def multi_valued(frame: Frame, model: type[Any], value: Any) -> Counts:
    """Distinct units per (row, value) when a record has several values (a join)."""
    direct = _records_holding(model, value)
    if direct is not None:
        return _joined_directly(frame, *direct)
    expression = F(value) if isinstance(value, str) else value
    related = (
        model._default_manager.annotate(owner=F("pk"), value=expression)
        .values("owner", "value")
        .order_by()
    )
    select, params = related.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT f."row", v."value", COUNT(DISTINCT f."unit") '
            f'FROM {_quoted(frame.table)} f JOIN ({select}) v ON v."owner" = f."key" '
            f'GROUP BY f."row", v."value"',
            params,
        )
        return _counted(cursor.fetchall())


def _records_holding(model: type[Any], value: Any) -> tuple[Any, str, str, bool] | None:
    """For ``forms__code``, where the forms table points at the record and holds the code:
    that table, its pointer and value columns, and whether a record holds a value only once."""
    if not isinstance(value, str) or value.count("__") != 1:
        return None
    relation_name, column_name = value.split("__")
    relation = model._meta.get_field(relation_name)
    if not relation.one_to_many:
        return None
    related = relation.related_model
    column = related._meta.get_field(column_name)
    if column.is_relation:
        return None
    pointer = relation.field
    once = any(
        set(getattr(constraint, "fields", ())) == {pointer.name, column.name}
        and getattr(constraint, "condition", None) is None
        for constraint in related._meta.constraints
    )
    return related._meta.db_table, pointer.column, column.column, once


def _joined_directly(frame: Frame, table: str, pointer: str, column: str, once: bool) -> Counts:
    # When no unit repeats in a year and a record holds each value once, each joined row is a
    # different unit: COUNT(*) without sorting.
    aggregate = "COUNT(*)" if once and frame.unique else 'COUNT(DISTINCT f."unit")'
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT f."row", v.{_quoted(column)}, {aggregate} '
            f"FROM {_quoted(frame.table)} f LEFT JOIN {_quoted(table)} v "
            f'ON v.{_quoted(pointer)} = f."key" GROUP BY f."row", v.{_quoted(column)}'
        )
        return _counted(cursor.fetchall())


def _counted(records: Sequence[Sequence[Any]]) -> Counts:
    counts: Counts = {}
    for row, value, count in records:
        add_count(counts, row, value, count)
    return counts


def add_count(counts: Counts, row: Any, value: Any, count: Any) -> None:
    """Add ``count`` to (row, value); a record with no value is counted as unknown."""
    code = value if value not in (None, "") else UNKNOWN
    key = (str(row), str(code))
    counts[key] = counts.get(key, 0) + (count or 0)
