"""`lantern export ctdc --k 11 --user USERNAME --output FILE.csv`: the register, k-anonymised."""

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
from lantern.register.models import Case


class Command(BaseCommand):
    help = (
        "Export data: `export ctdc --k 11 --user USERNAME --output FILE.csv` writes the "
        "register's identified victims in CTDC's format, k-anonymised; `export htcds --user "
        "USERNAME --output FOLDER` writes the cases the user may see in HTCDS 2.0, without "
        "identities."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["ctdc", "htcds"])
        parser.add_argument("--k", type=int, default=DEFAULT_K, help="smallest group (default 11)")
        parser.add_argument("--user", required=True, help="the statistician or coordinator")
        parser.add_argument(
            "--output", required=True, help="the CSV file (ctdc) or the folder (htcds) to write"
        )

    def handle(self, *args: Any, kind: str, k: int, user: str, output: str, **options: Any) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or actor.organisation is None:
            actor = None
        if kind == "htcds":
            self._htcds(actor, user, Path(output))
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
