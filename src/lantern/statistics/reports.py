"""The reports Lantern produces, and writing one in a format, exact or safe for publication."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext_lazy as _

from lantern.core.models import Jurisdiction
from lantern.statistics.annual import (
    build_annual,
    build_annual_period,
    figure_tables,
    publish_figures,
)
from lantern.statistics.annual_docx import write_annual_docx
from lantern.statistics.ctdc import build_ctdc_profile
from lantern.statistics.disclosure import make_public
from lantern.statistics.docx_template import Outline, annual_outline, render_annual_template
from lantern.statistics.greta import build_greta
from lantern.statistics.writers import write_docx, write_xlsx

FORMATS = ("json", "xlsx", "docx")


@dataclass(frozen=True)
class ReportKind:
    code: str
    title: Any
    build: Callable[[int, int], dict[str, Any]]
    # A report of one calendar year: `lantern report` asks for --year; given a longer period,
    # build() makes the report of its last year and says so in the notes.
    one_year: bool = False
    # The build with the secretariat's text blocks (`lantern report annual --narrative PATH`).
    build_narrated: Callable[[int, Mapping[str, Any]], dict[str, Any]] | None = None
    # What a Word template of the report may name (`lantern report template annual`); a report
    # without one has no template.
    outline: Callable[[], Outline] | None = None


REPORTS = {
    "greta": ReportKind(
        "greta", _("GRETA questionnaire, Part III: statistics (Tables 1-10)"), build_greta
    ),
    "ctdc": ReportKind(
        "ctdc", _("CTDC profile of imported external records, by year"), build_ctdc_profile
    ),
    "annual": ReportKind(
        "annual",
        _("Annual report on combating trafficking in human beings (Law Art. 7.5)"),
        build_annual_period,
        one_year=True,
        build_narrated=lambda year, narrative: build_annual(year, narrative),
        outline=annual_outline,
    ),
}


def publishable(report: dict[str, Any]) -> dict[str, Any]:
    """The report with the pack's disclosure control applied."""
    jurisdiction = Jurisdiction.objects.first()
    threshold = jurisdiction.disclosure_threshold if jurisdiction else 4
    text = jurisdiction.suppressed_text if jurisdiction else "<5"
    public = make_public(report, threshold=threshold, text=text)
    if public.get("report") == "annual":
        # The headline figures are cells of the tables: read them again, hidden where hidden.
        public = publish_figures(public)
    return public


def write_report(
    report: dict[str, Any],
    output_format: str,
    target: BinaryIO | Path,
    *,
    template: bytes | None = None,
) -> None:
    """Write the report; the annual report's DOCX has its charts, its XLSX its figures.

    ``template``: the annual report's DOCX is written into this Word template
    (``docx_template.read_template``); TemplateError, and nothing written, if it does not fit.
    """
    annual = report.get("report") == "annual"
    if template is not None and (output_format != "docx" or not annual):
        raise ValueError("a Word template is for the annual report's DOCX only")
    if output_format == "json":
        data = json.dumps(report, ensure_ascii=False, indent=2, default=str).encode()
        if isinstance(target, Path):
            target.write_bytes(data)
        else:
            target.write(data)
    elif output_format == "xlsx":
        if annual:
            report = {**report, "tables": [*figure_tables(report), *report.get("tables", [])]}
        write_xlsx(report, target)
    elif output_format == "docx" and annual:
        # matplotlib is imported only when a chart is drawn, not by every process that lists reports.
        from lantern.statistics.charts import annual_charts, identified_annual_charts

        if template is not None:
            render_annual_template(template, report, identified_annual_charts(report), target)
        else:
            write_annual_docx(report, annual_charts(report), target)
    elif output_format == "docx":
        write_docx(report, target)
    else:
        raise ValueError(f"unknown format {output_format!r}")
