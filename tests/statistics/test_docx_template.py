"""The annual report through a ministry's Word template (docx_template.py), on the small register
of test_annual.py whose figures are worked out by hand: the starter template the command writes,
the same template edited as Word would (runs split, paragraphs reordered or deleted, styles
changed, placeholders in a table, a header and a footer), public output, and the templates that
are refused with every problem listed and no file written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from lantern.statistics.annual import NARRATIVE, SECTIONS, build_annual, figures
from lantern.statistics.annual_docx import figure_line
from lantern.statistics.charts import ANNUAL_CHART_IDS
from lantern.statistics.docx_template import (
    TemplateError,
    annual_outline,
    render_annual_template,
)
from lantern.statistics.reports import publishable
from tests.statistics.conftest import STATISTICIAN
from tests.statistics.test_annual import EXPECTED, YEAR, register

__all__ = ["register"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("register", "statistician")]

TABLE_IDS = [
    "facts", "ict_facts", "criminal_cases", "defendants", "cases_to_court", "persons_to_court",
    "convicted", "wanted", "wanted_local", "wanted_detained", "wanted_international", "victims",
    "victims_citizenship", "victims_countries", "victims_regions", "payments", "payment_amounts",
    "shelter", "services", "referrals", "legal_aid", "children_supported", "reflection_periods",
    "hotline",
]  # fmt: skip


def _starter(tmp_path: Path) -> Path:
    target = tmp_path / "annual-template.docx"
    out = io.StringIO()
    call_command("report", "template", "annual", "--output", str(target), stdout=out)
    assert str(target) in out.getvalue()
    return target


def _render(template: Path, target: Path, *extra: str) -> WordDocument:
    call_command(
        "report", "annual", "--year", str(YEAR), "--user", STATISTICIAN, "--format", "docx",
        "--template", str(template), "--output", str(target), *extra,
    )  # fmt: skip
    return Document(str(target))


def _texts(document: WordDocument) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _all_text(document: WordDocument) -> str:
    """Every w:t of the document, headers and footers included."""
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    return "\n".join(
        "".join(t.text or "" for t in part.iter(qn("w:t"))) for part in parts if part is not None
    )


def _paragraph(document: WordDocument, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text == text)


def _line(figure_id: str) -> str:
    """The figure line the register's EXPECTED figures print, e.g. 'Facts detected: 4 (+1)'."""
    found = {figure["id"]: figure for figure in figures(build_annual(YEAR))}
    return figure_line(found[figure_id])


def test_the_starter_template_offers_every_placeholder_and_renders_the_whole_report(
    tmp_path: Path,
) -> None:
    template = tmp_path / "annual-template.docx"
    out = io.StringIO()
    call_command("report", "template", "annual", "--output", str(template), stdout=out)
    # The title twice (header, first line), the introduction's 7, 2 per narrative block, the 3
    # sections, 11 charts, 24 tables, the notes and the validation.
    assert out.getvalue() == f"Wrote {template} (75 placeholders).\n"
    starter = Document(str(template))
    texts = _texts(starter)
    for block_id, _title in NARRATIVE:
        assert f"{{{{ heading.{block_id} }}}}" in texts
        assert f"{{{{ narrative.{block_id} }}}}" in texts
    for section in SECTIONS:
        assert f"{{{{ section.{section.id} }}}}" in texts
    assert [t for t in texts if t.startswith("{{ chart.")] == [
        f"{{{{ chart.{chart_id} }}}}" for chart_id in ANNUAL_CHART_IDS
    ]
    assert [t for t in texts if t.startswith("{{ table.")] == [
        f"{{{{ table.{table_id} }}}}" for table_id in TABLE_IDS
    ]
    assert "{{ notes }}" in texts and "{{ validation }}" in texts
    assert starter.sections[0].header.paragraphs[0].text == "{{ title }}"
    assert len(ANNUAL_CHART_IDS) == 11

    output = tmp_path / "report.docx"
    document = _render(template, output)
    texts = _texts(document)
    report = build_annual(YEAR)
    assert "{{" not in _all_text(document)
    assert texts[0] == "Report on combating trafficking in human beings in 2012"
    assert document.sections[0].header.paragraphs[0].text == texts[0]
    assert document.core_properties.title == texts[0]
    assert "The change in brackets after a figure compares it with 2011." in texts
    assert (
        "In 2012, 2 victims of trafficking were identified (no change) and 4 facts of "
        "trafficking were detected (+1)." in texts
    )
    for figure in figures(report):
        assert figure_line(figure) in texts, figure["id"]
    assert "Facts detected: 4 (+1)" in texts
    assert "Defendants: 1 (-2)" in texts
    # Headings are the blocks' titles; a block nobody wrote keeps its placeholder sentence.
    assert "Changes to legislation and institutions" in texts
    assert any("To be written by the secretariat" in text for text in texts)
    assert len(document.inline_shapes) == len(ANNUAL_CHART_IDS)
    captions = [text for text in texts if text.startswith("Chart ")]
    assert captions[0] == "Chart 1. Victims identified, 2011–2012"
    assert len(captions) == len(ANNUAL_CHART_IDS)
    assert len(document.tables) == len(TABLE_IDS)
    assert "Identified victims" in texts  # a table's title
    assert any(text.startswith("Every figure is computed") for text in texts)  # the notes
    assert texts[-1].startswith("Every breakdown adds up to its total")  # the validation
    # The tables keep the landscape section the template puts them in.
    assert document.sections[-1].page_width > document.sections[-1].page_height


