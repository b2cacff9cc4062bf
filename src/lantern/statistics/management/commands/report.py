from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.statistics.reports import FORMATS, REPORTS, publishable, write_report


class Command(BaseCommand):
    help = "List Lantern's reports, or produce one: `report greta --from 2019 --to 2025 --format json`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("report", choices=["list", *REPORTS])
        parser.add_argument("--from", dest="first_year", type=int)
        parser.add_argument("--to", dest="last_year", type=int)
        parser.add_argument("--format", dest="output_format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="file to write; standard output when omitted (JSON)")
        parser.add_argument(
            "--public", action="store_true", help="hide small counts (the pack's threshold)"
        )

    def handle(
        self,
        *args: Any,
        report: str,
        first_year: int | None,
        last_year: int | None,
        output_format: str,
        output: str | None,
        public: bool,
        **options: Any,
    ) -> None:
        if report == "list":
            for kind in REPORTS.values():
                self.stdout.write(f"{kind.code}\t{kind.title}")
            return
        if first_year is None or last_year is None:
            raise CommandError("give the period: --from YEAR --to YEAR")
        if first_year > last_year:
            raise CommandError(f"--from {first_year} comes after --to {last_year}")
        if output is None and output_format != "json":
            raise CommandError(f"a {output_format.upper()} file needs --output PATH")
        built = REPORTS[report].build(first_year, last_year)
        if public:
            built = publishable(built)
        target = Path(output) if output else sys.stdout.buffer
        write_report(built, output_format, target)
        if output:
            violations = len(built.get("violations", []))
            self.stdout.write(
                f"Wrote {output} ({len(built['tables'])} tables, {violations} violations)."
            )
