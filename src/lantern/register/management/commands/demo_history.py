from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.register.demo import DEFAULT_SEED, generate_demo_history


class Command(BaseCommand):
    help = (
        "Add a synthetic 2019-2025 history of cases to a demo installation whose register is empty."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same history"
        )
        parser.add_argument(
            "--demo-staff",
            action="store_true",
            help="also create demo accounts in NGOs and the border and migration services, "
            "so that they register their own cases (otherwise the specialised police does)",
        )

    def handle(self, *args: Any, seed: int, demo_staff: bool, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data goes only into a demo installation (`lantern demo`)")
        summary = generate_demo_history(seed=seed, demo_staff=demo_staff)
        self.stdout.write(summary.describe())
