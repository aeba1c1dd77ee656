"""spaceport serve | worker | db upgrade | companies import | secrets rotate."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from spaceport.config import Settings, get_settings

if TYPE_CHECKING:
    from spaceport.jobs.service import Tasks
    from spaceport.jobs.worker import Worker
    from spaceport.kit.db import Database


def main(argv: list[str] | None = None, *, tasks: Tasks | None = None) -> int:
    """`tasks`: what workers run, `spaceport.background.TASKS` unless a test gives its own."""
    parser = argparse.ArgumentParser(prog="spaceport", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate the database and serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="API processes (PostgreSQL)")
    serve.add_argument("--no-worker", action="store_true", help="run no background worker")

    commands.add_parser("worker", help="run background jobs until SIGTERM or SIGINT")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="run the migrations up to the newest")
    revision = db_commands.add_parser("revision", help="(developers) autogenerate a migration")
    revision.add_argument("-m", "--message", required=True)

    companies = commands.add_parser("companies", help="the public company directory")
    companies_commands = companies.add_subparsers(dest="companies_command", required=True)
    company_import = companies_commands.add_parser("import", help="import a business register")
    company_import.add_argument("file", type=Path, help="Companies House CSV or AJPES XML (.zip)")
    company_import.add_argument("--country", required=True, type=str.upper, choices=["GB", "SI"])

    secrets = commands.add_parser("secrets", help="the secrets sealed under SPACEPORT_SECRET_KEY")
    secrets_commands = secrets.add_subparsers(dest="secrets_command", required=True)
    secrets_commands.add_parser(
        "rotate", help="re-seal every secret under the current (first) key of SPACEPORT_SECRET_KEY"
    )

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from spaceport.kit.sealing import SecretKeyError

    try:
        settings = get_settings()
    except ValidationError as exc:  # a malformed SPACEPORT_ variable: say which, start nothing
        print(f"spaceport: invalid settings\n{settings_errors(exc)}", file=sys.stderr)
        return 2
    except SecretKeyError as exc:  # the secret-key rule: no key on PostgreSQL, or a weak one
        print(f"spaceport: {exc}", file=sys.stderr)
        return 2
    from spaceport.kit import migrate

    if args.command == "db":
        if args.db_command == "upgrade":
            migrate.upgrade(settings.database_url)
        else:
            migrate.make_revision(settings.database_url, args.message)
        return 0
    migrate.upgrade(settings.database_url)
    if args.command == "companies":
        from spaceport.companies import importer

        return importer.command(settings.database_url, args.file, args.country)
    if args.command == "worker":
        return run_worker(settings, tasks or all_tasks())
    if args.command == "secrets":
        return rotate_secrets()
    embedded = None if args.no_worker else tasks or all_tasks()
    return serve_api(args.host, args.port, args.workers, embedded)


def settings_errors(error: ValidationError) -> str:
    """One line per malformed variable, in the validator's words (no pydantic boilerplate)."""
    lines = []
    for problem in error.errors():
        variable = "SPACEPORT_" + "_".join(str(part) for part in problem["loc"]).upper()
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(message if message.startswith(variable) else f"{variable}: {message}")
    return "\n".join(lines)


def all_tasks() -> Tasks:
    from spaceport.background import TASKS

    return TASKS


def serve_api(host: str, port: int, workers: int, embedded: Tasks | None) -> int:
    """`embedded`: what the embedded worker runs; None runs none (`--no-worker`)."""
    import uvicorn

    # One embedded worker per `serve`, in a thread of this (parent) process, however many
    # API processes uvicorn starts (the worker runs jobs after their commit, DESIGN); `--no-worker`
    # leaves jobs to `worker`.
    stop = threading.Event()
    thread = None if embedded is None else start_worker_thread(stop, embedded)
    try:
        uvicorn.run(
            "spaceport.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            # COMPAT §1.12: exactly one Date header; the app writes it (kit/wire.py).
            date_header=False,
            # With --workers, a child that starts (imports, migrations checked) or answers the
            # supervisor's ping slower than uvicorn's 5 s on a loaded machine is killed and
            # started again, forever: a minute is a child that is really stuck.
            timeout_worker_healthcheck=60,
        )
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=30)
    return 0


def new_worker(database: Database, settings: Settings, tasks: Tasks) -> Worker:
    from spaceport.jobs.worker import Worker

    return Worker(database, settings, tasks, lease_seconds=settings.worker_lease_seconds)


def start_worker_thread(stop: threading.Event, tasks: Tasks) -> threading.Thread:
    from spaceport.kit.db import Database

    settings = get_settings()
    worker = new_worker(Database(settings.database_url), settings, tasks)
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="worker", daemon=True)
    thread.start()
    return thread


def run_worker(settings: Settings, tasks: Tasks) -> int:
    """`spaceport worker`: SIGTERM or SIGINT stop it after the running job (graceful)."""
    from spaceport.app import SWITCH_INTERVAL_SECONDS
    from spaceport.kit.db import Database

    database = Database(settings.database_url)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # the lanes hand the GIL (and SQLite's one writer) to each other within this, not 5 ms
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    logging.getLogger(__name__).info("worker started")
    new_worker(database, settings, tasks).run_forever(stop)
    database.dispose()
    return 0


def rotate_secrets() -> int:
    """`spaceport secrets rotate`: every sealed value re-sealed under the current key (issue
    15 item 5); the older keys may then be dropped from SPACEPORT_SECRET_KEY."""
    from spaceport.kit.db import Base, Database
    from spaceport.kit.sealing import rotate_all
    from spaceport.models import import_all_models

    settings = get_settings()
    import_all_models()
    database = Database(settings.database_url)
    try:
        count = rotate_all(database, Base, settings.secret_key)
    finally:
        database.dispose()
    print(f"re-sealed {count} secrets under the current key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
