"""The XLSX and DOCX renderings of a report: every value in its place, nothing executable."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.table import Table as WordTable
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from lantern.statistics.writers import write_docx, write_xlsx

HOSTILE = "=cmd|' /C calc'!A0"
PASSED = (
    "Every breakdown adds up to its total and every table agrees with the tables it depends on."
)


def sample_report() -> dict[str, Any]:
    """Two tables: a wide one with an exclusive and a multi-valued group, and one of amounts."""
    return {
        "report": "greta",
        "title": "GRETA questionnaire, Part III: statistics",
        "period": {"from": 2019, "to": 2021},
        "generated_at": "2026-11-25T21:00:00+04:00",
        "jurisdiction": "AZ",
        "public": True,
        "tables": [
            {
                "id": "table_1",
                "title": "Presumed and identified victims",
                "population": "Identified victims, by year of identification",
                "unit": "persons",
                "row_label": "Year",
                "rows": ["2019", "2020", "2021"],
                "columns": [
                    {"id": "total", "label": "Total"},
                    {"id": "sex.female", "label": "Female", "group": "sex"},
                    {"id": "sex.male", "label": "Male", "group": "sex"},
                    {"id": "sex.unknown", "label": "Not recorded", "group": "sex"},
                    {"id": "form.sexual", "label": "Sexual exploitation", "group": "form"},
                    {"id": "form.labour", "label": "Forced labour", "group": "form"},
                    {"id": "form.begging", "label": "Forced begging", "group": "form"},
                    {"id": "form.other", "label": HOSTILE, "group": "form"},
                ],
                "groups": [
                    {"id": "sex", "label": "Sex", "kind": "exclusive", "total": "total"},
                    {
                        "id": "form",
                        "label": "Form of exploitation",
                        "kind": "multi",
                        "total": "total",
                    },
                ],
                "cells": {
                    "2019": {
                        "total": 12,
                        "sex.female": 10,
                        "sex.male": "<5",
                        "sex.unknown": 0,
                        "form.sexual": 9,
                        "form.labour": "<5",
                        "form.begging": None,
                        "form.other": 0,
                    },
                    "2020": {
                        "total": 1234,
                        "sex.female": 1000,
                        "sex.male": 200,
                        "sex.unknown": 34,
                        "form.sexual": 700,
                        "form.labour": 600,
                        "form.begging": 5,
                        "form.other": 6,
                    },
                    "2021": {
                        "total": 0,
                        "sex.female": 0,
                        "sex.male": 0,
                        "sex.unknown": 0,
                        "form.sexual": 0,
                        "form.labour": 0,
                        "form.begging": 0,
                        "form.other": 0,
                    },
                },
                "notes": ["A victim may have suffered several forms of exploitation."],
            },
            {
                "id": "table_2",
                "title": "Compensation awarded to victims",
                "population": "Victims awarded compensation, by year of the judgment",
                "unit": "AZN",
                "row_label": "Year",
                "rows": ["2019", "2020"],
                "columns": [
                    {"id": "total", "label": "Total"},
                    {"id": "payer.offender", "label": "Offender", "group": "payer"},
                    {"id": "payer.state", "label": "State fund", "group": "payer"},
                    {"id": "average", "label": "Average per victim"},
                ],
                "groups": [
                    {"id": "payer", "label": "Paid by", "kind": "exclusive", "total": "total"},
                ],
                "cells": {
                    "2019": {
                        "total": "700.00",
                        "payer.offender": "200.50",
                        "payer.state": "499.50",
                        "average": "350.00",
                    },
                    "2020": {
                        "total": "0.00",
                        "payer.offender": "0.00",
                        "payer.state": "0.00",
                        "average": None,
                    },
                },
                "notes": [],
            },
        ],
        "relations": [
            {"kind": "subset", "table": "table_2", "of": "table_1", "columns": {"total": "total"}}
        ],
        "violations": [
            {
                "rule": "exclusive_sum",
                "table": "table_1",
                "row": "2020",
                "cells": ["total", "sex.female", "sex.male", "sex.unknown"],
                "message": "Sex: 1233 ≠ total 1234",
            }
        ],
        "notes": [
            "Counts from 1 to 4 are shown as <5.",
            "@SUM(1+1)*cmd|' /C calc'!A0",
        ],
    }


def columns_of(table: dict[str, Any]) -> list[dict[str, Any]]:
    return list(table["columns"])


def group_label(table: dict[str, Any], column: dict[str, Any]) -> str | None:
    labels = {group["id"]: group["label"] for group in table["groups"]}
    return labels.get(column["group"]) if column.get("group") else None


def shown(value: Any) -> str:
    """The text a Word cell shows for a JSON value."""
    return "" if value is None else str(value)


# XLSX


def xlsx(report: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "report.xlsx"
    write_xlsx(report, path)
    return path


def sheet(path: Path, name: str) -> Worksheet:
    worksheet = load_workbook(path)[name]
    assert isinstance(worksheet, Worksheet)
    return worksheet


def cell(worksheet: Worksheet, row: int, column: int) -> Cell:
    found = worksheet.cell(row=row, column=column)
    assert isinstance(found, Cell), f"{found.coordinate} is merged into another cell"
    return found


def merged(worksheet: Worksheet) -> set[str]:
    return {str(cells) for cells in worksheet.merged_cells.ranges}


def test_the_workbook_has_about_a_sheet_per_table_and_notes(tmp_path: Path) -> None:
    workbook = load_workbook(xlsx(sample_report(), tmp_path))
    assert workbook.sheetnames == ["About", "Table 1", "Table 2", "Notes"]


def test_each_table_sheet_is_headed_like_the_greta_reply(tmp_path: Path) -> None:
    report = sample_report()
    path = xlsx(report, tmp_path)
    worksheet = sheet(path, "Table 1")
    table = report["tables"][0]

    assert worksheet["A1"].value == table["title"]
    assert worksheet["A1"].font.bold
    assert worksheet["A2"].value == "Identified victims, by year of identification (persons)"
    ranges = merged(worksheet)
    assert {"A1:I1", "A2:I2"} <= ranges
    # Row label and the ungrouped "Total" span both header rows; groups span their columns.
    assert worksheet["A3"].value == "Year"
    assert worksheet["B3"].value == "Total"
    assert worksheet["C3"].value == "Sex"
    assert worksheet["F3"].value == "Form of exploitation"
    assert {"A3:A4", "B3:B4", "C3:E3", "F3:I3"} <= ranges
    assert [worksheet.cell(row=4, column=c).value for c in range(3, 10)] == [
        column["label"] for column in columns_of(table)[1:]
    ]
    assert worksheet.freeze_panes == "B5"
    assert worksheet["C5"].border.left.style == "thin"
    assert worksheet.column_dimensions["F"].width > len("Sexual exploitation")


def test_every_value_of_the_json_is_in_its_row_and_column(tmp_path: Path) -> None:
    report = sample_report()
    path = xlsx(report, tmp_path)
    for table, name in zip(report["tables"], ["Table 1", "Table 2"], strict=True):
        worksheet = sheet(path, name)
        first_data = 5  # title, population, two header rows
        columns = columns_of(table)
        # Find each column by its header (group label above, column label below).
        headers: dict[tuple[str | None, str], int] = {}
        for index in range(2, len(columns) + 2):
            top = worksheet.cell(row=3, column=index)
            below = worksheet.cell(row=4, column=index)
            if isinstance(below, MergedCell):  # an ungrouped column spanning both rows
                headers[(None, str(top.value))] = index
            else:
                group_top = next(
                    worksheet.cell(row=3, column=c)
                    for c in range(index, 1, -1)
                    if isinstance(worksheet.cell(row=3, column=c), Cell)
                )
                headers[(str(group_top.value), str(below.value))] = index
        rows = {
            str(worksheet.cell(row=r, column=1).value): r
            for r in range(first_data, first_data + len(table["rows"]))
        }
        assert list(rows) == table["rows"]
        for row in table["rows"]:
            for column in columns:
                value = table["cells"][row][column["id"]]
                found = cell(
                    worksheet,
                    rows[row],
                    headers[(group_label(table, column), column["label"])],
                )
                if value is None:
                    assert found.value is None
                elif isinstance(value, int):
                    assert found.value == value
                    assert found.data_type == "n"
                elif value == "<5":
                    assert found.value == "<5"
                    assert found.data_type == "s"
                else:  # an amount
                    assert isinstance(found.value, int | float)
                    assert Decimal(str(found.value)) == Decimal(value)
                    assert found.number_format == "0.00"


def test_table_notes_follow_the_table(tmp_path: Path) -> None:
    worksheet = sheet(xlsx(sample_report(), tmp_path), "Table 1")
    assert worksheet["A9"].value == "A victim may have suffered several forms of exploitation."


def test_a_hostile_label_is_text_not_a_formula(tmp_path: Path) -> None:
    path = xlsx(sample_report(), tmp_path)
    worksheet = sheet(path, "Table 1")
    hostile = worksheet["I4"]
    assert hostile.value == HOSTILE
    assert hostile.data_type != "f"
    assert hostile.quotePrefix  # shown and edited as text, as if typed after an apostrophe
    notes = sheet(path, "Notes")
    note = next(c for row in notes.iter_rows() for c in row if str(c.value).startswith("@"))
    assert note.data_type != "f"
    assert note.quotePrefix
    # No formula anywhere in the file.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_text_that_looks_like_an_error_or_a_number_stays_text(tmp_path: Path) -> None:
    report = sample_report()
    table = report["tables"][0]
    table["columns"][1]["label"] = "#N/A"
    table["rows"][0] = "-1"
    table["cells"]["-1"] = table["cells"].pop("2019")
    worksheet = sheet(xlsx(report, tmp_path), "Table 1")
    assert (worksheet["C4"].value, worksheet["C4"].data_type) == ("#N/A", "s")
    assert (worksheet["A5"].value, worksheet["A5"].data_type) == ("-1", "s")


def test_the_about_sheet_and_the_notes_sheet(tmp_path: Path) -> None:
    report = sample_report()
    path = xlsx(report, tmp_path)
    about = sheet(path, "About")
    texts = [c.value for row in about.iter_rows() for c in row if c.value is not None]
    assert about["A1"].value == report["title"]
    for expected in ["2019–2021", "2026-11-25T21:00:00+04:00", "Yes", "AZ", "Table 1"]:
        assert expected in texts
    assert report["tables"][1]["title"] in texts

    notes = sheet(path, "Notes")
    lines = [
        [c.value for c in row if c.value is not None]
        for row in notes.iter_rows()
        if any(c.value is not None for c in row)
    ]
    assert ["Counts from 1 to 4 are shown as <5."] in lines
    assert ["Rule", "Table", "Row", "Message"] in lines
    assert ["exclusive_sum", "Table 1", "2020", "Sex: 1233 ≠ total 1234"] in lines


def test_a_report_without_violations_says_so(tmp_path: Path) -> None:
    report = sample_report()
    report["violations"] = []
    notes = sheet(xlsx(report, tmp_path), "Notes")
    assert PASSED in [c.value for row in notes.iter_rows() for c in row]


def test_sheet_names_are_valid_distinct_and_short(tmp_path: Path) -> None:
    report = sample_report()
    second = copy.deepcopy(report["tables"][1])
    report["tables"][0]["id"] = "notes"
    report["tables"][1]["id"] = "a_very_long_table_identifier_of_the_annual_report/[x]"
    second["id"] = "A very long table identifier of the annual report"
    report["tables"].append(second)
    workbook = load_workbook(xlsx(report, tmp_path))
    names = workbook.sheetnames
    assert len(names) == len({name.casefold() for name in names}) == 5
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert names[1] == "Notes (2)"


def test_the_workbook_can_be_written_to_a_stream() -> None:
    stream = io.BytesIO()
    write_xlsx(sample_report(), stream)
    stream.seek(0)
    assert load_workbook(stream).sheetnames[1] == "Table 1"


# DOCX


def docx(report: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "report.docx"
    write_docx(report, path)
    return path


def paragraphs(document: WordDocument) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def test_the_document_has_title_period_and_a_heading_per_table(tmp_path: Path) -> None:
    report = sample_report()
    document = Document(str(docx(report, tmp_path)))
    texts = paragraphs(document)
    assert texts[0] == report["title"]
    assert document.paragraphs[0].style is not None
    assert document.paragraphs[0].style.name == "Title"
    assert "Period: 2019–2021" in texts
    for table in report["tables"]:
        heading = next(p for p in document.paragraphs if p.text == table["title"])
        assert heading.style is not None and heading.style.name == "Heading 1"
    assert "Identified victims, by year of identification (persons)" in texts
    assert "A victim may have suffered several forms of exploitation." in texts
    assert document.core_properties.title == report["title"]


def test_every_value_of_the_json_is_in_its_word_table(tmp_path: Path) -> None:
    report = sample_report()
    document = Document(str(docx(report, tmp_path)))
    for table, grid in zip(report["tables"], document.tables, strict=False):
        assert grid.style is not None and grid.style.name == "Table Grid"
        columns = columns_of(table)
        assert len(grid.columns) == len(columns) + 1
        assert grid.cell(0, 0).text == table["row_label"]
        # The row label cell and ungrouped columns span both header rows.
        assert grid.cell(0, 0)._tc is grid.cell(1, 0)._tc
        for index, column in enumerate(columns, 1):
            group = group_label(table, column)
            if group is None:
                assert grid.cell(0, index).text == column["label"]
                assert grid.cell(0, index)._tc is grid.cell(1, index)._tc
            else:
                assert grid.cell(0, index).text == group
                assert grid.cell(1, index).text == column["label"]
        for offset, row in enumerate(table["rows"], 2):
            assert grid.cell(offset, 0).text == row
            for index, column in enumerate(columns, 1):
                assert grid.cell(offset, index).text == shown(table["cells"][row][column["id"]])


def test_group_header_cells_are_merged(tmp_path: Path) -> None:
    document = Document(str(docx(sample_report(), tmp_path)))
    first = document.tables[0]
    top = first.rows[0].cells
    # "Sex" spans three columns, "Form of exploitation" four: one cell each in the top row.
    assert top[2]._tc is top[3]._tc is top[4]._tc
    assert top[5]._tc is top[8]._tc
    assert top[4]._tc is not top[5]._tc
    assert first.rows[2].cells[3].text == "<5"


def test_a_wide_table_gets_a_landscape_page(tmp_path: Path) -> None:
    report = sample_report()
    document = Document(str(docx(report, tmp_path)))
    orientation_of: dict[str, WD_ORIENT] = {}
    for section in document.sections:
        for block in section.iter_inner_content():
            if isinstance(block, WordTable) and block.cell(0, 0).text == "Year":
                orientation_of[block.rows[-1].cells[0].text] = section.orientation
                assert section.page_width is not None and section.page_height is not None
                if section.orientation == WD_ORIENT.LANDSCAPE:
                    assert section.page_width > section.page_height
    # Table 1 has 9 columns (row labels included), table 2 has 5.
    assert orientation_of == {"2021": WD_ORIENT.LANDSCAPE, "2020": WD_ORIENT.PORTRAIT}
    # The title page is already landscape for the wide first table: no blank page before it.
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert len(document.sections) == 2


def test_narrow_tables_stay_portrait(tmp_path: Path) -> None:
    report = sample_report()
    del report["tables"][0]
    document = Document(str(docx(report, tmp_path)))
    assert [section.orientation for section in document.sections] == [WD_ORIENT.PORTRAIT]


def test_notes_and_violations_close_the_document(tmp_path: Path) -> None:
    report = sample_report()
    document = Document(str(docx(report, tmp_path)))
    texts = paragraphs(document)
    assert texts.index("Notes") < texts.index("Counts from 1 to 4 are shown as <5.")
    assert texts.index("Validation") > texts.index("Notes")
    violations = document.tables[-1]
    assert [c.text for c in violations.rows[0].cells] == ["Rule", "Table", "Row", "Message"]
    assert [c.text for c in violations.rows[1].cells] == [
        "exclusive_sum",
        "Presumed and identified victims",
        "2020",
        "Sex: 1233 ≠ total 1234",
    ]
    assert PASSED not in texts


def test_a_document_without_violations_says_so(tmp_path: Path) -> None:
    report = sample_report()
    report["violations"] = []
    report["notes"] = []
    document = Document(str(docx(report, tmp_path)))
    texts = paragraphs(document)
    assert "Notes" not in texts
    assert texts[texts.index("Validation") + 1] == PASSED
    assert len(document.tables) == 2


def test_text_xml_cannot_hold_is_dropped_not_fatal(tmp_path: Path) -> None:
    report = sample_report()
    report["tables"][0]["columns"][0]["label"] = "Tot\x00al\x1b"
    write_docx(report, tmp_path / "report.docx")
    write_xlsx(report, tmp_path / "report.xlsx")
    assert Document(str(tmp_path / "report.docx")).tables[0].cell(0, 1).text == "Total"
    assert sheet(tmp_path / "report.xlsx", "Table 1")["B3"].value == "Total"


# Both files open in LibreOffice, when it is installed.

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_both_files_to_pdf(tmp_path: Path) -> None:
    assert OFFICE is not None
    report = sample_report()
    sources = [xlsx(report, tmp_path), docx(report, tmp_path)]
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    for source in sources:
        pdf = source.with_suffix(".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
