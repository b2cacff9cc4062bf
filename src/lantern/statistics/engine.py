"""Tables from case-level records, aggregated in SQL, in the shape of ``docs/reports.md``.

A table is declared, not programmed: its population (a queryset), the date that places a
record in a year, the unit it counts (distinct persons, cases, judgments) and its breakdowns
(each a column of the population or a path through a relation, exclusive or multi-valued).
One ``GROUP BY`` query per breakdown fills every year at once; nothing loops over records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Expression,
    F,
    FilteredRelation,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear, Substr
from django.utils.translation import gettext as _

from lantern.core.codes import code_labels
from lantern.core.models import AgeBand
from lantern.statistics import frame
from lantern.statistics.frame import UNKNOWN

__all__ = ["UNKNOWN", "Breakdown", "Measure", "TableSpec", "build_table", "distinct"]

Kind = Literal["exclusive", "multi"]


@dataclass(frozen=True)
class Breakdown:
    """Columns for the values of one attribute. ``values`` fixes them (with labels); otherwise
    the values found in the records are shown, labelled from ``code_list``."""

    id: str
    label: str
    kind: Kind
    value: Callable[[], Expression | F | str]
    code_list: str = ""
    values: Sequence[tuple[str, str]] | None = None
    show_all_codes: bool = False
    labels: Callable[[], dict[str, str]] | None = None
    # What the columns count when it is not the table's unit (criminal cases by form, but also
    # the victims in those cases by form), and the column they add up to.
    count: Callable[[], Any] | None = None
    total: str = "total"


@dataclass(frozen=True)
class Measure:
    """One more column, not part of a breakdown: a count or sum over part of the population."""

    id: str
    label: str
    aggregate: Callable[[], Any]


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    population_text: str
    population: Callable[[], QuerySet[Any]]
    period: str
    unit: str
    count: Callable[[], Any]
    total_label: str = ""
    breakdowns: Sequence[Breakdown] = ()
    measures: Callable[[], Sequence[Measure]] = lambda: ()
    notes: Sequence[str] = ()
    amounts: bool = False


def _final_field(model: type[Model], path: str) -> Any:
    field: Any = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def year_of(model: type[Model], path: str) -> Any:
    """The year of the date at ``path``, as SQL.

    SQLite stores a date as 'YYYY-MM-DD' text and runs Django's year extraction as a Python
    function per row, and a year filter on it becomes an index walk over the whole table;
    reading the first four characters is the same year, scanned several times faster. Other
    databases, and date-times (stored in UTC), keep the standard extraction.
    """
    field = _final_field(model, path)
    if isinstance(field, IntegerField):
        return F(path)  # already a year (an external record's year of registration)
    plain_date = isinstance(field, DateField) and not isinstance(field, DateTimeField)
    if connection.vendor == "sqlite" and plain_date:
        return Cast(Substr(F(path), 1, 4), IntegerField())
    return ExtractYear(path)


@dataclass(frozen=True)
class DistinctCount:
    """Count distinct ``path`` (persons, cases...): the unit a frame keeps for each record."""

    path: str

    def __call__(self) -> Count:
        return Count(self.path, distinct=True)


@dataclass(frozen=True)
class LinkedCount:
    """Count distinct ``unit`` among the records linked through ``relation`` that meet
    ``condition``: the victims, not the witnesses, of a criminal case. Breakdowns and measures
    that count the same links share one frame of them."""

    relation: str
    unit: str
    condition: Q

    def __call__(self) -> Count:
        return Count(f"{self.relation}__{self.unit}", distinct=True, filter=self.condition)


def distinct(path: str) -> DistinctCount:
    return DistinctCount(path)


def age_band_expression(scheme: str, age_path: str) -> Callable[[], Expression]:
    """The pack's age band of ``age_path`` as a SQL CASE; no age gives ``unknown``."""

    def expression() -> Expression:
        bands = list(AgeBand.objects.filter(scheme__code=scheme).order_by("min_age"))
        whens = []
        for band in bands:
            condition = Q(**{f"{age_path}__gte": band.min_age})
            if band.max_age is not None:
                condition &= Q(**{f"{age_path}__lt": band.max_age})
            whens.append(When(condition, then=Value(band.code)))
        return CaseWhen(*whens, default=Value(UNKNOWN))

    return expression


