"""The `reflect` command: migrate the database, export stored reflections, erase expired conversations,
anonymize text."""

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from reflection.export import write_csv, write_jsonl
from reflection.settings import load_settings
from reflection.storage.database import StorageError, make_engine, upgrade
from reflection.storage.repository import ReflectionStore
from reflection.tracker_retention import RETENTION, erase_conversations, expired_without_consent

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXPORT_STATUSES = ("complete", "partial", "in_progress", "all")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits by itself on --help (0) and on bad usage (2); callers of main() get a code instead.
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        return arguments.run(arguments)
    except StorageError as error:
        print(f"reflect: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        print(f"reflect: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    except SQLAlchemyError as error:
        # The first line names the problem; the rest would repeat SQL and parameters (clients' answers).
        print(f"reflect: the database failed: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reflect", description="Manage the reflection assistant's data.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    export = commands.add_parser("export", help="write stored reflections as JSON Lines or CSV")
    export.add_argument("--format", choices=("jsonl", "csv"), required=True)
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--status", choices=EXPORT_STATUSES, default="complete", help="which reflections (default: complete)"
    )
    export.add_argument(
        "--include-raw-text",
        action="store_true",
        help="also write the clients' own words (raw text and free-text answers), which are left out by "
        "default; they may hold names and other details",
    )
    _add_database_url(export)
    export.set_defaults(run=_export)

    purge = commands.add_parser(
        "purge", help="erase conversations whose retention has ended (safe to run from cron)"
    )
    purge.add_argument(
        "--tracker-db-url",
        default=load_settings().tracker_db_url,
        help="Rasa's conversation store (default: $TRACKER_DB_URL)",
    )
    purge.set_defaults(run=_purge)

    anonymize = commands.add_parser(
        "anonymize",
        help="replace identifiers in JSON lines read from stdin",
        description='Reads JSON lines {"id": ..., "text": ...} on standard input and writes the same lines '
        "to standard output with names, places, dates, numbers and other identifiers in text replaced by "
        "<ENTITY_TYPE> placeholders. Bad lines are reported on standard error by line number and skipped.",
    )
    anonymize.add_argument(
        "--batch-size", type=_positive_int, default=64, help="lines analysed together (default: 64)"
    )
    anonymize.set_defaults(run=_anonymize)

    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    upgrade_command = database_commands.add_parser(
        "upgrade", help="create the tables or migrate them to the newest schema"
    )
    _add_database_url(upgrade_command)
    upgrade_command.set_defaults(run=_upgrade)
    return parser


def _add_database_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=load_settings().database_url,
        help="SQLAlchemy URL (default: $DATABASE_URL, else the SQLite file under var/)",
    )


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _anonymize(arguments: argparse.Namespace) -> int:
    # Imported here: loading Presidio and spaCy takes seconds the other commands should not pay.
    from reflection.anonymize import AnonymizeDataError, get_anonymizer
    from reflection.anonymize.jsonl import anonymize_jsonl

    try:
        anonymizer = get_anonymizer()
    except AnonymizeDataError as error:
        print(f"reflect anonymize: {error}", file=sys.stderr)
        return EXIT_FAILURE
    report = anonymize_jsonl(
        sys.stdin.buffer, sys.stdout, sys.stderr, anonymizer.anonymize_many, batch_size=arguments.batch_size
    )
    print(f"Anonymized {report.written} line(s); {report.bad_lines} bad line(s) skipped.", file=sys.stderr)
    return EXIT_FAILURE if report.bad_lines else EXIT_OK


def _upgrade(arguments: argparse.Namespace) -> int:
    # Show which migrations ran.
    logging.getLogger("alembic").setLevel(logging.INFO)
    upgrade(arguments.database_url)
    print("The database schema is up to date.", file=sys.stderr)
    return EXIT_OK


def _export(arguments: argparse.Namespace) -> int:
    store = ReflectionStore.from_url(arguments.database_url)
    try:
        records = store.iter_reflections(status=None if arguments.status == "all" else arguments.status)
        with _output_stream(arguments.output) as output:
            if arguments.format == "jsonl":
                count = write_jsonl(records, output, include_raw_text=arguments.include_raw_text)
            else:
                count = write_csv(records, output, include_raw_text=arguments.include_raw_text)
    finally:
        store.close()
    print(f"Exported {count} reflection(s) to {arguments.output or 'standard output'}.", file=sys.stderr)
    if arguments.include_raw_text:
        print("This export holds clients' own words: keep it private, delete it when done.", file=sys.stderr)
    return EXIT_OK


def _purge(arguments: argparse.Namespace) -> int:
    """Conversations without consent are erased once their session has ended (NO_CONSENT_RETENTION_MINUTES
    after their last message); Rasa's tracker store does the same every minute while it runs."""
    minutes = load_settings().no_consent_retention_minutes
    engine = make_engine(arguments.tracker_db_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(RETENTION.name):
                print("No conversations have been stored yet.", file=sys.stderr)
                return EXIT_OK
            expired = expired_without_consent(connection, time.time() - minutes * 60)
        erase_conversations(engine, expired)
    finally:
        engine.dispose()
    print(f"Erased {len(expired)} conversation(s) without consent whose session had ended.", file=sys.stderr)
    return EXIT_OK


@contextmanager
def _output_stream(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a file only the owner can read that appears only once the export is complete."""
    if path is None:
        yield sys.stdout
        return
    partial_path = path.with_name(f".{path.name}.partial")
    # Exports hold clients' own words: readable by the owner only.
    try:
        descriptor = os.open(partial_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as output:
            yield output
        os.replace(partial_path, path)
    finally:
        partial_path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
