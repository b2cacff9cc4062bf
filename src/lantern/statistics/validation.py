"""The rules every table must obey, checked on any report in the shape of ``docs/reports.md``.

Lantern's own reports obey them by construction; the check is for tables typed by hand and a
guard against a definition that drifts. Each violation names the table, the row and the cells.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


def _number(value: Any) -> Decimal | None:
    """A cell's value as a number; None for empty, suppressed or non-numeric cells."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _show(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _violation(rule: str, table: str, row: str, cells: list[str], message: str) -> dict[str, Any]:
    return {"rule": rule, "table": table, "row": row, "cells": cells, "message": message}


def _check_table(table: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    table_id = str(table.get("id", "?"))
    columns = table.get("columns", [])
    cells: dict[str, dict[str, Any]] = table.get("cells", {})
    for row in table.get("rows", []):
        row_cells = cells.get(str(row), {})
        for column in columns:
            value = _number(row_cells.get(column["id"]))
            if value is not None and value < 0:
                found.append(
                    _violation(
                        "negative",
                        table_id,
                        str(row),
                        [column["id"]],
                        _("%(column)s is negative (%(value)s)")
                        % {"column": column.get("label", column["id"]), "value": _show(value)},
                    )
                )
        for group in table.get("groups", []):
            found += _check_group(table_id, str(row), row_cells, group, columns)
        for column in columns:
            if isinstance(column.get("percent"), dict):
                found += _check_percentage(table_id, str(row), row_cells, column)
    return found


def _check_percentage(
    table_id: str, row: str, row_cells: dict[str, Any], column: dict[str, Any]
) -> list[dict[str, Any]]:
    """A printed percentage agrees with its counts to the precision it is printed with:
    "33.3" for 1 of 3 is right, "33" is right, "34" is not."""
    part_id, whole_id = column["percent"].get("part"), column["percent"].get("of")
    printed, part, whole = (
        _number(row_cells.get(column["id"])),
        _number(row_cells.get(part_id)),
        _number(row_cells.get(whole_id)),
    )
    if printed is None or part is None or whole is None:
        return []  # a suppressed or missing cell: nothing to compare
    exact = part * 100 / whole if whole else Decimal(0)
    exponent = printed.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if abs(printed - exact) <= Decimal(5) / Decimal(10) ** (places + 1):
        return []
    return [
        _violation(
            "percentage",
            table_id,
            row,
            [column["id"], str(part_id), str(whole_id)],
            _("%(column)s: %(printed)s%% is not %(part)s of %(whole)s (%(exact)s%%)")
            % {
                "column": column.get("label", column["id"]),
                "printed": _show(printed),
                "part": _show(part),
                "whole": _show(whole),
                "exact": _show(exact.quantize(Decimal(1) / Decimal(10) ** max(places, 1))),
            },
        )
    ]


def _check_group(
    table_id: str,
    row: str,
    row_cells: dict[str, Any],
    group: dict[str, Any],
    columns: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    members = [column["id"] for column in columns if column.get("group") == group["id"]]
    total_id = group.get("total", "total")
    total = _number(row_cells.get(total_id))
    values = [_number(row_cells.get(member)) for member in members]
    if total is None or any(value is None for value in values) or not members:
        return []  # a suppressed or missing cell: the equation cannot be checked
    summed = sum((value for value in values if value is not None), Decimal(0))
    label = group.get("label", group["id"])
    if group.get("kind") == "exclusive" and summed != total:
        return [
            _violation(
                "exclusive_sum",
                table_id,
                row,
                [total_id, *members],
                _("%(group)s: %(sum)s ≠ total %(total)s")
                % {"group": label, "sum": _show(summed), "total": _show(total)},
            )
        ]
    if group.get("kind") == "multi" and summed < total:
        return [
            _violation(
                "multi_sum",
                table_id,
                row,
                [total_id, *members],
                _("%(group)s: %(sum)s is less than the total %(total)s")
                % {"group": label, "sum": _show(summed), "total": _show(total)},
            )
        ]
    return []


def _column_map(
    relation: dict[str, Any], table: dict[str, Any], parent: dict[str, Any]
) -> dict[str, str]:
    if relation.get("columns") == "shared":
        parent_ids = {column["id"] for column in parent.get("columns", [])}
        return {
            column["id"]: column["id"]
            for column in table.get("columns", [])
            if column["id"] in parent_ids
        }
    return dict(relation.get("columns", {}))


def _check_relation(
    relation: dict[str, Any], tables: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    table, parent = tables.get(relation.get("table", "")), tables.get(relation.get("of", ""))
    if table is None or parent is None:
        return []
    found = []
    kind = relation.get("kind")
    for row in table.get("rows", []):
        child_cells = table.get("cells", {}).get(str(row), {})
        parent_cells = parent.get("cells", {}).get(str(row))
        if parent_cells is None:
            continue
        for child_id, parent_id in _column_map(relation, table, parent).items():
            child, bound = _number(child_cells.get(child_id)), _number(parent_cells.get(parent_id))
            if child is None or bound is None:
                continue
            where = {
                "table": table["id"],
                "child": child_id,
                "parent": parent["id"],
                "parent_column": parent_id,
                "value": _show(child),
                "bound": _show(bound),
            }
            if kind == "subset" and child > bound:
                found.append(
                    _violation(
                        "subset",
                        table["id"],
                        str(row),
                        [child_id],
                        _(
                            "%(table)s %(child)s = %(value)s exceeds %(parent)s %(parent_column)s = %(bound)s"
                        )
                        % where,
                    )
                )
            if kind == "equal" and child != bound:
                found.append(
                    _violation(
                        "equal",
                        table["id"],
                        str(row),
                        [child_id],
                        _(
                            "%(table)s %(child)s = %(value)s differs from %(parent)s %(parent_column)s = %(bound)s"
                        )
                        % where,
                    )
                )
    return found


# A printed change: "(+2)", "(-3)", "(+50.00)"; "(no change)" is any bracketed text without digits,
# in whatever language the report was written.
_CHANGE_TEXT = re.compile(r"\(\s*([+\-\u2212])\s*([0-9]+(?:\.[0-9]+)?)\s*\)")
_NO_CHANGE_TEXT = re.compile(r"\([^0-9()]+\)")


def _printed_change(text: Any) -> Decimal | None:
    """The change a text prints; None when it prints none."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if _NO_CHANGE_TEXT.fullmatch(text):
        return Decimal(0)
    match = _CHANGE_TEXT.fullmatch(text)
    if match is None:
        return None
    number = Decimal(match.group(2))
    return number if match.group(1) == "+" else -number


def _check_figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """year_on_year: each headline figure's change is its value less the year before's, and
    the change text prints that change. A figure with a hidden or missing number is skipped."""
    found: list[dict[str, Any]] = []
    for section in report.get("sections", []) or []:
        section_id = str(section.get("id", "?"))
        for figure in section.get("figures", []) or []:
            value, previous = _number(figure.get("value")), _number(figure.get("previous"))
            change = _number(figure.get("change"))
            if value is None or previous is None or change is None:
                continue
            figure_id = str(figure.get("id", "?"))
            label = figure.get("label", figure_id)
            if change != value - previous:
                found.append(
                    _violation(
                        "year_on_year",
                        section_id,
                        figure_id,
                        ["value", "previous", "change"],
                        _("%(label)s: %(value)s less %(previous)s is not %(change)s")
                        % {
                            "label": label,
                            "value": _show(value),
                            "previous": _show(previous),
                            "change": _show(change),
                        },
                    )
                )
            text = figure.get("change_text")
            if "change_text" in figure and _printed_change(text) != change:
                found.append(
                    _violation(
                        "year_on_year",
                        section_id,
                        figure_id,
                        ["change", "change_text"],
                        _("%(label)s: the text %(text)s does not print the change %(change)s")
                        % {"label": label, "text": repr(text), "change": _show(change)},
                    )
                )
    return found


def validate(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every rule the report breaks; an empty list when its tables and figures agree."""
    tables = {str(table.get("id")): table for table in report.get("tables", [])}
    found: list[dict[str, Any]] = []
    for table in tables.values():
        found += _check_table(table)
    for relation in report.get("relations", []):
        found += _check_relation(relation, tables)
    found += _check_figures(report)
    return found
