"""The annual report through a Word template that a ministry replaces without code.

A template is any Word document (.docx) with placeholders in double braces, in the body, in
table cells, in headers and footers (the list is in docs/reports.md, "Your own Word template"):

- inline ones — ``{{ year }}``, ``{{ figure.victims.total }}``, ``{{ heading.victims }}``... —
  become text in the run where the placeholder starts, which keeps that run's formatting;
- block ones — ``{{ narrative.legislation }}``, ``{{ section.victims }}``, ``{{ chart.…}}``,
  ``{{ table.… }}``, ``{{ notes }}``, ``{{ validation }}`` — stand alone in their paragraph, which
  is replaced by what the built-in document (``annual_docx``) prints there, with the same code.

docxtpl (Jinja inside Word) would have been the usual tool, but it is not on the package index
this project installs from, and the report needs names only, not loops or conditions. What makes
a Word template hard is that Word splits text into runs wherever spell-check or an edit touched
it, so ``{{ year }}`` may be ``{{ ye`` + ``ar }}``: placeholders are found in the paragraph's
joined text and spliced back into the runs they span.

Every placeholder is checked before anything is rendered: an unknown name, a block placeholder
that shares its paragraph, or one where a block cannot go (a header, a footer, a text box) is
listed with the paragraph it is in, and nothing is written. ``write_annual_template`` writes a
starter template with every placeholder the report offers, for a ministry to restyle, reorder
and trim in Word. Like the other writers, rendering is a pure function of the report dict.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.section import Section
from docx.shared import Emu, Inches, Length, Twips

from lantern.statistics.annual import NARRATIVE, SECTIONS, TABLES, _cell, _comparison
from lantern.statistics.annual_docx import (
    CHART_WIDTH,
    validation_titles,
    write_chart,
    write_figures,
    write_table,
)
from lantern.statistics.writers import (
    _clean,
    _docx_violations,
    _generated_at,
    _page,
    _small,
    _tables,
    _texts,
)

# (id, caption, PNG), as charts.identified_annual_charts draws them.
IdentifiedChart = tuple[str, str, bytes]

# Placeholders whose name is the whole name, and kinds written ``kind.id``.
INLINE_NAMES = ("title", "year", "previous_year", "generated_at")
INLINE_KINDS = ("figure", "value", "change", "heading")
BLOCK_NAMES = ("notes", "validation")
BLOCK_KINDS = ("narrative", "section", "chart", "table")

_OPEN = "{{"
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
# The text of a paragraph: its runs' w:t, also inside links, tracked insertions, smart tags and
# content controls, in document order. A text box's paragraphs are paragraphs of their own.
_TEXTS = (
    "./w:r/w:t | ./w:hyperlink/w:r/w:t | ./w:ins/w:r/w:t | ./w:smartTag/w:r/w:t"
    " | ./w:sdt/w:sdtContent/w:r/w:t | ./w:fldSimple/w:r/w:t"
)
_SNIPPET = 80
_BLOCK_PARENTS = frozenset({qn("w:body"), qn("w:tc"), qn("w:sdtContent")})
# Word's default cell margins (0.19 cm on each side) are not part of a cell's text width.
_CELL_MARGINS = Twips(216)


class TemplateError(ValueError):
    """A template that cannot be used: every problem, each with the paragraph it is in."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "\n".join([_("The Word template cannot be used:"), *(f"- {p}" for p in problems)])
        )


# --- Reading a template ---------------------------------------------------------------------------


def read_template(path: Path) -> bytes:
    """The template's bytes, once they have opened as a Word document; TemplateError if not."""
    shown = str(path)
    if not path.is_file():
        raise TemplateError([_("%(path)s: there is no such file.") % {"path": shown}])
    if path.suffix.lower() != ".docx":
        raise TemplateError(
            [
                _("%(path)s is not a Word document: save the template in Word as .docx.")
                % {"path": shown}
            ]
        )
    try:
        data = path.read_bytes()
        Document(io.BytesIO(data))
    except OSError as error:
        raise TemplateError([f"{shown}: {error.strerror}"]) from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise TemplateError(
            [
                _("%(path)s does not open as a Word document: save the template in Word as .docx.")
                % {"path": shown}
            ]
        ) from None
    return data