def _split(paragraph: Paragraph, *pieces: str) -> None:
    """Rewrite the paragraph as Word might after spell-check: one run per piece, the first bold."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for position, piece in enumerate(pieces):
        paragraph.add_run(piece).bold = position == 0


def test_an_edited_template_is_filled_where_its_placeholders_stand(tmp_path: Path) -> None:
    template = _starter(tmp_path)
    edited = Document(str(template))
    # A placeholder split over three runs, the first of them bold.
    _split(_paragraph(edited, "{{ narrative.legislation }}"), "{{ narra", "tive.legis", "lation }}")
    _paragraph(edited, "{{ heading.legislation }}").insert_paragraph_before().add_run("x")
    inline = _paragraph(edited, "{{ narrative.legislation }}").insert_paragraph_before()
    inline.add_run("Victims: ")
    inline.add_run("{{ fig").bold = True
    inline.add_run("ure.victims.total }}; facts {{ value.facts.total }}{{ change.facts.total }}.")
    # Narrative paragraphs take the placeholder paragraph's style.
    _paragraph(edited, "{{ narrative.legislation }}").style = edited.styles["Quote"]
    # Reordered: the victims' figures before the detection ones.
    victims = _paragraph(edited, "{{ section.victims }}")._p
    _paragraph(edited, "{{ section.detection }}")._p.addprevious(victims)
    # Deleted: one chart and one table.
    for text in ("{{ chart.victims_by_sex }}", "{{ table.hotline }}"):
        element = _paragraph(edited, text)._p
        element.getparent().remove(element)
    # A table of the ministry's own, with figures and a chart in its cells.
    grid = edited.add_table(rows=2, cols=2)
    grid.cell(0, 0).text = "Victims in {{ year }}"
    grid.cell(0, 1).text = "{{ value.victims.total }}"
    grid.cell(1, 0).text = "{{ chart.hotline_per_year }}"
    grid.cell(1, 1).text = "{{ change.hotline.total }}"
    # A part empty in both years is not printed in its section, but can be named.
    edited.add_paragraph("Sex not recorded: {{ figure.victims.sex.unknown }}")
    edited.sections[0].footer.paragraphs[0].text = "{{ title }}, page footer {{ year }}"
    edited.save(str(template))

    narrative = tmp_path / "narrative.yaml"
    narrative.write_text(
        "legislation: |\n  The Law was amended on 1 March.\n\n  A second paragraph.\n",
        encoding="utf-8",
    )
    document = _render(template, tmp_path / "report.docx", "--narrative", str(narrative))
    texts = _texts(document)
    assert "{{" not in _all_text(document)

    line = _paragraph(document, "Victims: 2 (no change); facts 4(+1).")
    bold = [run.text for run in line.runs if run.bold]
    assert bold == ["2 (no change)"]  # the run where the placeholder started
    law = _paragraph(document, "The Law was amended on 1 March.")
    assert law.style is not None and law.style.name == "Quote"
    assert law.runs[0].bold is True  # the formatting of the placeholder's first run
    second = texts.index("A second paragraph.")
    assert texts[second - 1] == "The Law was amended on 1 March."
    assert _paragraph(document, "A second paragraph.").style.name == "Quote"  # type: ignore[union-attr]
    assert texts.index(_line("victims.total")) < texts.index(_line("facts.total"))
    assert "Sex not recorded: 0 (no change)" in texts

    assert len(document.inline_shapes) == len(ANNUAL_CHART_IDS)  # one deleted, one in a cell
    assert not any(text.endswith("Victims identified in 2012, by sex") for text in texts)
    assert "Chart 2. Victims identified in 2012, by age" in texts
    assert len(document.tables) == len(TABLE_IDS) - 1 + 1  # hotline deleted, the ministry's added
    ministry = document.tables[-1]
    assert ministry.cell(0, 0).text == "Victims in 2012"
    assert ministry.cell(0, 1).text == "2"
    assert ministry.cell(1, 1).text == "(-2)"
    assert "Hotline contacts, 2011–2012" in ministry.cell(1, 0).text
    assert document.sections[0].footer.paragraphs[0].text == (
        "Report on combating trafficking in human beings in 2012, page footer 2012"
    )


def test_a_template_without_the_styles_it_needs_gets_them(tmp_path: Path) -> None:
    """A document saved by Word holds only the styles it uses: no "Table Grid", no "Caption"."""
    template = _starter(tmp_path)
    edited = Document(str(template))
    styles = edited.styles.element
    for name in ("Table Grid", "Caption", "Heading 2"):
        styles.remove(edited.styles[name].element)
    edited.save(str(template))
    document = _render(template, tmp_path / "report.docx")
    assert len(document.tables) == len(TABLE_IDS)
    assert document.tables[0].style is not None
    assert document.tables[0].style.name == "Table Grid"
    assert len(document.inline_shapes) == len(ANNUAL_CHART_IDS)


def test_a_block_in_a_content_control_or_a_section_break_paragraph(tmp_path: Path) -> None:
    template = _starter(tmp_path)
    edited = Document(str(template))
    # A content control around the victims table's placeholder.
    placeholder = _paragraph(edited, "{{ table.victims }}")._p
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    placeholder.addprevious(control)
    control.append(content)
    content.append(placeholder)
    # The paragraph whose mark ends the portrait section (the charts) holds a placeholder.
    breaks = [
        p for p in edited.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    ]
    assert len(breaks) == 1
    breaks[0].add_run("{{ chart.victims_by_age }}")
    edited.save(str(template))
    document = _render(template, tmp_path / "report.docx")
    assert len(document.sections) == 2
    assert document.sections[0].page_width < document.sections[0].page_height
    assert len(document.inline_shapes) == len(ANNUAL_CHART_IDS) + 1
    assert len(document.tables) == len(TABLE_IDS) - 1  # python-docx lists the body's own
    controlled = document.element.body.find(f"{qn('w:sdt')}/{qn('w:sdtContent')}")
    assert controlled.find(qn("w:tbl")) is not None


def test_public_output_through_a_template_hides_small_figures(tmp_path: Path) -> None:
    template = _starter(tmp_path)
    edited = Document(str(template))
    edited.add_paragraph("Facts: {{ figure.facts.total }}; change: [{{ change.facts.total }}]")
    edited.save(str(template))
    document = _render(template, tmp_path / "public.docx", "--public")
    texts = _texts(document)
    assert "Facts: <5; change: []" in texts
    assert "Facts detected: <5" in texts
    public = publishable(build_annual(YEAR))
    for figure in figures(public):
        assert figure_line(figure) in texts, figure["id"]
    assert "Facts detected: 4 (+1)" not in texts
    assert any("hidden in the text too" in text for text in texts)  # the notes say how


def test_the_template_and_its_errors_speak_the_readers_language(tmp_path: Path) -> None:
    with translation.override("ru"):
        template = _starter(tmp_path)
        starter = _texts(Document(str(template)))
        assert "Диаграммы" in starter and "Таблицы" in starter
        document = _render(template, tmp_path / "report.docx")
        assert document.paragraphs[0].text == "Отчёт о борьбе с торговлей людьми за 2012 год"
        assert (
            "В 2012 году идентифицировано жертв торговли людьми: 2 (без изменений); выявлено "
            "фактов торговли людьми: 4 (+1)." in _texts(document)
        )
        edited = Document(str(template))
        edited.sections[0].footer.paragraphs[0].text = "{{ section.victims }}"
        edited.save(str(template))
        message = _refused(template, tmp_path / "refused.docx")
    assert message.splitlines()[0] == "Шаблон Word нельзя использовать:"
    assert "в нижнем колонтитуле" in message


def _refused(template: Path, output: Path, *extra: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(
            "report", "annual", "--year", str(YEAR), "--user", STATISTICIAN, "--format", "docx",
            "--template", str(template), "--output", str(output), *extra,
        )  # fmt: skip
    assert not output.exists()
    return str(refused.value)


def test_unknown_placeholders_and_misplaced_blocks_are_all_listed_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    template = _starter(tmp_path)
    edited = Document(str(template))
    _split(_paragraph(edited, "{{ narrative.training }}"), "{{ narrative.trai", "nning }}")
    edited.add_paragraph("Victims: {{ figure.victims.totl }} in {{ yaer }}.")
    edited.add_paragraph("See {{ chart.victims_by_sex }} below.")
    edited.add_paragraph("{{ section.victims }} {{ year }}")
    edited.add_paragraph("The year {{ year is not closed.")
    edited.sections[0].header.paragraphs[0].text = "{{ narrative.legislation }}"
    edited.sections[0].footer.paragraphs[0].text = "{{ page }}"
    edited.save(str(template))
    output = tmp_path / "report.docx"
    message = _refused(template, output)
    lines = message.splitlines()
    assert lines[0] == "The Word template cannot be used:"
    assert lines[1:] == [
        '- unknown placeholder {{ narrative.trainning }} in the body: "{{ narrative.trainning }}"'
        " (did you mean {{ narrative.training }}?)",
        '- unknown placeholder {{ figure.victims.totl }} in the body: "Victims: '
        '{{ figure.victims.totl }} in {{ yaer }}." (did you mean {{ figure.victims.total }}?)',
        '- unknown placeholder {{ yaer }} in the body: "Victims: {{ figure.victims.totl }} in '
        '{{ yaer }}." (did you mean {{ year }}?)',
        '- {{ chart.victims_by_sex }} must be alone in its paragraph, in the body: "See '
        '{{ chart.victims_by_sex }} below."; put the other text in a paragraph of its own',
        '- {{ section.victims }} must be alone in its paragraph, in the body: "{{ section.victims '
        '}} {{ year }}"; put the other text in a paragraph of its own',
        '- a placeholder opened with {{ is not closed with }}, in the body: "The year {{ year is '
        'not closed."',
        "- {{ narrative.legislation }} puts a block (paragraphs, a chart or a table) where only "
        'text can go, in a header: "{{ narrative.legislation }}"; move it to a paragraph of the '
        "body or of a table cell",
        '- unknown placeholder {{ page }} in a footer: "{{ page }}"',
    ]
    # An earlier file at the output path is left as it was.
    output.write_bytes(b"earlier")
    with pytest.raises(CommandError):
        call_command(
            "report", "annual", "--year", str(YEAR), "--user", STATISTICIAN, "--format", "docx",
            "--template", str(template), "--output", str(output),
        )  # fmt: skip
    assert output.read_bytes() == b"earlier"


def test_a_template_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "report.docx"
    missing = _refused(tmp_path / "nowhere.docx", output)
    assert "nowhere.docx: there is no such file." in missing
    text = tmp_path / "template.txt"
    text.write_text("{{ year }}", encoding="utf-8")
    assert "save the template in Word as .docx" in _refused(text, output)
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"not a zip file")
    assert "does not open as a Word document" in _refused(fake, output)
    template = _starter(tmp_path)
    with pytest.raises(CommandError, match="--format docx"):
        call_command(
            "report", "annual", "--year", str(YEAR), "--user", STATISTICIAN, "--format", "xlsx",
            "--template", str(template), "--output", str(tmp_path / "a.xlsx"),
        )  # fmt: skip
    assert not (tmp_path / "a.xlsx").exists()
    with pytest.raises(CommandError, match="no Word template"):
        call_command(
            "report", "greta", "--from", "2011", "--to", "2012", "--format", "docx",
            "--template", str(template), "--output", str(output),
        )  # fmt: skip
    assert not output.exists()


def test_the_template_command_asks_for_a_report_with_a_template_and_an_output(
    tmp_path: Path,
) -> None:
    with pytest.raises(CommandError, match="template annual"):
        call_command("report", "template", "greta", "--output", str(tmp_path / "t.docx"))
    with pytest.raises(CommandError, match="template annual"):
        call_command("report", "template", "--output", str(tmp_path / "t.docx"))
    with pytest.raises(CommandError, match="--output"):
        call_command("report", "template", "annual")
    with pytest.raises(CommandError, match="unexpected argument"):
        call_command("report", "annual", "greta", "--year", "2012")
    assert list(tmp_path.iterdir()) == []


# --- The renderer on its own ----------------------------------------------------------------------


@pytest.fixture
def report() -> Iterator[dict[str, Any]]:
    yield build_annual(YEAR)


def _template(*paragraphs: tuple[str, ...]) -> bytes:
    document = Document()
    for pieces in paragraphs:
        paragraph = document.add_paragraph()
        for piece in pieces:
            paragraph.add_run(piece)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_placeholders_spread_over_runs_share_them(report: dict[str, Any]) -> None:
    template = _template(
        ("{{ ye", "ar }} and {{ previous", "_year }}!", " {{", "title", "}}"),
        ("Victims {{value.victims.total}}, {{  change.victims.total  }}",),
    )
    buffer = io.BytesIO()
    render_annual_template(template, report, [], buffer)
    document = Document(io.BytesIO(buffer.getvalue()))
    first = document.paragraphs[0]
    assert first.text == f"2012 and 2011! {report['title']}"
    assert [run.text for run in first.runs] == [
        "2012",
        " and 2011",
        "!",
        " " + report["title"],
        "",
        "",
    ]
    assert document.paragraphs[1].text == "Victims 2, (no change)"


def test_the_renderer_writes_nothing_for_a_template_that_does_not_fit(
    report: dict[str, Any],
) -> None:
    template = _template(("{{ chart.victims_by_sex }}",), ("{{ figure.victims.total }}",))
    buffer = io.BytesIO()
    # Without the charts (a report whose tables have no chart), a chart is unknown.
    with pytest.raises(TemplateError) as refused:
        render_annual_template(template, report, [], buffer)
    assert refused.value.problems == [
        'unknown placeholder {{ chart.victims_by_sex }} in the body: "{{ chart.victims_by_sex }}"'
    ]
    assert buffer.getvalue() == b""


def test_the_outline_names_what_the_report_has(report: dict[str, Any]) -> None:
    outline = annual_outline()
    assert list(outline.narrative) == [block["id"] for block in report["narrative"]]
    assert list(outline.sections) == [section["id"] for section in report["sections"]]
    assert list(outline.tables) == [table["id"] for table in report["tables"]] == TABLE_IDS
    headline_ids = [f["id"] for f in figures(report) if not f.get("part_of")]
    assert list(outline.figures) == headline_ids
    assert set(EXPECTED) >= set(headline_ids)
