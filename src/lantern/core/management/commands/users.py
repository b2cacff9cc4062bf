from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.core.models import Role
from lantern.core.services import AccountError, create_account


class Command(BaseCommand):
    help = "Manage staff accounts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = actions.add_parser("create", help="create a staff account in one organisation")
        create.add_argument("username")
        create.add_argument(
            "--organisation", required=True, help="code of the organisation (see the directory)"
        )
        create.add_argument(
            "--role",
            action="append",
            required=True,
            choices=Role.values,
            help="a role; repeat for several",
        )
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of asking",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        password = self._read_password(options["password_stdin"])
        try:
            user = create_account(
                username=options["username"],
                organisation_code=options["organisation"],
                roles=options["role"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except AccountError as error:
            raise CommandError(f"account not created: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"created {user.username} in {user.organisation} with role(s) {', '.join(options['role'])}."
            )
        )

    def _read_password(self, from_stdin: bool) -> str:
        # Never from the command line: arguments are visible to every user of the machine.
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the two passwords differ; account not created.")
        return first
