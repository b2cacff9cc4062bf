from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.core.packs.check import read_pack
from lantern.core.packs.load import PackConflict, PackInvalid, load_pack
from lantern.core.packs.paths import resolve_pack_folder


class Command(BaseCommand):
    help = "Check or load a jurisdiction pack."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="check|load")
        check = actions.add_parser("check", help="validate a pack and list every problem")
        check.add_argument("path", help="folder of the pack, or the name of a built-in pack (az)")
        load = actions.add_parser("load", help="load a pack: all or nothing, updated by code")
        load.add_argument("path", help="folder of the pack, or the name of a built-in pack (az)")

    def handle(self, *args: Any, action: str, path: str, **options: Any) -> None:
        folder = resolve_pack_folder(path)
        if action == "check":
            self._check(folder)
        else:
            self._load(folder)

    def _report(self, problems: list[Any]) -> None:
        for problem in problems:
            self.stderr.write(str(problem))

    def _check(self, folder: Any) -> None:
        pack = read_pack(folder)
        if not pack.is_valid:
            self._report(pack.problems)
            raise CommandError(f"{folder}: {len(pack.problems)} problem(s) found.")
        self.stdout.write(self.style.SUCCESS(f"{folder}: the pack is valid."))

    def _load(self, folder: Any) -> None:
        try:
            result = load_pack(folder, loaded_by=getpass.getuser())
        except PackInvalid as invalid:
            self._report(invalid.problems)
            raise CommandError(
                f"{folder}: {len(invalid.problems)} problem(s) found; nothing was loaded."
            ) from None
        except PackConflict as conflict:
            raise CommandError(f"{folder}: {conflict}") from None
        summary = f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, retired {result.retired}"
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"{folder}: loaded ({summary})."))
        else:
            self.stdout.write(f"{folder}: already loaded; nothing changed ({summary}).")
