"""Safe publication: small counts hidden, and no hidden count recoverable by subtraction."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.statistics.disclosure import (
    SECONDARY_TEXT,
    make_public,
    method_note,
    recoverable_cells,
)

H = "<5"
X = SECONDARY_TEXT  # a cell hidden only so that another cannot be worked out

SEX_COLUMNS: list[dict[str, Any]] = [
    {"id": "total", "label": "Total"},
    {"id": "sex.female", "label": "Female", "group": "sex"},
    {"id": "sex.male", "label": "Male", "group": "sex"},
    {"id": "sex.unknown", "label": "Not recorded", "group": "sex"},
]
AGE_COLUMNS: list[dict[str, Any]] = [
    {"id": "age.adult", "label": "Adult", "group": "age"},
    {"id": "age.child", "label": "Child", "group": "age"},
    {"id": "age.unknown", "label": "Not recorded", "group": "age"},
]
SEX = {"id": "sex", "label": "Sex", "kind": "exclusive", "total": "total"}
AGE = {"id": "age", "label": "Age", "kind": "exclusive", "total": "total"}


def table(
    cells: dict[str, dict[str, Any]],
    *,
    columns: list[dict[str, Any]] | None = None,
    groups: list[dict[str, Any]] | None = None,
    unit: str = "persons",
    table_id: str = "table_1",
) -> dict[str, Any]:
    return {
        "id": table_id,
        "title": "Identified victims",
        "population": "Identified victims, by year of identification",
        "unit": unit,
        "row_label": "Year",
        "rows": list(cells),
        "columns": SEX_COLUMNS if columns is None else columns,
        "groups": [SEX] if groups is None else groups,
        "cells": cells,
        "notes": [],
    }


def report(*tables: dict[str, Any]) -> dict[str, Any]:
    return {
        "report": "greta",
        "title": "GRETA questionnaire, Part III: statistics",
        "period": {"from": 2019, "to": 2025},
        "generated_at": "2026-11-25T21:00:00+04:00",
        "jurisdiction": "AZ",
        "public": False,
        "tables": list(tables),
        "relations": [],
        "violations": [],
        "notes": [],
    }


def public_cells(source: dict[str, Any], **options: Any) -> dict[str, dict[str, Any]]:
    """The cells of the first table of the public copy of a one-table report."""
    public = make_public(report(source), **options)
    assert recoverable_cells(public["tables"][0], options.get("text", H)) == []
    cells: dict[str, dict[str, Any]] = public["tables"][0]["cells"]
    return cells


def test_a_small_cell_in_the_sex_group_gets_its_smallest_partner_hidden() -> None:
    source = table(
        {
            "2019": {"total": 12, "sex.female": 10, "sex.male": 2, "sex.unknown": 0},
            "2020": {"total": 30, "sex.female": 9, "sex.male": 3, "sex.unknown": 18},
        }
    )
    assert public_cells(source) == {
        "2019": {"total": 12, "sex.female": X, "sex.male": H, "sex.unknown": 0},
        "2020": {"total": 30, "sex.female": X, "sex.male": H, "sex.unknown": 18},
    }


def test_a_row_with_nothing_small_is_shown_whole() -> None:
    row = {"total": 25, "sex.female": 10, "sex.male": 15, "sex.unknown": 0}
    assert public_cells(table({"2019": dict(row)})) == {"2019": row}


def test_a_small_total_is_hidden_with_its_small_members() -> None:
    source = table(
        {
            "2019": {"total": 3, "sex.female": 3, "sex.male": 0, "sex.unknown": 0},
            "2020": {"total": 4, "sex.female": 1, "sex.male": 2, "sex.unknown": 1},
        }
    )
    assert public_cells(source) == {
        "2019": {"total": H, "sex.female": H, "sex.male": 0, "sex.unknown": 0},
        "2020": {"total": H, "sex.female": H, "sex.male": H, "sex.unknown": H},
    }


def test_two_small_cells_in_one_group_need_no_partner() -> None:
    source = table({"2019": {"total": 20, "sex.female": 3, "sex.male": 2, "sex.unknown": 15}})
    assert public_cells(source) == {
        "2019": {"total": 20, "sex.female": H, "sex.male": H, "sex.unknown": 15}
    }


def test_a_total_hidden_for_one_group_is_hidden_in_the_other_group_sharing_it() -> None:
    # Sex is not applicable beyond one column, so the only partner the sex equation
    # has is the total; the hidden total leaves the age equation with one hidden
    # cell, so an age cell is hidden too.
    source = table(
        {
            "2019": {
                "total": 10,
                "sex.female": 3,
                "sex.male": None,
                "sex.unknown": None,
                "age.adult": 10,
                "age.child": 0,
                "age.unknown": 0,
            }
        },
        columns=SEX_COLUMNS + AGE_COLUMNS,
        groups=[SEX, AGE],
    )
    assert public_cells(source) == {
        "2019": {
            "total": X,
            "sex.female": H,
            "sex.male": None,
            "sex.unknown": None,
            "age.adult": X,
            "age.child": 0,
            "age.unknown": 0,
        }
    }


def test_a_partner_that_is_the_total_of_a_nested_group_spreads_to_that_group() -> None:
    columns = [
        {"id": "total", "label": "Total"},
        {"id": "age.adult", "label": "Adults", "group": "age"},
        {"id": "age.child", "label": "Children", "group": "age"},
        {"id": "adult.female", "label": "Women", "group": "adult_sex"},
        {"id": "adult.male", "label": "Men", "group": "adult_sex"},
    ]
    groups = [
        AGE,
        {"id": "adult_sex", "label": "Adults by sex", "kind": "exclusive", "total": "age.adult"},
    ]
    source = table(
        {
            "2019": {
                "total": 15,
                "age.adult": 12,
                "age.child": 3,
                "adult.female": 7,
                "adult.male": 5,
            }
        },
        columns=columns,
        groups=groups,
    )
    assert public_cells(source) == {
        "2019": {"total": 15, "age.adult": X, "age.child": H, "adult.female": 7, "adult.male": X}
    }


def test_zeros_and_nulls_are_shown() -> None:
    columns = [*SEX_COLUMNS, {"id": "returned", "label": "Returned home"}]
    source = table(
        {
            "2019": {
                "total": 9,
                "sex.female": 0,
                "sex.male": 9,
                "sex.unknown": 0,
                "returned": None,
            },
            "2020": {
                "total": None,
                "sex.female": None,
                "sex.male": None,
                "sex.unknown": None,
                "returned": 0,
            },
        },
        columns=columns,
    )
    assert public_cells(source) == source["cells"]


def test_a_table_of_amounts_is_left_alone() -> None:
    columns = [
        {"id": "total", "label": "Total"},
        {"id": "benefit.housing", "label": "Housing", "group": "benefit"},
        {"id": "benefit.cash", "label": "One-off payment", "group": "benefit"},
        {"id": "recipients", "label": "Recipients"},
    ]
    groups = [{"id": "benefit", "label": "Benefit", "kind": "exclusive", "total": "total"}]
    source = table(
        {
            "2019": {"total": 4, "benefit.housing": 1, "benefit.cash": 3, "recipients": 2},
            "2020": {
                "total": "1400.00",
                "benefit.housing": "700.00",
                "benefit.cash": "700.00",
                "recipients": 2,
            },
        },
        columns=columns,
        groups=groups,
        unit="amount",
    )
    assert public_cells(source) == source["cells"]


def test_decimal_amounts_in_a_table_of_counts_are_left_alone() -> None:
    columns = [*SEX_COLUMNS, {"id": "paid", "label": "Paid (AZN)"}]
    source = table(
        {"2019": {"total": 20, "sex.female": 20, "sex.male": 0, "sex.unknown": 0, "paid": "3.00"}},
        columns=columns,
    )
    assert public_cells(source) == source["cells"]


def test_a_multi_valued_group_and_an_ungrouped_column_get_primary_suppression_only() -> None:
    columns = [
        {"id": "total", "label": "Total"},
        {"id": "form.sexual", "label": "Sexual exploitation", "group": "form"},
        {"id": "form.labour", "label": "Forced labour", "group": "form"},
        {"id": "form.begging", "label": "Forced begging", "group": "form"},
        {"id": "assisted", "label": "Assisted"},
    ]
    groups = [{"id": "form", "label": "Form", "kind": "multi", "total": "total"}]
    source = table(
        {
            "2019": {
                "total": 10,
                "form.sexual": 3,
                "form.labour": 9,
                "form.begging": 0,
                "assisted": 2,
            }
        },
        columns=columns,
        groups=groups,
    )
    assert public_cells(source) == {
        "2019": {"total": 10, "form.sexual": H, "form.labour": 9, "form.begging": 0, "assisted": H}
    }


def test_threshold_and_text_come_from_the_caller() -> None:
    source = table({"2019": {"total": 30, "sex.female": 9, "sex.male": 11, "sex.unknown": 10}})
    assert public_cells(source, threshold=9, text="<10") == {
        "2019": {"total": 30, "sex.female": "<10", "sex.male": 11, "sex.unknown": X}
    }


def test_the_copy_is_public_with_one_note_and_the_source_is_untouched() -> None:
    source = report(
        table({"2019": {"total": 12, "sex.female": 10, "sex.male": 2, "sex.unknown": 0}})
    )
    source["notes"] = ["Figures for 2025 are provisional."]
    before = copy.deepcopy(source)
    public = make_public(source)
    assert source == before
    assert public["public"] is True
    assert public["notes"] == [
        "Figures for 2025 are provisional.",
        method_note(threshold=4, text="<5"),
    ]
    assert make_public(public) == public


def test_the_note_names_the_threshold_and_the_text() -> None:
    assert method_note(threshold=9, text="<10").startswith("Counts from 1 to 9 are shown as <10;")
    assert method_note(threshold=1, text="x").startswith("Counts of 1 are shown as x;")


def test_a_threshold_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        make_public(report(), threshold=0)


def test_recoverable_cells_finds_a_lone_hidden_cell_of_an_equation() -> None:
    columns = SEX_COLUMNS + AGE_COLUMNS
    hidden = table(
        {
            "2019": {
                "total": 12,
                "sex.female": 10,
                "sex.male": H,
                "sex.unknown": 0,
                "age.adult": H,
                "age.child": H,
                "age.unknown": 0,
            },
            "2020": {
                "total": H,
                "sex.female": H,
                "sex.male": 0,
                "sex.unknown": 0,
                "age.adult": 0,
                "age.child": H,
                "age.unknown": 0,
            },
        },
        columns=columns,
        groups=[SEX, AGE],
    )
    assert recoverable_cells(hidden) == [("2019", "sex.male")]
    assert recoverable_cells(hidden, text="x") == []


# Property: random tables whose exclusive groups add up, as the register produces them.


@st.composite
def consistent_tables(draw: st.DrawFn) -> dict[str, Any]:
    group_count = draw(st.integers(1, 3))
    member_counts = [draw(st.integers(1, 4)) for _ in range(group_count)]
    columns: list[dict[str, Any]] = [{"id": "total", "label": "Total"}]
    groups: list[dict[str, Any]] = []
    for g, members in enumerate(member_counts):
        groups.append({"id": f"g{g}", "label": f"G{g}", "kind": "exclusive", "total": "total"})
        columns += [
            {"id": f"g{g}.m{m}", "label": f"M{m}", "group": f"g{g}"} for m in range(members)
        ]
    with_multi = draw(st.booleans())
    if with_multi:
        groups.append({"id": "multi", "label": "Multi", "kind": "multi", "total": "total"})
        columns += [{"id": f"multi.m{m}", "label": f"M{m}", "group": "multi"} for m in range(2)]
    columns.append({"id": "other", "label": "Other"})
    counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
    cells: dict[str, dict[str, Any]] = {}
    for r in range(draw(st.integers(1, 5))):
        total = draw(counts)
        row: dict[str, Any] = {"total": total}
        for g, members in enumerate(member_counts):
            cuts = sorted(draw(st.integers(0, total)) for _ in range(members - 1))
            bounds = [0, *cuts, total]
            for m in range(members):
                row[f"g{g}.m{m}"] = bounds[m + 1] - bounds[m]
        if with_multi:
            row["multi.m0"] = draw(st.integers(0, total))
            row["multi.m1"] = total - row["multi.m0"] + draw(st.integers(0, total))
        row["other"] = draw(st.one_of(st.none(), counts))
        cells[str(2019 + r)] = row
    return table(cells, columns=columns, groups=groups)


@settings(max_examples=300, deadline=None)
@given(
    tables=st.lists(consistent_tables(), min_size=1, max_size=3),
    threshold=st.integers(1, 6),
)
def test_random_consistent_tables_are_published_safely(
    tables: list[dict[str, Any]], threshold: int
) -> None:
    source = report(*tables)
    before = copy.deepcopy(source)
    public = make_public(source, threshold=threshold, text=H)
    assert source == before
    assert public["public"] is True
    assert public["notes"] == [method_note(threshold=threshold, text=H)]
    for original, published in zip(source["tables"], public["tables"], strict=True):
        assert recoverable_cells(published, H) == []
        for row, cells in published["cells"].items():
            assert cells.keys() == original["cells"][row].keys()
            for column, value in cells.items():
                was = original["cells"][row][column]
                if value in (H, X):
                    assert isinstance(was, int) and was >= 1
                else:
                    assert value == was
                    assert not (isinstance(value, int) and 1 <= value <= threshold)
