from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.justice.demo import generate_demo_justice
from lantern.register.demo import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Add criminal proceedings (criminal cases, accused and wanted persons, judgments and "
        "detected facts, in the proportions of GRETA Tables 9 and 10) to a demo installation."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same records"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data goes only into a demo installation (`lantern demo`)")
        self.stdout.write(generate_demo_justice(seed=seed).describe())
