from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.statistics import annual, greta
from lantern.statistics.validation import validate

RELATIONS = {"greta": greta.relations, "annual": annual.relations}


class Command(BaseCommand):
    help = (
        "Check a table file in the documented JSON shape (docs/reports.md) against the rules a "
        "report must obey; exits non-zero when any is broken."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["tables"])
        parser.add_argument("file")
        parser.add_argument("--report", choices=sorted(RELATIONS), default="greta")
        parser.add_argument(
            "--format", dest="output_format", choices=["text", "json"], default="text"
        )

    def handle(
        self, *args: Any, file: str, report: str, output_format: str, **options: Any
    ) -> None:
        path = Path(file)
        try:
            given = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as problem:
            raise CommandError(f"{file}: not a JSON file ({problem})") from None
        if not isinstance(given, dict) or not isinstance(given.get("tables"), list):
            raise CommandError(f"{file}: expected an object with a 'tables' list (docs/reports.md)")
        # The rules between tables are the report's own; a hand-made file may leave them out.
        given.setdefault("relations", RELATIONS[report]())
        violations = validate(given)
        if output_format == "json":
            self.stdout.write(json.dumps(violations, ensure_ascii=False, indent=2))
        else:
            for violation in violations:
                self.stdout.write(
                    f"{violation['table']}\t{violation['row']}\t{','.join(violation['cells'])}\t{violation['message']}"
                )
        if violations:
            raise CommandError(f"{len(violations)} contradictions in {file}")
        if output_format == "text":
            self.stdout.write(f"{file}: every table is consistent.")
