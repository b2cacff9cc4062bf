from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.hotline.demo import generate_demo_hotline
from lantern.register.demo import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Log a demo installation's hotline contacts from 2019 to now: about 9,000-10,000 calls a "
        "year on the 152 Hot Line, fewer on the other lines, one contact for each case that came "
        "in through the hotline."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same contacts"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data goes only into a demo installation (`lantern demo`)")
        summary = generate_demo_hotline(seed=seed)
        self.stdout.write(summary.describe())
