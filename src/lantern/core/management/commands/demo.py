from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lantern.core.demo import DEMO_PASSWORD, ensure_demo_accounts
from lantern.core.management.commands.serve import serve
from lantern.core.packs.load import PackConflict, PackInvalid, load_pack
from lantern.core.packs.paths import resolve_pack_folder


class Command(BaseCommand):
    help = "Set up a demonstration: database, the Azerbaijan pack and one account per role; then serve."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="stop after the set-up")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(
        self, *args: Any, no_serve: bool, host: str, port: int, workers: int, **options: Any
    ) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "`lantern demo` must be started as `lantern demo`, which marks the installation as a demo."
            )
        var_dir = settings.VAR_DIR
        var_dir.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        try:
            result = load_pack(
                resolve_pack_folder(settings.DEFAULT_JURISDICTION), loaded_by=getpass.getuser()
            )
        except PackInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                "the built-in jurisdiction pack has problems; nothing was loaded."
            ) from None
        except PackConflict as conflict:
            raise CommandError(str(conflict)) from None
        self.stdout.write(
            f"Jurisdiction pack '{settings.DEFAULT_JURISDICTION}' loaded (created {result.created}, updated {result.updated}, unchanged {result.unchanged})."
        )
        accounts = ensure_demo_accounts()
        call_command("demo_history", "--demo-staff", stdout=self.stdout)
        call_command("demo_referrals", stdout=self.stdout)
        call_command("demo_assistance", stdout=self.stdout)
        call_command("demo_hotline", stdout=self.stdout)
        call_command("demo_justice", stdout=self.stdout)
        axes_reset()
        self._print_accounts(accounts)
        if not settings.REQUIRE_2FA:
            self.stdout.write(
                self.style.WARNING(
                    "Two-step sign-in is OFF in this demo (LANTERN_REQUIRE_2FA=0). Production turns it on for case workers, supervisors and investigators."
                )
            )
        if not no_serve:
            serve(host=host, port=port, workers=workers, stdout=self.stdout)

    def _print_accounts(self, accounts: list[Any]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'account':<14}{'role':<20}organisation")
        for account, user in accounts:
            self.stdout.write(
                f"  {account.username:<14}{account.role.value:<20}{user.organisation.name_en} [{user.organisation.code}]"
            )
        self.stdout.write("")
