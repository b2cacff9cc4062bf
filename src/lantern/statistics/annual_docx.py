"""The annual report as a Word document: the text blocks in the order of seed 000, each register
section's headline figures as "Label: value (change)", the charts with captions, the tables
and the validation.

A pure function of the report dict and the charts drawn from it, like ``writers.write_docx``,
whose table rendering it reuses. The document is built with python-docx. This is the built-in
layout; a ministry that wants its own letterhead, order or styles gives a Word template instead
(``docx_template.py``, ``lantern report annual --template``), which puts the same figure lines,
charts and tables where its placeholders stand.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length, Mm
from docx.text.paragraph import Paragraph

from lantern.statistics.writers import (
    _clean,
    _docx_table,
    _docx_violations,
    _generated_at,
    _page,
    _small,
    _Table,
    _tables,
    _texts,
)

CHART_WIDTH = Mm(160)
PART_INDENT = Mm(8)


def figure_line(figure: Mapping[str, Any]) -> str:
    """The line a figure is printed as: "Facts detected: 159 (+2)"; no brackets when hidden."""
    text = f"{_clean(figure.get('label'))}: {_clean(figure.get('value'))}"
    change = _clean(figure.get("change_text"))
    return f"{text} {change}" if change else text


def write_figures(document: WordDocument, section: Mapping[str, Any]) -> None:
    """Append the section's figures as lines, each part indented beneath its figure."""
    group = None
    for figure in section.get("figures") or []:
        if not isinstance(figure, Mapping):
            continue
        if not figure.get("part_of"):
            group = None
            document.add_paragraph(figure_line(figure))
            continue
        if figure.get("group") != group:
            group = figure.get("group")
            heading = document.add_paragraph()
            heading.paragraph_format.left_indent = PART_INDENT
            heading.add_run(f"{_clean(group)}:").italic = True
        line = document.add_paragraph(figure_line(figure))
        line.paragraph_format.left_indent = PART_INDENT * 2
        line.paragraph_format.space_after = Mm(0)


def write_chart(
    document: WordDocument,
    number: int,
    caption: str,
    png: bytes,
    width: Length = CHART_WIDTH,
) -> Paragraph:
    """Append the chart, centred, with its numbered caption; returns the picture's paragraph."""
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(png), width=width)
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("Chart %(number)s. %(caption)s") % {"number": number, "caption": _clean(caption)},
        style="Caption",
    )
    return picture


def write_table(document: WordDocument, table: _Table) -> None:
    """Append a table under its title, with its population above it and its notes beneath."""
    document.add_heading(table.title, level=2)
    if table.population:
        document.add_paragraph().add_run(table.population).italic = True
    _docx_table(document, table)
    for note in table.notes:
        _small(document, note, italic=True)


def validation_titles(report: Mapping[str, Any], tables: Sequence[_Table]) -> dict[str, str]:
    """What a violation's "table" names, in words: a table's title, or a section's."""
    titles = {table.id: table.title for table in tables}
    for section in report.get("sections") or []:
        if isinstance(section, Mapping):
            titles[str(section.get("id"))] = _clean(section.get("title"))
    return titles


def _blocks(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The narrative blocks in order; a section no block names comes after them."""
    blocks = [b for b in report.get("narrative") or [] if isinstance(b, Mapping)]
    named = {b.get("id") for b in blocks}
    for section in report.get("sections") or []:
        if isinstance(section, Mapping) and section.get("id") not in named:
            blocks.append({"id": section.get("id"), "title": section.get("title")})
    return blocks


def write_annual_docx(
    report: dict[str, Any], charts: Sequence[tuple[str, bytes]], target: BinaryIO | Path
) -> None:
    """Write the annual report with its charts (caption, PNG) as a Word document."""
    tables = _tables(report)
    document = Document()
    _page(document.sections[0], landscape=False)
    title = _clean(report.get("title"))
    properties = document.core_properties
    properties.title = title[:255]
    properties.author = properties.last_modified_by = "Lantern"
    properties.created = properties.modified = _generated_at(report) or datetime.now(UTC)
    properties.revision = 1

    document.add_heading(title, level=0)
    previous = _clean(report.get("compared_with"))
    if previous:
        document.add_paragraph(
            _("The change in brackets after a figure compares it with %(year)s.")
            % {"year": previous}
        )
    generated = _clean(report.get("generated_at"))
    if generated:
        _small(document, _("Generated at %(moment)s") % {"moment": generated})

    sections = {
        section.get("id"): section
        for section in report.get("sections") or []
        if isinstance(section, Mapping)
    }
    for block in _blocks(report):
        document.add_heading(_clean(block.get("title")), level=1)
        for text in _texts(block.get("paragraphs")):
            paragraph = document.add_paragraph()
            paragraph.add_run(text).italic = bool(block.get("placeholder"))
        section = sections.get(block.get("id"))
        if section is not None:
            write_figures(document, section)

    if charts:
        document.add_heading(_("Charts"), level=1)
        for number, (caption, png) in enumerate(charts, 1):
            write_chart(document, number, caption, png)

    landscape = False
    for position, table in enumerate(tables):
        if table.wide != landscape or position == 0:
            landscape = table.wide
            _page(document.add_section(WD_SECTION.NEW_PAGE), landscape)
        if position == 0:
            document.add_heading(_("Tables"), level=1)
        write_table(document, table)

    notes = _texts(report.get("notes"))
    if notes:
        document.add_heading(_("Notes"), level=1)
        for note in notes:
            document.add_paragraph(note)
    document.add_heading(_("Validation"), level=1)
    _docx_violations(document, report, validation_titles(report, tables))
    document.save(str(target) if isinstance(target, Path) else target)
