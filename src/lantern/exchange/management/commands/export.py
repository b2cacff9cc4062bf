"""`lantern export ctdc --k 11 --user USERNAME --output FILE.csv`: the register, k-anonymised;
`lantern export htcds|native --user USERNAME --output FOLDER`: the cases the user may see."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lantern.access import policy
from lantern.access.models import AccessAction
from lantern.access.services import record_access
from lantern.core.models import User
from lantern.exchange.ctdc_export import DEFAULT_K, export_ctdc, summary
from lantern.exchange.files import written_in_place
from lantern.exchange.htcds import FILES, export_htcds
from lantern.exchange.models import ImportRun
from lantern.exchange.native.engine import write_report
from lantern.exchange.native.export import FILE_FORMATS, NativeExport, export_native
from lantern.register.models import Case


class Command(BaseCommand):
    help = (
        "Export data: `export ctdc --k 11 --user USERNAME --output FILE.csv` writes the "
        "register's identified victims in CTDC's format, k-anonymised; `export htcds --user "
        "USERNAME --output FOLDER` writes the cases the user may see in HTCDS 2.0, without "
        "identities; `export native --user USERNAME --output FOLDER [--identities] [--format "
        "csv|xlsx]` writes them and their records in Lantern's own format, for `lantern import`; "
        "`export import-report --run N --user USERNAME --output FILE.csv` writes an import's "
        "report."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["ctdc", "htcds", "native", "import-report"])
        parser.add_argument("--run", type=int, help="import-report: the import's number")
        parser.add_argument("--k", type=int, default=DEFAULT_K, help="smallest group (default 11)")
        parser.add_argument(
            "--user",
            required=True,
            help="ctdc: the statistician or coordinator; htcds, native: the supervisor or "
            "investigator",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="the CSV file (ctdc, import-report) or the folder (htcds, native) to write",
        )
        parser.add_argument(
            "--identities",
            action="store_true",
            help="native: write identities too (supervisors only; access-logged)",
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FILE_FORMATS,
            default="csv",
            help="native: one CSV file per kind (default) or one XLSX workbook",
        )

    def handle(self, *args: Any, kind: str, k: int, user: str, output: str, **options: Any) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or actor.organisation is None:
            actor = None
        if kind == "htcds":
            self._htcds(actor, user, Path(output))
            return
        if kind == "import-report":
            self._import_report(actor, user, options["run"], Path(output))
            return
        if kind == "native":
            self._native(
                actor,
                user,
                Path(output),
                with_identity=options["identities"],
                file_format=options["file_format"],
            )
            return
        if actor is None or not policy.can_release_anonymised_records(actor):
            raise CommandError(_("%(user)s may not export the register for CTDC") % {"user": user})
        if k < 2:
            raise CommandError(_("k must be at least 2"))
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(_("%(folder)s: no such folder") % {"folder": target.parent})
        with written_in_place(target) as stream:
            release = export_ctdc(stream, k)
        record_access(
            actor=actor,
            action=AccessAction.STATISTICS,
            detail=(
                f"ctdc export k={k}: {release.exported} exported, "
                f"{release.suppressed} suppressed (command)"
            ),
        )
        self.stdout.write(json.dumps(summary(release), ensure_ascii=False))

    def _import_report(
        self, actor: User | None, username: str, run_id: int | None, target: Path
    ) -> None:
        """An import's stored report, for whoever may see it; the same refusal whether the run
        is someone else's or does not exist."""
        run = ImportRun.objects.filter(pk=run_id).first() if run_id else None
        if actor is None or run is None or not policy.can_view_import_run(actor, run):
            raise CommandError(
                _("%(user)s may see no import numbered %(run)s") % {"user": username, "run": run_id}
            )
        if not target.parent.is_dir():
            raise CommandError(_("%(folder)s: no such folder") % {"folder": target.parent})
        with written_in_place(target) as stream:
            write_report(run, stream)
        self.stdout.write(
            _("Wrote the report of import %(run)s to %(file)s.") % {"run": run.pk, "file": target}
        )

    def _htcds(self, actor: User | None, username: str, folder: Path) -> None:
        """The cases the user may see, as a case export: no identity, access-logged."""
        if actor is None or not policy.can_export_cases(actor):
            raise CommandError(_("%(user)s may not export cases") % {"user": username})
        if not folder.is_dir():
            raise CommandError(_("%(folder)s: no such folder") % {"folder": folder})
        written = export_htcds(policy.visible_cases(actor, Case.objects.all()), folder)
        record_access(
            actor=actor,
            action=AccessAction.EXPORT_CASES,
            detail=f"HTCDS, {written.cases} case(s) (command)",
        )
        self.stdout.write(
            _("Wrote %(files)s to %(folder)s: %(cases)s cases of %(persons)s persons.")
            % {
                "files": ", ".join(FILES),
                "folder": folder,
                "cases": written.cases,
                "persons": written.persons,
            }
        )

    def _native(
        self,
        actor: User | None,
        username: str,
        folder: Path,
        *,
        with_identity: bool,
        file_format: str,
    ) -> None:
        """The cases the user may see and their records, for another Lantern; access-logged."""
        if actor is None or not policy.can_export_cases(actor):
            raise CommandError(_("%(user)s may not export cases") % {"user": username})
        if with_identity and not policy.can_export_identities(actor):
            raise CommandError(_("%(user)s may not export identities") % {"user": username})
        if not folder.is_dir():
            raise CommandError(_("%(folder)s: no such folder") % {"folder": folder})
        written = export_native(actor, folder, with_identity=with_identity, file_format=file_format)
        record_access(
            actor=actor,
            action=AccessAction.EXPORT_CASES,
            fields=written.identity_columns if written.identities_written else None,
            detail=f"native {file_format}, {written.cases} case(s), {_identities_logged(written)} "
            "(command)",
        )
        self.stdout.write(
            _("Wrote %(files)s to %(folder)s.")
            % {"files": ", ".join(written.files), "folder": folder}
        )
        for kind, rows in written.rows.items():
            self.stdout.write(_("%(kind)s: %(rows)s rows") % {"kind": kind, "rows": rows})
        if written.left_out:
            self.stdout.write(
                _("Not written, as you may not see them: %(kinds)s.")
                % {"kinds": ", ".join(written.left_out)}
            )
        if written.identities_asked:
            self.stdout.write(
                _("Identities written for %(written)s records, withheld for %(withheld)s.")
                % {"written": written.identities_written, "withheld": written.identities_withheld}
            )


def _identities_logged(written: NativeExport) -> str:
    """How many identities left, never which: the log must not become a list of names."""
    if not written.identities_asked:
        return "no identities"
    return (
        f"identities of {written.identities_written} record(s), "
        f"{written.identities_withheld} withheld"
    )
