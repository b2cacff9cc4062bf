"""`lantern import ctdc|cases|events|htcds FILE --user USERNAME`: bring data in from a file.

``ctdc`` takes another source's anonymous records in for statistics; ``cases`` and ``events``
take the importing user's organisation's own records in Lantern's format, and ``htcds`` its cases
from the HTCDS toolkit's Excel template, every row accounted for in a stored report.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange.ctdc import ImportRefused, import_ctdc
from lantern.exchange.htcds_import import import_htcds
from lantern.exchange.models import ImportRun, RunStatus
from lantern.exchange.native.engine import import_file
from lantern.exchange.native.kinds import RecordKind
from lantern.exchange.native.reading import FileRefused, sheet_names
from lantern.exchange.native.registry import CASE_KIND, EVENT_KINDS

# Shown for each row's problems; beyond it the stored report has the rest.
PRINTED_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import data from a file: `import ctdc FILE --user USERNAME [--release NAME] "
        "[--dry-run]` takes the CTDC global dataset in as anonymous statistical records; "
        "`import cases FILE --user USERNAME [--dry-run] [--atomic]` and `import events FILE "
        "--user USERNAME [--kind KIND]` take your organisation's cases and their events in "
        "(CSV or XLSX); `import htcds FILE.xlsx --user USERNAME [--dry-run] [--atomic]` takes "
        "your organisation's cases in from the HTCDS 2.0 toolkit's Excel template."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["ctdc", "cases", "events", "htcds"])
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="who imports, and answers for it")
        parser.add_argument(
            "--release", help="ctdc: the dataset's release (default: the file's name without .csv)"
        )
        parser.add_argument(
            "--event-kind",
            "--type",
            dest="event_kind",
            choices=sorted(EVENT_KINDS),
            help="events: the kind of the file's rows (default: the CSV file's name, or each "
            "XLSX sheet named for a kind)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="write every row or, if any row is rejected, none",
        )

    def handle(self, *args: Any, kind: str, file: str, user: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": file})
        if kind == "ctdc":
            self._ctdc(path, user, options["release"], options["dry_run"])
            return
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or not policy.can_import_register_data(actor):
            raise CommandError(
                _("%(user)s may not import records into a register") % {"user": user}
            )
        if kind == "htcds":
            self._htcds(path, actor, dry_run=options["dry_run"], atomic=options["atomic"])
            return
        kinds = [CASE_KIND] if kind == "cases" else self._event_kinds(path, options["event_kind"])
        refused = [kind.name for kind in kinds if not kind.allowed(actor)]
        if refused:
            raise CommandError(
                _("%(user)s may not import %(kinds)s; nothing was written.")
                % {"user": user, "kinds": ", ".join(refused)}
            )
        for record_kind in kinds:
            run = import_file(
                record_kind,
                path,
                actor,
                dry_run=options["dry_run"],
                atomic=options["atomic"],
                sheet=record_kind.name if len(kinds) > 1 else "",
                strict_sheet=len(kinds) > 1,
            )
            self._report(run)
            if run.status == RunStatus.REFUSED:
                raise CommandError(_("The file was refused; nothing was written."))

    def _htcds(self, path: Path, actor: User, *, dry_run: bool, atomic: bool) -> None:
        outcome = import_htcds(path, actor, dry_run=dry_run, atomic=atomic)
        self._report(outcome.run)
        if outcome.not_kept:
            self.stdout.write(
                _(
                    "Read and not kept, because Lantern records them itself (docs/htcds.md): "
                    "%(fields)s."
                )
                % {"fields": ", ".join(outcome.not_kept)}
            )
        if outcome.run.status == RunStatus.REFUSED:
            raise CommandError(_("The file was refused; nothing was written."))

    def _event_kinds(self, path: Path, chosen: str | None) -> list[RecordKind]:
        if chosen:
            return [EVENT_KINDS[chosen]]
        try:
            sheets = sheet_names(path)
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        named = [kind for name, kind in EVENT_KINDS.items() if name in sheets]
        if named:
            return named
        if path.stem in EVENT_KINDS:
            return [EVENT_KINDS[path.stem]]
        raise CommandError(
            _(
                "Say which events the file holds with --event-kind (one of %(kinds)s), or name "
                "the file or its sheets after them."
            )
            % {"kinds": ", ".join(sorted(EVENT_KINDS))}
        )

    def _report(self, run: ImportRun) -> None:
        for problem in run.problems.all()[:PRINTED_PROBLEMS]:
            self.stdout.write(
                f"{problem.row}\t{problem.column}\t{problem.value}\t{problem.message}"
            )
        stored = run.problems.count()
        if stored > PRINTED_PROBLEMS:
            self.stdout.write(
                _(
                    "… and %(more)s more reasons in the stored report: lantern export "
                    "import-report --run %(run)s --user %(user)s --output report.csv"
                )
                % {
                    "more": stored - PRINTED_PROBLEMS,
                    "run": run.pk,
                    "user": run.imported_by.get_username(),
                }
            )
        how_read = ", ".join(
            part
            for part in (run.file_format.upper(), run.encoding, _separator_name(run.separator))
            if part
        )
        summary = _(
            "%(kind)s (%(how)s): %(rows)s rows: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(rejected)s rejected"
        ) % {
            "kind": run.kind,
            "how": how_read,
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        }
        if run.status == RunStatus.NOTHING_WRITTEN:
            summary = _("Nothing written. %(summary)s") % {"summary": summary}
        self.stdout.write(_("%(summary)s. Report %(run)s.") % {"summary": summary, "run": run.pk})

    def _ctdc(self, path: Path, user: str, release: str | None, dry_run: bool) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or not policy.can_import_external_statistics(actor):
            raise CommandError(_("%(user)s may not import external statistics") % {"user": user})
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


def _separator_name(separator: str) -> str:
    names = {";": _("semicolons"), ",": _("commas"), "\t": _("tabs")}
    return _("separated by %(name)s") % {"name": names[separator]} if separator else ""
