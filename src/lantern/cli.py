"""The `lantern` command: Lantern's own operations, and Django's under `lantern manage`."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

USAGE = """usage: lantern COMMAND [options]

commands:
  serve [--port N] [--workers N]   serve Lantern with gunicorn
  demo [--no-serve] [--port N]     set up a demo (database, Azerbaijan pack, demo accounts), then serve
  pack check PATH                  validate a jurisdiction pack; lists every problem
  pack load PATH|az                load a jurisdiction pack, all or nothing
  users create USERNAME --organisation CODE --role ROLE [--role ROLE ...]
                                   create a staff account (asks for the password)
  vault status|rotate|new-keys     the identity vault's keys; rotate re-seals with the current key
  deadlines check                  mark breached deadlines; send reminders and breach notices once
  report list|greta|ctdc --from Y --to Y (--user NAME | --public) [--format json|xlsx|docx] [--output PATH]
  report annual --year Y (--user NAME | --public) [--narrative PATH] [--template PATH] [--format ...] [--output PATH]
  report template annual --output PATH
                                   statistics from the register (docs/reports.md)
  validate tables FILE.json --report greta|annual [--format json]
                                   list every contradiction in a table file; non-zero exit if any
  import cases FILE --user NAME [--dry-run] [--atomic]
  import events FILE --user NAME [--event-kind KIND] [--dry-run] [--atomic]
                                   your organisation's records from CSV or XLSX (docs/exchange.md)
  import htcds FILE.xlsx --user NAME [--dry-run] [--atomic]
                                   cases from the HTCDS toolkit's Excel template
  import ctdc FILE --user NAME [--release NAME] [--dry-run]
                                   the CTDC global dataset as anonymous external records
  export native --user NAME --output FOLDER [--identities] [--format csv|xlsx]
                                   everything you may see, in the format the import reads
  export ctdc --user NAME --output PATH [--k 11]
                                   the register's identified victims for CTDC, k-anonymised
  export htcds --user NAME --output FOLDER
                                   the cases you may see in HTCDS 2.0, without identities
  manage COMMAND ...               any Django management command (migrate, shell, ...)

Run `lantern COMMAND --help` for the options of one command.
"""

LANTERN_COMMANDS = {
    "serve", "demo", "pack", "users", "vault", "deadlines", "report", "validate", "import", "export",
}  # fmt: skip


def _demo_key_file() -> Path:
    return Path(os.environ.get("LANTERN_HOME", Path.cwd())) / "var" / "demo-secret-key"


def _key_configured() -> bool:
    return "LANTERN_SECRET_KEY" in os.environ or "LANTERN_SECRET_KEY_FILE" in os.environ


def _demo_secret(variable: str, file_name: str, make: Callable[[], str]) -> None:
    """Point ``variable``_FILE at a key generated once for this demo, unless the operator set one."""
    if variable in os.environ or f"{variable}_FILE" in os.environ:
        return
    key_file = _demo_key_file().parent / file_name
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(make(), encoding="utf-8")
        key_file.chmod(0o600)
    os.environ[f"{variable}_FILE"] = str(key_file)


def _prepare_demo_environment() -> None:
    """A demo runs the production code paths with generated keys and says loudly that it is a demo."""
    os.environ.setdefault("LANTERN_DEMO", "1")
    _demo_secret("LANTERN_SECRET_KEY", "demo-secret-key", lambda: secrets.token_urlsafe(50))
    _demo_secret(
        "LANTERN_VAULT_KEYS",
        "demo-vault-keys",
        lambda: f"demo1:{base64.b64encode(os.urandom(32)).decode()}",
    )
    _demo_secret(
        "LANTERN_VAULT_INDEX_KEY",
        "demo-vault-index-key",
        lambda: base64.b64encode(os.urandom(32)).decode(),
    )


def _is_demo_installation() -> bool:
    """After `lantern demo`, other commands act on the same demo without further set-up.

    Only where nothing is configured: no key and no database URL. A production
    installation sets both, so it can never be taken for a demo.
    """
    if _key_configured() or "LANTERN_DATABASE_URL" in os.environ:
        return False
    return _demo_key_file().exists()


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or arguments[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = arguments[0], arguments[1:]
    if command not in LANTERN_COMMANDS | {"manage"}:
        print(f"lantern: unknown command '{command}'.\n\n{USAGE}", file=sys.stderr)
        return 2
    if command == "pack" and rest[:1] == ["check"] and len(rest) == 2:
        return _check_pack(rest[1])
    if command == "demo" or _is_demo_installation():
        _prepare_demo_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if command == "manage":
            execute_from_command_line(["lantern manage", *rest])
        else:
            execute_from_command_line(["lantern", command, *rest])
    except ImproperlyConfigured as problem:
        print(f"lantern: the configuration is not usable: {problem}", file=sys.stderr)
        print(
            "To try Lantern, run `lantern demo` (or `make run`) first; it sets up a demo in ./var/.",
            file=sys.stderr,
        )
        return 2
    return 0


def _check_pack(path: str) -> int:
    """Checking a pack needs no database and no settings, so a pack author can run it anywhere."""
    from lantern.core.packs.check import read_pack
    from lantern.core.packs.paths import resolve_pack_folder

    folder = resolve_pack_folder(path)
    pack = read_pack(folder)
    for problem in pack.problems:
        print(problem, file=sys.stderr)
    if pack.problems:
        print(f"{folder}: {len(pack.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{folder}: the pack is valid.")
    return 0
