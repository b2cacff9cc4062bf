from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.access.vault import VaultError, keyring, new_key_text
from lantern.register.vault_rotation import identities_by_key, rotate_identities


class Command(BaseCommand):
    help = "The identity vault: key status, rotation to the current key, fresh keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="status|rotate|new-keys"
        )
        actions.add_parser("status", help="how many identities each key seals")
        actions.add_parser(
            "rotate",
            help="re-seal every identity with the current key (the first in LANTERN_VAULT_KEYS)",
        )
        actions.add_parser("new-keys", help="print a fresh key and index key to configure")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "new-keys":
            key_id = f"k{secrets.token_hex(3)}"
            self.stdout.write(f"LANTERN_VAULT_KEYS={key_id}:{new_key_text()}")
            self.stdout.write(f"LANTERN_VAULT_INDEX_KEY={new_key_text()}")
            self.stdout.write(
                "To rotate, put the new key first and keep the old ones after it until `lantern vault rotate` has run."
            )
            return
        ring = keyring()
        if action == "status":
            self._status(ring.current_id)
            return
        try:
            rotated = rotate_identities()
        except VaultError as error:
            raise CommandError(
                f"rotation stopped: {error} Identities already re-sealed stay re-sealed; fix the keys and run it again."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-sealed {rotated} identit{'y' if rotated == 1 else 'ies'} with the key '{ring.current_id}'."
            )
        )
        self._status(ring.current_id)

    def _status(self, current_id: str) -> None:
        counts = identities_by_key()
        self.stdout.write(f"Current key: {current_id}")
        for key_id, count in sorted(counts.items()):
            self.stdout.write(f"  {key_id}: {count} identit{'y' if count == 1 else 'ies'}")
        if not counts:
            self.stdout.write("  no identities yet")
