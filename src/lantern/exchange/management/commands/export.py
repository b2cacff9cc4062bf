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


class Command(BaseCommand):
    help = (
        "Export data: `export ctdc --k 11 --user USERNAME --output FILE.csv` writes the "
        "register's identified victims in CTDC's format, k-anonymised."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["ctdc"])
        parser.add_argument("--k", type=int, default=DEFAULT_K, help="smallest group (default 11)")
        parser.add_argument("--user", required=True, help="the statistician or coordinator")
        parser.add_argument("--output", required=True, help="the CSV file to write")

    def handle(self, *args: Any, kind: str, k: int, user: str, output: str, **options: Any) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None or actor.organisation is None:
            actor = None
        if actor is None or not policy.can_release_anonymised_records(actor):
            raise CommandError(_("%(user)s may not export the register for CTDC") % {"user": user})
        if k < 2:
            raise CommandError(_("k must be at least 2"))
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(_("%(folder)s: no such folder") % {"folder": target.parent})
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("w", encoding="utf-8", newline="") as stream:
            release = export_ctdc(stream, k)
        partial.replace(target)
        record_access(
            actor=actor,
            action=AccessAction.STATISTICS,
            detail=(
                f"ctdc export k={k}: {release.exported} exported, "
                f"{release.suppressed} suppressed (command)"
            ),
        )
        self.stdout.write(json.dumps(summary(release), ensure_ascii=False))
