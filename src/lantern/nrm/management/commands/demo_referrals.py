from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.nrm.demo import generate_demo_referrals
from lantern.register.demo import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Add the referral mechanism's records (transfers, child safeguards, reflection periods, "
        "referrals and a few cases of the last days) to a demo installation's history."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same records"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data goes only into a demo installation (`lantern demo`)")
        summary = generate_demo_referrals(seed=seed)
        self.stdout.write(summary.describe())
