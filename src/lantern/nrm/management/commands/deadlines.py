from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from lantern.nrm.services import sweep_deadlines


class Command(BaseCommand):
    help = "Statutory deadlines: `check` marks breaches and sends reminders and breach notices (run from cron)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="check")
        actions.add_parser("check", help="mark breaches, send each reminder and breach notice once")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        result = sweep_deadlines()
        self.stdout.write(
            f"Deadlines: {result.breached} newly breached, {result.breach_notices} breach notice(s), {result.reminders} reminder(s) sent."
        )
