"""GRETA Part III on the demo history: every table, consistent, the same in JSON, XLSX and DOCX,
and safe to publish."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document
from openpyxl import load_workbook

from lantern.assistance.demo import generate_demo_assistance
from lantern.core.demo import ensure_demo_accounts
from lantern.justice.demo import TABLE_10, generate_demo_justice
from lantern.nrm.demo import generate_demo_referrals
from lantern.register.demo import generate_demo_history
from lantern.statistics.disclosure import recoverable_cells
from lantern.statistics.greta import build_greta
from lantern.statistics.reports import publishable, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def greta(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Two years of demo history with everything built on it, reported once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2022, 2023], demo_staff=True)
        generate_demo_referrals()
        generate_demo_assistance()
        generate_demo_justice()
        yield build_greta(2019, 2025)
        transaction.set_rollback(True)


def _numbers(report: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    return {
        (table["id"], row, column): value
        for table in report["tables"]
        for row, cells in table["cells"].items()
        for column, value in cells.items()
    }


def test_all_ten_tables_and_every_breakdown_adds_up(greta: dict[str, Any], az_pack: Path) -> None:
    ids = {table["id"] for table in greta["tables"]}
    assert {f"table_{number}" for number in range(1, 11)} <= ids
    assert greta["violations"] == []
    checked = 0
    for table in greta["tables"]:
        for group in table["groups"]:
            members = [c["id"] for c in table["columns"] if c.get("group") == group["id"]]
            for row in table["rows"]:
                cells = table["cells"][row]
                if group["kind"] == "exclusive" and table["unit"] != "amount":
                    assert sum(cells[m] for m in members) == cells["total"], (table["id"], row)
                    checked += 1
    assert checked > 100
    table_1 = next(t for t in greta["tables"] if t["id"] == "table_1")
    assert table_1["cells"]["2023"]["total"] > 0
    table_10 = next(t for t in greta["tables"] if t["id"] == "table_10")
    for year, row in TABLE_10.items():
        assert table_10["cells"][str(year)]["total"] == row.persons
        assert table_10["cells"][str(year)]["judgments"] == row.judgments


def test_xlsx_and_docx_show_the_numbers_of_the_json(greta: dict[str, Any], az_pack: Path) -> None:
    xlsx, docx = io.BytesIO(), io.BytesIO()
    write_report(greta, "xlsx", xlsx)
    write_report(greta, "docx", docx)
    workbook = load_workbook(io.BytesIO(xlsx.getvalue()))
    document = Document(io.BytesIO(docx.getvalue()))
    sheet_values = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    word_cells = [
        [cell.text for cell in row.cells] for table in document.tables for row in table.rows
    ]
    for table in greta["tables"]:
        sheet = next(s for s in workbook.worksheets if table["title"] in _texts(s))
        header = _header_row(sheet, table)
        for row in table["rows"]:
            line = next(r for r in sheet.iter_rows(values_only=True) if str(r[0]) == row)
            expected = [table["cells"][row][c["id"]] for c in table["columns"]]
            assert [_plain(v) for v in line[1 : 1 + len(expected)]] == [
                _plain(v) for v in expected
            ], (table["id"], row, header)
            assert [_plain(row), *[_plain(v) for v in expected]] in [
                [_plain(text) for text in cells] for cells in word_cells
            ], (table["id"], row)
    assert greta["title"] in sheet_values or any(greta["title"] in v for v in sheet_values)


def _texts(sheet: Any) -> set[str]:
    return {str(v) for row in sheet.iter_rows(values_only=True, max_row=3) for v in row if v}


def _header_row(sheet: Any, table: dict[str, Any]) -> list[Any]:
    return [
        r
        for r in sheet.iter_rows(values_only=True, max_row=6)
        if table["row_label"] in [str(v) for v in r]
    ]


def _plain(value: Any) -> str:
    """A number as a reader sees it: 12, 700.00 and 700 compare equal."""
    if value is None:
        return ""
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{number:.2f}"


def test_public_output_hides_small_counts_and_nothing_can_be_worked_back(
    greta: dict[str, Any], az_pack: Path
) -> None:
    public = publishable(greta)
    assert public["public"] is True
    hidden = 0
    for table in public["tables"]:
        if table["unit"] == "amount":
            continue
        for cells in table["cells"].values():
            for value in cells.values():
                assert not (isinstance(value, int) and 1 <= value <= 4), table["id"]
                hidden += value == "<5"
        assert recoverable_cells(table) == [], table["id"]
    assert hidden > 0
    assert any("<5" in note for note in public["notes"])
    exact = _numbers(greta)
    for key, value in _numbers(public).items():
        if value not in ("<5", "x"):
            assert value == exact[key]


def test_the_command_writes_each_format(
    greta: dict[str, Any], az_pack: Path, tmp_path: Path
) -> None:
    for output_format in ("json", "xlsx", "docx"):
        target = tmp_path / f"greta.{output_format}"
        call_command(
            "report",
            "greta",
            "--from",
            "2022",
            "--to",
            "2023",
            "--format",
            output_format,
            "--output",
            str(target),
            "--public",
        )
        assert target.stat().st_size > 1000
    written = json.loads((tmp_path / "greta.json").read_text(encoding="utf-8"))
    assert written["public"] is True and written["period"] == {"from": 2022, "to": 2023}
