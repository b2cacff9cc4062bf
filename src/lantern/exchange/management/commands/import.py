"""`lantern import ctdc FILE --user USERNAME`: bring another source's anonymous records in."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange.ctdc import ImportRefused, import_ctdc


class Command(BaseCommand):
    help = (
        "Import data from a file: `import ctdc FILE --user USERNAME [--release NAME] "
        "[--dry-run]` takes the CTDC global dataset in as anonymous statistical records."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["ctdc"])
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the statistician or coordinator")
        parser.add_argument(
            "--release", help="the dataset's release (default: the file's name without .csv)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )

    def handle(
        self, *args: Any, kind: str, file: str, user: str, release: str | None, dry_run: bool,
        **options: Any,
    ) -> None:  # fmt: skip
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or not policy.can_import_external_statistics(actor):
            raise CommandError(_("%(user)s may not import external statistics") % {"user": user})
        path = Path(file)
        try:
            outcome = import_ctdc(path, actor=actor, release=release or path.stem, dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        for row, column, value, message in outcome.problems:
            self.stdout.write(f"{row}\t{column}\t{value}\t{message}")
        summary = _(
            "%(rows)s rows: %(created)s created, %(unchanged)s unchanged, %(rejected)s rejected"
        ) % {
            "rows": outcome.rows,
            "created": outcome.created,
            "unchanged": outcome.unchanged,
            "rejected": outcome.rejected,
        }
        if dry_run:
            summary = _("Dry run, nothing written. %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