def age_band_values(scheme: str) -> list[tuple[str, str]]:
    return [
        (band.code, band.label)
        for band in AgeBand.objects.filter(scheme__code=scheme).order_by("min_age")
    ]


def _cell(value: Any, amounts: bool) -> Any:
    if value is None:
        return "0.00" if amounts else 0
    if isinstance(value, Decimal) or amounts:
        return f"{Decimal(value):.2f}"
    return int(value)


def build_table(spec: TableSpec, years: Sequence[int], *, framed: bool = True) -> dict[str, Any]:
    """Every cell of ``spec`` for ``years``, in the documented shape.

    ``framed=False`` counts every breakdown straight from the population, one query each: the
    slower, plainer reading the frames must agree with (the tests compare the two)."""
    rows = [str(year) for year in years]
    population = spec.population()
    base = population.annotate(row=year_of(population.model, spec.period)).filter(
        row__gte=min(years), row__lte=max(years)
    )
    cells: dict[str, dict[str, Any]] = {row: {"total": _cell(None, spec.amounts)} for row in rows}
    columns: list[dict[str, Any]] = [{"id": "total", "label": spec.total_label or _("Total")}]
    groups = [
        {
            "id": breakdown.id,
            "label": breakdown.label,
            "kind": breakdown.kind,
            "total": breakdown.total,
        }
        for breakdown in spec.breakdowns
    ]
    in_frame = _counted_in_frame(base, spec) if framed else None
    totals, found = in_frame if in_frame is not None else (_counted_directly(base, spec), {})
    linked_totals: dict[str, dict[str, Any]] = {}
    if framed:
        for linked in _link_counts(spec):
            linked_found, linked_total = _counted_through_links(base, spec, linked)
            found.update(linked_found)
            for measure in spec.measures():
                if measure.aggregate == linked:
                    linked_totals[measure.id] = linked_total
    for row, count in totals.items():
        cells[row]["total"] = _cell(count, spec.amounts)
    for breakdown in spec.breakdowns:
        counts = found.get(breakdown.id)
        if counts is None:
            counts = _direct_counts(base, spec, breakdown)
        columns += _breakdown_columns(spec, breakdown, counts, cells)
    for measure in spec.measures():
        columns.append({"id": measure.id, "label": measure.label})
        for row in rows:
            cells[row][measure.id] = _cell(None, spec.amounts)
        measured = linked_totals.get(measure.id)
        if measured is None:
            measured = {
                str(item["row"]): item["n"]
                for item in base.values("row").annotate(n=measure.aggregate()).order_by()
            }
        for row, count in measured.items():
            cells[row][measure.id] = _cell(count, spec.amounts)
    columns = _totals_first(columns, groups)
    return {
        "id": spec.id,
        "title": spec.title,
        "population": spec.population_text,
        "unit": spec.unit,
        "row_label": _("Year"),
        "rows": rows,
        "columns": columns,
        "groups": groups,
        "cells": cells,
        "notes": list(spec.notes),
    }


