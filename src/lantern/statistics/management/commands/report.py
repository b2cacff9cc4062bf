from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.access import policy
from lantern.access.models import AccessAction
from lantern.access.services import record_access
from lantern.core.models import User
from lantern.statistics.annual import NarrativeError, read_narrative
from lantern.statistics.docx_template import TemplateError, read_template, write_annual_template
from lantern.statistics.reports import FORMATS, REPORTS, publishable, write_report


class Command(BaseCommand):
    help = (
        "List Lantern's reports, or produce one: `report greta --from 2019 --to 2025 --format "
        "json`, `report annual --year 2023 --format docx --output annual.docx [--template "
        "annual-template.docx]`; `report template annual --output annual-template.docx` writes "
        "a Word template to restyle."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("report", choices=["list", "template", *REPORTS])
        parser.add_argument(
            "template_of",
            nargs="?",
            metavar="REPORT",
            help="with `template`: the report whose Word template to write",
        )
        parser.add_argument("--from", dest="first_year", type=int)
        parser.add_argument("--to", dest="last_year", type=int)
        parser.add_argument("--year", type=int, help="one year: the same as --from YEAR --to YEAR")
        parser.add_argument("--format", dest="output_format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write; standard output when omitted (JSON)")
        parser.add_argument(
            "--public", action="store_true", help="hide small counts (the pack's threshold)"
        )
        parser.add_argument(
            "--user",
            help="the statistician or coordinator producing a report of exact figures; the "
            "access log records it in their name (not needed with --public)",
        )
        parser.add_argument(
            "--narrative",
            help="annual report: a JSON or YAML file of the secretariat's text blocks "
            "(docs/reports.md)",
        )
        parser.add_argument(
            "--template",
            help="annual report, DOCX: a Word template with placeholders (docs/reports.md, "
            "'Your own Word template'), such as `report template annual` writes",
        )

    def handle(
        self,
        *args: Any,
        report: str,
        first_year: int | None,
        last_year: int | None,
        year: int | None,
        output_format: str,
        output: str | None,
        public: bool,
        narrative: str | None,
        template_of: str | None,
        template: str | None,
        user: str | None,
        **options: Any,
    ) -> None:
        if report == "list":
            for kind in REPORTS.values():
                self.stdout.write(f"{kind.code}\t{kind.title}")
            return
        if report == "template":
            self._write_template(template_of, output)
            return
        if template_of is not None:
            raise CommandError(_("unexpected argument %(argument)s") % {"argument": template_of})
        kind = REPORTS[report]
        if year is not None:
            if first_year is not None or last_year is not None:
                raise CommandError("give either --year or --from and --to, not both")
            first_year = last_year = year
        if first_year is None or last_year is None:
            if kind.one_year:
                raise CommandError("give the year: --year YEAR")
            raise CommandError("give the period: --from YEAR --to YEAR")
        if first_year > last_year:
            raise CommandError(f"--from {first_year} comes after --to {last_year}")
        if kind.one_year and first_year != last_year:
            raise CommandError(f"the {report} report covers one year: give --year YEAR")
        if output is None and output_format != "json":
            raise CommandError(f"a {output_format.upper()} file needs --output PATH")
        if narrative is not None and kind.build_narrated is None:
            raise CommandError(f"the {report} report has no narrative; leave out --narrative")
        template_data = None
        if template is not None:
            if kind.outline is None:
                raise CommandError(
                    _("the %(report)s report has no Word template; leave out --template")
                    % {"report": report}
                )
            if output_format != "docx":
                raise CommandError(_("a Word template needs --format docx"))
            try:
                template_data = read_template(Path(template))
            except TemplateError as error:
                raise CommandError(str(error)) from None
        blocks = None
        if narrative is not None:
            try:
                blocks = read_narrative(Path(narrative))
            except NarrativeError as error:
                raise CommandError(str(error)) from None
        actor = None if public else self._statistician(user)
        if blocks is not None and kind.build_narrated is not None:
            built = kind.build_narrated(last_year, blocks)
        else:
            built = kind.build(first_year, last_year)
        if public:
            built = publishable(built)
        elif actor is not None:
            record_access(
                actor=actor,
                action=AccessAction.STATISTICS,
                detail=f"{report} {first_year}-{last_year} {output_format} (command)",
            )
        target = Path(output) if output else sys.stdout.buffer
        try:
            write_report(built, output_format, target, template=template_data)
        except TemplateError as error:
            raise CommandError(str(error)) from None
        if output:
            violations = len(built.get("violations", []))
            figures = sum(len(section["figures"]) for section in built.get("sections", []))
            counted = f"{len(built['tables'])} tables, "
            if figures:
                counted += f"{figures} figures, "
            self.stdout.write(f"Wrote {output} ({counted}{violations} violations).")

    def _statistician(self, username: str | None) -> User:
        """Exact figures leave Lantern in someone's name, from the command line as on the web."""
        if not username:
            raise CommandError(
                _(
                    "exact figures are recorded in the access log: give --user USERNAME (a "
                    "statistician or the national coordinator), or --public"
                )
            )
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or user.organisation is None or not policy.can_produce_statistics(user):
            raise CommandError(
                _("%(user)s may not produce statistics from the register") % {"user": username}
            )
        return user

    def _write_template(self, report: str | None, output: str | None) -> None:
        with_templates = [code for code, kind in REPORTS.items() if kind.outline is not None]
        kind = REPORTS.get(report or "")
        if kind is None or kind.outline is None:
            raise CommandError(
                _("give the report whose template to write: %(reports)s")
                % {"reports": ", ".join(f"template {code}" for code in with_templates)}
            )
        if output is None:
            raise CommandError(_("a Word template needs --output PATH"))
        placeholders = write_annual_template(kind.outline(), Path(output))
        self.stdout.write(
            ngettext(
                "Wrote %(path)s (%(count)s placeholder).",
                "Wrote %(path)s (%(count)s placeholders).",
                placeholders,
            )
            % {"path": output, "count": placeholders}
        )
