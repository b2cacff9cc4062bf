"""`lantern demo` really serves Lantern: gunicorn, static files, the login page, health and schema."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def demo_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    # The demo gets its own SQLite file in tmp_path, never the database under test.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    environment["LANTERN_HOME"] = str(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "lantern", "demo", "--port", str(port), "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(
                    f"lantern demo stopped: {process.stdout.read() if process.stdout else ''}"
                )
            try:
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("lantern demo did not answer within 120 seconds")
        yield base, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_the_demo_serves_the_login_page_health_schema_and_static_files(demo_server) -> None:  # type: ignore[no-untyped-def]
    base, home = demo_server
    status, page = fetch(f"{base}/")
    assert status == 200  # redirected to the login page
    assert b"<h1>Sign in to Lantern</h1>" in page
    assert b"Demonstration installation" in page
    status, health = fetch(f"{base}/healthz")
    assert (status, json.loads(health)) == (200, {"status": "ok", "database": "ok"})
    status, schema = fetch(f"{base}/api/v1/schema/?format=json")
    assert status == 200
    assert json.loads(schema)["openapi"].startswith("3.")
    css = page.decode().split('href="')[1].split('"')[0]
    assert fetch(f"{base}{css}")[0] == 200
    assert (home / "var" / "lantern.sqlite3").exists()