def _totals_first(
    columns: list[dict[str, Any]], groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A measure that is a group's total is shown just before the group's columns."""
    totals = {group["total"]: group["id"] for group in groups if group["total"] != "total"}
    moved = {column["id"]: column for column in columns if column["id"] in totals}
    ordered = []
    for column in columns:
        if column["id"] in moved:
            continue
        group = column.get("group")
        total = next((key for key, owner in totals.items() if owner == group), None)
        if total is not None and total in moved:
            ordered.append(moved.pop(total))
        ordered.append(column)
    return ordered + list(moved.values())


def _counted_in_frame(
    base: QuerySet[Any], spec: TableSpec
) -> tuple[dict[str, Any], dict[str, frame.Counts]] | None:
    """The totals and the breakdowns a frame serves, or None when the table counts something
    other than distinct units (a sum of amounts)."""
    if not isinstance(spec.count, DistinctCount):
        return None
    framed = [breakdown for breakdown in spec.breakdowns if breakdown.count is None]
    values = {breakdown.id: breakdown.value() for breakdown in framed}
    # A column of the record itself, or reached through foreign keys, is one value per record
    # and goes in the frame; a path through a to-many relation (forms) is joined to it.
    single = [b for b in framed if not _reaches_many(base.model, values[b.id])]
    found: dict[str, frame.Counts] = {}
    with frame.frame_of(base, spec.count.path, [values[b.id] for b in single]) as materialised:
        totals = materialised.totals
        for breakdown, counts in zip(single, frame.single_valued(materialised), strict=True):
            found[breakdown.id] = counts
        for breakdown in framed:
            if breakdown not in single:
                found[breakdown.id] = frame.multi_valued(
                    materialised, base.model, values[breakdown.id]
                )
    return totals, found


def _link_counts(spec: TableSpec) -> list[LinkedCount]:
    """The different links the table's breakdowns and measures count, each once."""
    found: list[LinkedCount] = []
    candidates = [b.count for b in spec.breakdowns] + [m.aggregate for m in spec.measures()]
    for candidate in candidates:
        if isinstance(candidate, LinkedCount) and candidate not in found:
            found.append(candidate)
    return found


def _counted_through_links(
    base: QuerySet[Any], spec: TableSpec, linked: LinkedCount
) -> tuple[dict[str, frame.Counts], dict[str, Any]]:
    """The breakdowns that count ``linked``, and its total per row, from one frame of links."""
    links = base.annotate(
        lantern_linked=FilteredRelation(linked.relation, condition=linked.condition)
    ).filter(**{f"lantern_linked__{linked.unit}__isnull": False})
    counted = [b for b in spec.breakdowns if b.count == linked]
    values = {breakdown.id: breakdown.value() for breakdown in counted}
    single = [b for b in counted if not _reaches_many(base.model, values[b.id])]
    found: dict[str, frame.Counts] = {}
    unit = f"lantern_linked__{linked.unit}"
    with frame.frame_of(links, unit, [values[b.id] for b in single]) as materialised:
        totals = materialised.totals
        for breakdown, counts in zip(single, frame.single_valued(materialised), strict=True):
            found[breakdown.id] = counts
        for breakdown in counted:
            if breakdown not in single:
                found[breakdown.id] = frame.multi_valued(
                    materialised, base.model, values[breakdown.id]
                )
    return found, totals


def _reaches_many(model: type[Model], value: Any) -> bool:
    """Whether ``value`` (a path) crosses a relation with several records per record."""
    if not isinstance(value, str):
        return False  # an expression over the record's own columns
    for name in value.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def _counted_directly(base: QuerySet[Any], spec: TableSpec) -> dict[str, Any]:
    """The total per row, straight from the population (one pass)."""
    return {
        str(found["row"]): found["n"]
        for found in base.values("row").annotate(n=spec.count()).order_by()
    }


def _direct_counts(base: QuerySet[Any], spec: TableSpec, breakdown: Breakdown) -> frame.Counts:
    value = breakdown.value()
    expression = F(value) if isinstance(value, str) else value
    found = (
        base.annotate(value=expression)
        .values("row", "value")
        .annotate(n=(breakdown.count or spec.count)())
        .order_by()
    )
    counts: frame.Counts = {}
    for item in found:
        frame.add_count(counts, item["row"], item["value"], item["n"])
    return counts


def _breakdown_columns(
    spec: TableSpec, breakdown: Breakdown, counts: frame.Counts, cells: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    labels = code_labels(breakdown.code_list) if breakdown.code_list else {}
    if breakdown.labels is not None:
        labels = breakdown.labels()
    if breakdown.values is not None:
        ordered = list(breakdown.values)
    else:
        present = sorted({code for _row, code in counts if code != UNKNOWN})
        if breakdown.show_all_codes:
            present = sorted(set(present) | {code for code in labels if code != UNKNOWN})
        ordered = sorted(
            ((code, labels.get(code, code)) for code in present),
            key=lambda pair: str(pair[1]).casefold(),
        )
    ordered = [(code, label) for code, label in ordered if code != UNKNOWN]
    ordered.append((UNKNOWN, _("Not recorded")))
    columns = []
    for code, label in ordered:
        column_id = f"{breakdown.id}.{code}"
        columns.append({"id": column_id, "label": str(label), "group": breakdown.id})
        for row, row_cells in cells.items():
            row_cells[column_id] = _cell(counts.get((row, code)), spec.amounts)
    return columns
