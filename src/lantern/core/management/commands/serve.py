from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lantern with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="port to listen on (default 8000)"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        serve(host=host, port=port, workers=workers, stdout=self.stdout)


def serve(*, host: str, port: int, workers: int, stdout: Any) -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    stdout.write(f"Lantern is listening on http://{host}:{port}/ (stop with Ctrl+C)")
    stdout.flush()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "lantern.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with gunicorn
