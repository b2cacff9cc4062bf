"""Safe publication of a report: small counts hidden so that no person can be singled out.

A published table of trafficking victims with a count of 1, 2 or 3 in a cell (one
male victim of forced begging in a region, in a year) can identify a person, so
public output replaces counts from 1 to the pack's threshold by the pack's text
(primary suppression). Hiding one cell is not enough where a reader can solve for
it: the columns of an exclusive group add up to the group's total in every row, so
a single hidden cell of that equation is the total minus the cells shown. One more
cell of the same equation is therefore hidden (secondary suppression), repeated
until no equation has exactly one hidden cell. See docs/reports.md, "Safe
publication".

The functions here are pure: they read and return report dicts in the documented
JSON shape and never touch the database or the file system.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, TypeGuard

DEFAULT_THRESHOLD = 4
DEFAULT_TEXT = "<5"
# A cell hidden only so that another cannot be worked out may hold any count: writing "<5"
# there would publish a falsehood, so it gets the statisticians' mark for "confidential".
SECONDARY_TEXT = "x"


@dataclass(frozen=True)
class _Equation:
    """One exclusive group of a table: in every row, ``total`` equals the sum of ``members``."""

    total: str
    members: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.members)


def make_public(
    report: dict[str, Any], *, threshold: int = DEFAULT_THRESHOLD, text: str = DEFAULT_TEXT
) -> dict[str, Any]:
    """Return a copy of ``report`` fit for publication; ``report`` itself is left unchanged.

    In every table whose ``unit`` is not ``"amount"``:

    - primary suppression: each integer count from 1 to ``threshold`` becomes ``text``;
    - secondary suppression: in each row, each exclusive group with its total column
      is an equation ``total = sum(members)``. Where exactly one of its cells is
      hidden, the smallest non-zero shown member is hidden too (as ``SECONDARY_TEXT``,
      since it may be any size), or the total if no
      member qualifies. A hidden total counts in every equation it belongs to, so
      this repeats over all groups of the row until nothing changes.

    Zeros, ``null`` and decimal amounts (strings) are never hidden. Multi-valued
    groups and columns in no group get primary suppression only: they give a reader
    no exact equation. The copy is marked ``"public": true`` and the method is
    written once into its top-level ``notes``.
    """
    if threshold < 1:
        raise ValueError(f"the suppression threshold must be at least 1, not {threshold}")
    public = copy.deepcopy(report)
    public["public"] = True
    for table in public.get("tables", []):
        if table.get("unit") == "amount":
            continue
        _suppress_table(table, threshold=threshold, text=text)
    notes = public.get("notes")
    if not isinstance(notes, list):
        notes = []
        public["notes"] = notes
    note = method_note(threshold=threshold, text=text)
    if note not in notes:
        notes.append(note)
    return public


def method_note(*, threshold: int = DEFAULT_THRESHOLD, text: str = DEFAULT_TEXT) -> str:
    """The English note that ``make_public`` writes into a public report's ``notes``."""
    counts = "Counts of 1 are" if threshold == 1 else f"Counts from 1 to {threshold} are"
    return (
        f"{counts} shown as {text}; where a hidden count could be worked out from a total "
        "and the other cells of the same breakdown, one more cell of that breakdown is "
        f"hidden too and shown as {SECONDARY_TEXT} (it may hold any count). Zeros are shown."
    )


def recoverable_cells(table: dict[str, Any], text: str = DEFAULT_TEXT) -> list[tuple[str, str]]:
    """(row, column) of each hidden cell a reader could work out by subtraction.

    A cell is recoverable when it is the only hidden cell of one exclusive group's
    equation (its members and its total column) in its row. ``make_public``'s output
    has none; a report's self-check and the tests rely on that.
    """
    found: list[tuple[str, str]] = []
    equations = _equations(table)
    for row, cells in _rows(table):
        for equation in equations:
            hidden = [column for column in equation.cells if _is_hidden(cells.get(column), text)]
            if len(hidden) == 1 and (row, hidden[0]) not in found:
                found.append((row, hidden[0]))
    return found


def _suppress_table(table: dict[str, Any], *, threshold: int, text: str) -> None:
    """Suppress one table in place (it is already the caller's private copy)."""
    equations = _equations(table)
    for _row, cells in _rows(table):
        for column, value in cells.items():
            if _is_count(value) and 1 <= value <= threshold:
                cells[column] = text
        changed = True
        while changed:
            changed = False
            for equation in equations:
                hidden = [
                    column for column in equation.cells if _is_hidden(cells.get(column), text)
                ]
                if len(hidden) != 1:
                    continue
                partner = _partner(equation, cells, text)
                if partner is not None:
                    cells[partner] = SECONDARY_TEXT
                    changed = True


def _partner(equation: _Equation, cells: dict[str, Any], text: str) -> str | None:
    """The cell to hide beside an equation's single hidden cell.

    The smallest non-zero count among the members that are still shown, the first
    in column order on a tie; else the total if it is a shown non-zero count. None
    only where the row does not add up (its total is hidden and no member is
    non-zero), which validation reports as an ``exclusive_sum`` violation.
    """
    candidates = [
        (cells[column], index)
        for index, column in enumerate(equation.members)
        if _is_count(cells.get(column)) and cells[column] > 0
    ]
    if candidates:
        _value, index = min(candidates)
        return equation.members[index]
    total = cells.get(equation.total)
    if _is_count(total) and total > 0:
        return equation.total
    return None


def _equations(table: dict[str, Any]) -> list[_Equation]:
    """The exclusive groups of a table whose total column the table has."""
    columns = [column["id"] for column in table.get("columns", [])]
    equations: list[_Equation] = []
    for group in table.get("groups", []):
        if group.get("kind") != "exclusive" or group.get("total") not in columns:
            continue
        total: str = group["total"]
        members = tuple(
            column["id"]
            for column in table.get("columns", [])
            if column.get("group") == group["id"] and column["id"] != total
        )
        if members:
            equations.append(_Equation(total=total, members=members))
    return equations


def _rows(table: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each row's cells, in display order, then any row in ``cells`` but not in ``rows``."""
    all_cells: dict[str, dict[str, Any]] = table.get("cells", {})
    order = [row for row in table.get("rows", []) if row in all_cells]
    order += [row for row in all_cells if row not in order]
    return [(row, all_cells[row]) for row in order]


def _is_count(value: Any) -> TypeGuard[int]:
    """An integer count; JSON ``true``/``false`` are not counts."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_hidden(value: Any, text: str) -> bool:
    return isinstance(value, str) and value in (text, SECONDARY_TEXT)
