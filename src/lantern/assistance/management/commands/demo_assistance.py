from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.assistance.demo import generate_demo_assistance
from lantern.register.demo import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Add assistance records (payments, shelter stays, rehabilitation plans, services, legal "
        "aid, compensation, residence permits and repatriations) to a demo installation's history."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same records"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data goes only into a demo installation (`lantern demo`)")
        summary = generate_demo_assistance(seed=seed)
        self.stdout.write(summary.describe())