@dataclass
class _Text:
    """One w:t of a paragraph, and where its text starts in the paragraph's joined text."""

    element: Any
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class _Placeholder:
    name: str
    start: int
    end: int

    @property
    def block(self) -> bool:
        return self.name in BLOCK_NAMES or self.name.partition(".")[0] in BLOCK_KINDS


@dataclass
class _Paragraph:
    element: Any
    place: str
    block_allowed: bool
    texts: list[_Text]
    placeholders: list[_Placeholder]
    unclosed: bool

    @property
    def text(self) -> str:
        return "".join(text.text for text in self.texts)

    def snippet(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"

    def alone(self, placeholder: _Placeholder) -> bool:
        text = self.text
        return not text[: placeholder.start].strip() and not text[placeholder.end :].strip()

    def index_at(self, offset: int) -> int:
        """The position in ``texts`` of the w:t holding the character at ``offset``."""
        return next(i for i, text in enumerate(self.texts) if text.start <= offset < text.end)


def _read_paragraph(element: Any, place: str, block_allowed: bool) -> _Paragraph | None:
    texts: list[_Text] = []
    offset = 0
    for text_element in element.xpath(_TEXTS):
        text = text_element.text or ""
        texts.append(_Text(text_element, offset, text))
        offset += len(text)
    joined = "".join(text.text for text in texts)
    if _OPEN not in joined:
        return None
    placeholders = [
        _Placeholder(" ".join(match.group(1).split()), match.start(), match.end())
        for match in _PLACEHOLDER.finditer(joined)
    ]
    unclosed = _OPEN in _PLACEHOLDER.sub("", joined)
    return _Paragraph(element, place, block_allowed, texts, placeholders, unclosed)


def _place(element: Any, story: str) -> tuple[str, bool]:
    """Where a paragraph is, in words ("in a header"), and whether a block may stand there."""
    parent = element.getparent()
    ancestors = {ancestor.tag for ancestor in element.iterancestors()}
    if story == "header":
        return _("in a header"), False
    if story == "footer":
        return _("in a footer"), False
    if qn("w:txbxContent") in ancestors or any(tag.endswith("}textbox") for tag in ancestors):
        return _("in a text box"), False
    # Paragraphs and tables can go where a paragraph of the body or of a cell stands, also
    # inside a content control around it.
    block_allowed = parent is not None and parent.tag in _BLOCK_PARENTS
    if qn("w:tc") in ancestors:
        return _("in a table"), block_allowed
    return _("in the body"), block_allowed


def _paragraphs(document: WordDocument) -> Iterator[_Paragraph]:
    """Every paragraph with a placeholder: the body's in document order, then headers/footers'."""
    stories: list[tuple[str, Any]] = [("body", document.element.body)]
    for part in document.part.package.iter_parts():
        if isinstance(part, HeaderPart):
            stories.append(("header", part.element))
        elif isinstance(part, FooterPart):
            stories.append(("footer", part.element))
    for story, root in stories:
        for element in list(root.iter(qn("w:p"))):
            place, block_allowed = _place(element, story)
            paragraph = _read_paragraph(element, place, block_allowed)
            if paragraph is not None:
                yield paragraph


# --- What a report offers -------------------------------------------------------------------------


def _figure_texts(figure: Mapping[str, Any]) -> dict[str, str]:
    value, change = _clean(figure.get("value")), _clean(figure.get("change_text"))
    figure_id = _clean(figure.get("id"))
    return {
        f"figure.{figure_id}": f"{value} {change}" if change else value,
        f"value.{figure_id}": value,
        f"change.{figure_id}": change,
    }


def _inline_values(report: Mapping[str, Any]) -> dict[str, str]:
    """The text of every inline placeholder the report offers."""
    year = _clean((report.get("period") or {}).get("to"))
    previous = _clean(report.get("compared_with"))
    if not previous and year.isdigit():
        previous = str(int(year) - 1)
    values = {
        "title": _clean(report.get("title")),
        "year": year,
        "previous_year": previous,
        "generated_at": _clean(report.get("generated_at")),
    }
    for section in report.get("sections") or []:
        values[f"heading.{_clean(section.get('id'))}"] = _clean(section.get("title"))
    for block in report.get("narrative") or []:
        values[f"heading.{_clean(block.get('id'))}"] = _clean(block.get("title"))
    # Any cell of the tables is a figure (a part empty in both years is not printed in the
    # sections, but a template that names it stays valid: it reads 0 then).
    if year.isdigit():
        for table in report.get("tables") or []:
            for column in table.get("columns") or []:
                value = _cell(table, int(year), column["id"])
                previous_value = _cell(table, int(year) - 1, column["id"])
                figure = {
                    "id": f"{table['id']}.{column['id']}",
                    "value": value,
                    **_comparison(value, previous_value),
                }
                values.update(_figure_texts(figure))
    for section in report.get("sections") or []:
        for figure in section.get("figures") or []:
            values.update(_figure_texts(figure))
    return values


def _block_names(report: Mapping[str, Any], charts: Sequence[IdentifiedChart]) -> set[str]:
    names = set(BLOCK_NAMES)
    names.update(f"narrative.{_clean(b.get('id'))}" for b in report.get("narrative") or [])
    names.update(f"section.{_clean(s.get('id'))}" for s in report.get("sections") or [])
    names.update(f"table.{table.id}" for table in _tables(report))
    names.update(f"chart.{chart_id}" for chart_id, _caption, _png in charts)
    return names


def _problems(paragraphs: Sequence[_Paragraph], known: set[str]) -> list[str]:
    problems = []
    for paragraph in paragraphs:
        where = {"place": paragraph.place, "text": paragraph.snippet()}
        for placeholder in paragraph.placeholders:
            shown = {"placeholder": f"{{{{ {placeholder.name} }}}}", **where}
            if placeholder.name not in known:
                problem = _('unknown placeholder %(placeholder)s %(place)s: "%(text)s"') % shown
                close = difflib.get_close_matches(placeholder.name, known, n=1, cutoff=0.75)
                if close:
                    problem += " " + _("(did you mean %(name)s?)") % {
                        "name": f"{{{{ {close[0]} }}}}"
                    }
                problems.append(problem)
            elif placeholder.block and not paragraph.block_allowed:
                problems.append(
                    _(
                        "%(placeholder)s puts a block (paragraphs, a chart or a table) where only "
                        'text can go, %(place)s: "%(text)s"; move it to a paragraph of the '
                        "body or of a table cell"
                    )
                    % shown
                )
            elif placeholder.block and not paragraph.alone(placeholder):
                problems.append(
                    _(
                        '%(placeholder)s must be alone in its paragraph, %(place)s: "%(text)s"; '
                        "put the other text in a paragraph of its own"
                    )
                    % shown
                )
        if paragraph.unclosed:
            problems.append(
                _('a placeholder opened with {{ is not closed with }}, %(place)s: "%(text)s"')
                % where
            )
    return problems


# --- Rendering ------------------------------------------------------------------------------------


def _splice(paragraph: _Paragraph, placeholder: _Placeholder, replacement: str) -> None:
    """Replace the placeholder's text by ``replacement`` in the run where it starts, removing the
    rest of it from the runs it spans. Placeholders are spliced last first, so that the offsets
    of the earlier ones still hold."""
    first = paragraph.index_at(placeholder.start)
    last = paragraph.index_at(placeholder.end - 1)
    for index in range(first, last + 1):
        text = paragraph.texts[index]
        current = text.element.text or ""
        head = current[: max(placeholder.start - text.start, 0)]
        tail = current[min(placeholder.end, text.end) - text.start :]
        text.element.text = head + (replacement if index == first else "") + tail
        text.element.set(qn("xml:space"), "preserve")


def _properties(paragraph: _Paragraph, placeholder: _Placeholder) -> tuple[Any, Any]:
    """The placeholder paragraph's properties (without a section break) and those of the run
    where the placeholder starts, to give the paragraphs that replace it."""
    paragraph_properties = paragraph.element.find(qn("w:pPr"))
    if paragraph_properties is not None:
        paragraph_properties = copy.deepcopy(paragraph_properties)
        for section_break in paragraph_properties.findall(qn("w:sectPr")):
            paragraph_properties.remove(section_break)
    run = paragraph.texts[paragraph.index_at(placeholder.start)].element.getparent()
    run_properties = run.find(qn("w:rPr"))
    return paragraph_properties, run_properties


class _Renderer:
    def __init__(
        self, document: WordDocument, report: Mapping[str, Any], charts: Sequence[IdentifiedChart]
    ) -> None:
        self.document = document
        self.report = report
        self.tables = {table.id: table for table in _tables(report)}
        self.charts = {chart_id: (caption, png) for chart_id, caption, png in charts}
        self.sections = {_clean(s.get("id")): s for s in report.get("sections") or []}
        self.narrative = {_clean(b.get("id")): b for b in report.get("narrative") or []}
        self.charts_drawn = 0
        self._defaults: WordDocument | None = None

    # Content is written at the end of the body with annual_docx's own functions, then moved
    # to where the placeholder stands.
    def _generate(self, write: Callable[[], None]) -> list[Any]:
        body = self.document.element.body
        ends_with_section = len(body) > 0 and body[-1].tag == qn("w:sectPr")
        start, before = len(body) - int(ends_with_section), len(body)
        write()
        return list(body)[start : start + len(body) - before]

    def _put(self, paragraph: _Paragraph, elements: Sequence[Any]) -> None:
        anchor = paragraph.element
        for element in elements:
            anchor.addprevious(element)
        parent = anchor.getparent()
        properties = anchor.find(qn("w:pPr"))
        if properties is not None and properties.find(qn("w:sectPr")) is not None:
            # The paragraph ends a section of the template (its mark holds the section's page
            # settings): it stays, emptied.
            for child in list(anchor):
                if child.tag != qn("w:pPr"):
                    anchor.remove(child)
        else:
            parent.remove(anchor)
        if parent.tag == qn("w:tc") and parent[-1].tag != qn("w:p"):
            parent.append(OxmlElement("w:p"))  # a cell ends with a paragraph

    def _width_at(self, element: Any) -> Length:
        """The text width where a paragraph stands: its cell's, or its section's."""
        cell = next(element.iterancestors(qn("w:tc")), None)
        if cell is not None:
            width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if width is not None and width.get(qn("w:type")) == "dxa" and width.get(qn("w:w")):
                return Emu(max(Twips(int(width.get(qn("w:w")))) - _CELL_MARGINS, Inches(1)))
        body = self.document.element.body
        top = element
        while top.getparent().tag != qn("w:body"):
            top = top.getparent()
        properties = body.find(qn("w:sectPr"))
        for sibling in [top, *top.itersiblings()]:
            found = sibling.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sibling.tag == qn("w:p") and found is not None:
                properties = found
                break
        if properties is None:
            return self.document._block_width
        section = Section(properties, self.document.part)
        return Emu(
            (section.page_width or Inches(8.5))
            - (section.left_margin or Inches(1))
            - (section.right_margin or Inches(1))
        )

    def _fit_tables(self, elements: Sequence[Any], width: Length) -> None:
        """Tables are drawn for the width of the document's last section; scale them to the
        width where they go."""
        factor = width / self.document._block_width
        for element in elements:
            if element.tag != qn("w:tbl"):
                continue
            for tag in ("w:gridCol", "w:tcW"):
                for sized in element.iter(qn(tag)):
                    size = sized.get(qn("w:w"))
                    if size and size.isdigit() and sized.get(qn("w:type")) in (None, "dxa"):
                        sized.set(qn("w:w"), str(int(int(size) * factor)))

    def _ensure_style(self, name: str) -> None:
        """A template made in Word holds only the styles it uses: add python-docx's default
        definition of a style the rendering needs ("Table Grid", "Caption", "Heading 2")."""
        styles = self.document.styles
        if name in styles:
            return
        if self._defaults is None:
            self._defaults = Document()
        style = self._defaults.styles[name]
        if style.base_style is not None:
            self._ensure_style(style.base_style.name or "")
        styles.element.append(copy.deepcopy(style.element))

    def _styled(
        self, model: _Paragraph, placeholder: _Placeholder, texts: Sequence[tuple[str, bool]]
    ) -> None:
        paragraph_properties, run_properties = _properties(model, placeholder)
        for text, italic in texts:
            paragraph = self.document.add_paragraph()
            if paragraph_properties is not None:
                paragraph._p.insert(0, copy.deepcopy(paragraph_properties))
            run = paragraph.add_run(text)
            if run_properties is not None:
                run._r.insert(0, copy.deepcopy(run_properties))
            if italic:
                run.italic = True

    def inline(self, paragraph: _Paragraph, values: Mapping[str, str]) -> None:
        for placeholder in reversed(paragraph.placeholders):
            _splice(paragraph, placeholder, values[placeholder.name])

    def block(self, paragraph: _Paragraph) -> None:
        placeholder = paragraph.placeholders[0]
        kind, _dot, key = placeholder.name.partition(".")
        width = self._width_at(paragraph.element)
        write: Callable[[], None]
        if kind == "narrative":
            block = self.narrative[key]
            italic = bool(block.get("placeholder"))
            texts = [(text, italic) for text in _texts(block.get("paragraphs"))]
            write = lambda: self._styled(paragraph, placeholder, texts)  # noqa: E731
        elif kind == "notes":
            texts = [(text, False) for text in _texts(self.report.get("notes"))]
            write = lambda: self._styled(paragraph, placeholder, texts)  # noqa: E731
        elif kind == "section":
            write = lambda: write_figures(self.document, self.sections[key])  # noqa: E731
        elif kind == "chart":
            self._ensure_style("Caption")
            self.charts_drawn += 1
            write = lambda: self._chart(paragraph, key, width)  # noqa: E731
        elif kind == "table":
            self._ensure_style("Heading 2")
            self._ensure_style("Table Grid")
            write = lambda: write_table(self.document, self.tables[key])  # noqa: E731
        else:
            self._ensure_style("Table Grid")
            write = lambda: self._validation()  # noqa: E731
        elements = self._generate(write)
        if kind == "section":
            self._restyle(elements, paragraph)
        self._fit_tables(elements, width)
        self._put(paragraph, elements)

    def _chart(self, model: _Paragraph, chart_id: str, width: Length) -> None:
        caption, png = self.charts[chart_id]
        picture = write_chart(
            self.document, self.charts_drawn, caption, png, min(CHART_WIDTH, width)
        )
        alignment = model.element.alignment
        if alignment is not None:
            picture.alignment = alignment

    def _validation(self) -> None:
        tables = list(self.tables.values())
        _docx_violations(self.document, self.report, validation_titles(self.report, tables))

    def _restyle(self, elements: Sequence[Any], model: _Paragraph) -> None:
        """The figure lines take the style of the placeholder's paragraph (their indents stay)."""
        style = model.element.style
        for element in elements:
            if element.tag == qn("w:p") and style is not None:
                element.get_or_add_pPr().style = style


def render_annual_template(
    template: bytes,
    report: Mapping[str, Any],
    charts: Sequence[IdentifiedChart],
    target: BinaryIO | Path,
) -> None:
    """Write the annual report into a copy of the Word template; TemplateError, and nothing
    written, if any placeholder cannot be filled."""
    document = Document(io.BytesIO(template))
    paragraphs = list(_paragraphs(document))
    values = _inline_values(report)
    problems = _problems(paragraphs, set(values) | _block_names(report, charts))
    if problems:
        raise TemplateError(problems)
    renderer = _Renderer(document, report, charts)
    for paragraph in paragraphs:
        if paragraph.placeholders and paragraph.placeholders[0].block:
            renderer.block(paragraph)
        else:
            renderer.inline(paragraph, values)
    properties = document.core_properties
    properties.title = _clean(report.get("title"))[:255]
    properties.modified = _generated_at(report) or datetime.now(UTC)
    buffer = io.BytesIO()
    document.save(buffer)
    if isinstance(target, Path):
        target.write_bytes(buffer.getvalue())
    else:
        target.write(buffer.getvalue())


# --- The starter template -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    """What the annual report offers a template, from its declarations (nothing is counted)."""

    narrative: Sequence[str]
    sections: Sequence[str]
    figures: Sequence[str]
    tables: Sequence[str]
    charts: Sequence[str]


def annual_outline() -> Outline:
    # matplotlib is imported only by the processes that draw or name charts.
    from lantern.statistics.charts import ANNUAL_CHART_IDS

    return Outline(
        narrative=[block_id for block_id, _title in NARRATIVE],
        sections=[section.id for section in SECTIONS],
        figures=[headline.id for section in SECTIONS for headline in section.headlines],
        tables=[table().id for table in TABLES],
        charts=list(ANNUAL_CHART_IDS),
    )


def _tag(name: str) -> str:
    return f"{{{{ {name} }}}}"


def write_annual_template(outline: Outline, target: BinaryIO | Path) -> int:
    """Write a starter template with every placeholder of ``outline``; returns their number."""
    document = Document()
    _page(document.sections[0], landscape=False)
    properties = document.core_properties
    properties.title = _("Template of the annual report on combating trafficking in human beings")
    properties.author = properties.last_modified_by = "Lantern"
    written: list[str] = []

    def tag(name: str) -> str:
        written.append(name)
        return _tag(name)

    document.sections[0].header.paragraphs[0].text = tag("title")
    document.add_heading(tag("title"), level=0)
    document.add_paragraph(
        _("The change in brackets after a figure compares it with %(year)s.")
        % {"year": tag("previous_year")}
    )
    if {"victims.total", "facts.total"} <= set(outline.figures):
        document.add_paragraph(
            _(
                "In %(year)s, %(victims)s victims of trafficking were identified %(victims_change)s "
                "and %(facts)s facts of trafficking were detected %(facts_change)s."
            )
            % {
                "year": tag("year"),
                "victims": tag("value.victims.total"),
                "victims_change": tag("change.victims.total"),
                "facts": tag("value.facts.total"),
                "facts_change": tag("change.facts.total"),
            }
        )
    _small(document, _("Generated at %(moment)s") % {"moment": tag("generated_at")})

    sections = list(outline.sections)
    for block_id in outline.narrative:
        document.add_heading(tag(f"heading.{block_id}"), level=1)
        document.add_paragraph(tag(f"narrative.{block_id}"))
        if block_id in sections:
            sections.remove(block_id)
            document.add_paragraph(tag(f"section.{block_id}"))
    for section_id in sections:
        document.add_heading(tag(f"heading.{section_id}"), level=1)
        document.add_paragraph(tag(f"section.{section_id}"))

    if outline.charts:
        document.add_heading(_("Charts"), level=1)
        for chart_id in outline.charts:
            document.add_paragraph(tag(f"chart.{chart_id}"))
    if outline.tables:
        # Some tables have many columns: they are set on landscape pages.
        _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        document.add_heading(_("Tables"), level=1)
        for table_id in outline.tables:
            document.add_paragraph(tag(f"table.{table_id}"))
    document.add_heading(_("Notes"), level=1)
    document.add_paragraph(tag("notes"))
    document.add_heading(_("Validation"), level=1)
    document.add_paragraph(tag("validation"))
    document.save(str(target) if isinstance(target, Path) else target)
    return len(written)


__all__ = [
    "Outline",
    "TemplateError",
    "annual_outline",
    "read_template",
    "render_annual_template",
    "write_annual_template",
]
