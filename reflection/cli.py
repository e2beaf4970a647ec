"""The `reflect` command: migrate the database, export stored reflections (anonymized words only), anonymize
text, conversations and answers at rest, erase what is past its retention, create staff accounts."""

import argparse
import getpass
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from reflection.audit import CLI_ACTOR, AuditLog, write_audit_csv
from reflection.candidates import candidate_cases, write_candidates
from reflection.clinics import ClinicConfigError, load_clinics
from reflection.export import write_csv, write_jsonl
from reflection.fhir_export import FhirExportError, write_fhir
from reflection.ingest import INGEST_EVERY_SECONDS, IngestWorker, background_ingest
from reflection.settings import SettingsError, load_settings
from reflection.staff import StaffDirectory, StaffError
from reflection.storage.database import StorageError, ensure_schema_is_current, make_engine, upgrade
from reflection.storage.models import STAFF_ROLES, Answer
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
    except (StorageError, SettingsError, ClinicConfigError, FhirExportError) as error:
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

    export = commands.add_parser(
        "export",
        help="write stored reflections as JSON Lines, CSV or a FHIR Bundle, with anonymized words only",
        description="Only anonymized text leaves the system: free-text answers and the words around a rating "
        "are exported as their anonymized copies, made first for any answer that lacks one. Each export is "
        "written to the audit log.",
    )
    export.add_argument("--format", choices=("jsonl", "csv", "fhir"), required=True)
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--status", choices=EXPORT_STATUSES, default="complete", help="which reflections (default: complete)"
    )
    export.add_argument(
        "--clinic", help='only this clinic\'s reflections ("default": those without a clinic)'
    )
    export.add_argument(
        "--since", type=_date, help="only reflections updated on or after this date (YYYY-MM-DD)"
    )
    _add_database_url(export)
    export.set_defaults(run=_export)

    purge = commands.add_parser(
        "purge",
        help="erase what is past its retention (safe to run from cron)",
        description="Erases conversations without consent once their session has ended, and removes "
        "clients' exact words (raw conversation events, raw text of answers) older than their clinic's "
        "retention_days, keeping the anonymized copies. Reports what it removed.",
    )
    purge.add_argument(
        "--tracker-db-url",
        default=load_settings().tracker_db_url,
        help="Rasa's conversation store (default: $TRACKER_DB_URL)",
    )
    _add_database_url(purge)
    purge.set_defaults(run=_purge)

    ingest = commands.add_parser(
        "ingest",
        help="anonymize consented conversations and answers now (a backfill), or all along with --watch",
        description="One pass over what is not yet anonymized; with --watch, a pass every few seconds (and "
        "the retention purge hourly) until stopped: the production shape's ingest process, which spares the "
        "web workers from loading the anonymizer (INGEST_WORKER=false there).",
    )
    ingest.add_argument(
        "--watch",
        action="store_true",
        help="keep ingesting every few seconds until stopped (SIGTERM, Ctrl-C)",
    )
    ingest.add_argument(
        "--every",
        type=_positive_float,
        default=INGEST_EVERY_SECONDS,
        help=f"seconds between passes with --watch (default: {INGEST_EVERY_SECONDS:.0f})",
    )
    ingest.add_argument(
        "--tracker-db-url",
        default=load_settings().tracker_db_url,
        help="Rasa's conversation store (default: $TRACKER_DB_URL)",
    )
    ingest.add_argument(
        "--batch-size", type=_positive_int, default=64, help="texts anonymized together (default: 64)"
    )
    _add_database_url(ingest)
    ingest.set_defaults(run=_ingest)

    create_staff = commands.add_parser(
        "create-staff",
        help="create a staff account for the console (the password is read from a prompt or standard input)",
    )
    create_staff.add_argument("--username", required=True)
    create_staff.add_argument("--clinic", required=True, help="the clinic id (a file in CLINICS_DIR)")
    create_staff.add_argument("--role", choices=STAFF_ROLES, required=True)
    _add_database_url(create_staff)
    create_staff.set_defaults(run=_create_staff)

    audit = commands.add_parser("audit", help="write the audit log as CSV")
    audit.add_argument("--clinic", help="only this clinic's entries")
    audit.add_argument("--output", type=Path, help="file to write (default: standard output)")
    _add_database_url(audit)
    audit.set_defaults(run=_audit)

    candidates = commands.add_parser(
        "candidates",
        help="write identifiers reviewers found as candidate cases for the anonymization evaluation set",
    )
    candidates.add_argument("--clinic", help="only this clinic's candidates")
    candidates.add_argument("--output", type=Path, help="file to write (default: standard output)")
    _add_database_url(candidates)
    candidates.set_defaults(run=_candidates)

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


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
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


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("use a date like 2026-12-01") from None


def _known_clinic(clinic: str | None) -> None:
    if clinic is not None and clinic not in load_clinics():
        raise ClinicConfigError(f"There is no clinic {clinic!r} in {load_settings().clinics_dir}.")


def _export(arguments: argparse.Namespace) -> int:
    _known_clinic(arguments.clinic)
    since = (
        datetime(arguments.since.year, arguments.since.month, arguments.since.day, tzinfo=timezone.utc)
        if arguments.since
        else None
    )
    store = ReflectionStore.from_url(arguments.database_url)
    try:
        made = _anonymize_pending_answers(arguments.database_url)
        if made:
            print(f"Made the anonymized copy of {made} answer(s) first.", file=sys.stderr)
        records = store.iter_reflections(
            status=None if arguments.status == "all" else arguments.status,
            clinic=arguments.clinic,
            since=since,
        )
        writers = {"jsonl": write_jsonl, "csv": write_csv, "fhir": write_fhir}
        with _output_stream(arguments.output) as output:
            count = writers[arguments.format](records, output)
        AuditLog(store._engine).record(  # noqa: SLF001 - the CLI shares the store's engine
            CLI_ACTOR,
            "export",
            clinic=arguments.clinic,
            target=arguments.format,
            reflections=count,
            status=arguments.status,
            since=arguments.since.isoformat() if arguments.since else None,
        )
    finally:
        store.close()
    print(f"Exported {count} reflection(s) to {arguments.output or 'standard output'}.", file=sys.stderr)
    return EXIT_OK


def _anonymize_pending_answers(database_url: str) -> int:
    """Make the missing anonymized copies of answers (loads the anonymizer only if some are missing)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            pending = connection.scalar(select(func.count()).where(Answer.anonymized_at.is_(None)))
        if not pending:
            return 0
        from reflection.anonymize import get_anonymizer
        from reflection.ingest import Ingestor

        ingestor = Ingestor(engine, engine, get_anonymizer().anonymize_many, "")
        return ingestor.anonymize_answers().answers
    finally:
        engine.dispose()


def _ingest(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require("PSEUDONYM_SECRET")
    answers_engine = make_engine(arguments.database_url)
    tracker_engine = make_engine(arguments.tracker_db_url)
    if arguments.watch:
        worker = background_ingest(
            answers_engine,
            tracker_engine,
            settings.pseudonym_secret,
            every_seconds=arguments.every,
            batch_size=arguments.batch_size,
        )
        return _watch(worker, answers_engine, tracker_engine)
    try:
        ensure_schema_is_current(answers_engine)
        # Imported here: loading Presidio and spaCy takes seconds the other commands should not pay.
        from reflection.anonymize import get_anonymizer
        from reflection.ingest import Ingestor

        started = time.perf_counter()
        anonymizer = get_anonymizer()
        loaded = time.perf_counter() - started
        ingestor = Ingestor(
            answers_engine,
            tracker_engine,
            anonymizer.anonymize_many,
            settings.pseudonym_secret,
            batch_size=arguments.batch_size,
        )
        report = ingestor.run_once()
    finally:
        answers_engine.dispose()
        tracker_engine.dispose()
    print(f"Loaded the anonymizer in {loaded:.1f} s; {report.describe()}.", file=sys.stderr)
    return EXIT_OK


def _watch(worker: IngestWorker, answers_engine: Engine, tracker_engine: Engine) -> int:
    """The ingest process: passes until SIGTERM or Ctrl-C, each failure logged and retried."""
    logging.getLogger("reflection").setLevel(logging.INFO)  # one line per pass that anonymized something
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    print(
        f"Ingest process running: a pass every {worker.every_seconds:g} s until stopped.",
        file=sys.stderr,
        flush=True,
    )
    try:
        worker.run()
    except KeyboardInterrupt:
        pass
    finally:
        answers_engine.dispose()
        tracker_engine.dispose()
    print(f"Ingest process stopped after {worker.passes} pass(es).", file=sys.stderr, flush=True)
    return EXIT_OK


def _create_staff(arguments: argparse.Namespace) -> int:
    _known_clinic(arguments.clinic)
    if sys.stdin.isatty():
        password = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("Again: ") != password:
            print("reflect create-staff: the two passwords differ; nothing was created.", file=sys.stderr)
            return EXIT_FAILURE
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    engine = make_engine(arguments.database_url)
    try:
        ensure_schema_is_current(engine)
        try:
            staff = StaffDirectory(engine).create(
                arguments.username, arguments.clinic, arguments.role, password
            )
        except StaffError as error:
            print(f"reflect create-staff: {error}", file=sys.stderr)
            return EXIT_FAILURE
        AuditLog(engine).record(
            CLI_ACTOR, "staff.create", clinic=staff.clinic, target=f"staff:{staff.id}", role=staff.role
        )
    finally:
        engine.dispose()
    print(f"Created {staff.role} {staff.username!r} for clinic {staff.clinic!r}.", file=sys.stderr)
    return EXIT_OK


def _audit(arguments: argparse.Namespace) -> int:
    engine = make_engine(arguments.database_url)
    try:
        ensure_schema_is_current(engine)
        log = AuditLog(engine)
        with _output_stream(arguments.output) as output:
            count = write_audit_csv(log.iter_all(arguments.clinic), output)
        log.record(CLI_ACTOR, "audit.export", clinic=arguments.clinic, entries=count)
    finally:
        engine.dispose()
    print(f"Wrote {count} audit entries.", file=sys.stderr)
    return EXIT_OK


def _candidates(arguments: argparse.Namespace) -> int:
    engine = make_engine(arguments.database_url)
    try:
        ensure_schema_is_current(engine)
        with _output_stream(arguments.output) as output:
            count = write_candidates(candidate_cases(engine, arguments.clinic), output)
        AuditLog(engine).record(CLI_ACTOR, "candidates.export", clinic=arguments.clinic, cases=count)
    finally:
        engine.dispose()
    print(f"Wrote {count} candidate case(s), identifiers replaced by surrogates.", file=sys.stderr)
    return EXIT_OK


def _purge(arguments: argparse.Namespace) -> int:
    """Conversations without consent are erased once their session has ended (NO_CONSENT_RETENTION_MINUTES
    after their last message); Rasa's tracker store does the same every minute while it runs. Exact words
    past their clinic's retention go too (reflection/retention.py)."""
    from reflection.retention import purge_past_retention

    settings = load_settings()
    minutes = settings.no_consent_retention_minutes
    engine = make_engine(arguments.tracker_db_url)
    answers_engine = make_engine(arguments.database_url)
    try:
        with engine.connect() as connection:
            has_conversations = inspect(connection).has_table(RETENTION.name)
            expired = (
                expired_without_consent(connection, time.time() - minutes * 60) if has_conversations else []
            )
        erase_conversations(engine, expired)
        ensure_schema_is_current(answers_engine)
        settings.require("PSEUDONYM_SECRET")
        report = purge_past_retention(answers_engine, engine, load_clinics(), settings.pseudonym_secret)
        AuditLog(answers_engine).record(
            CLI_ACTOR,
            "purge",
            conversations_without_consent=len(expired),
            events_removed=sum(report.events_removed.values()),
            answers_trimmed=sum(report.answers_trimmed.values()),
        )
    finally:
        engine.dispose()
        answers_engine.dispose()
    if not has_conversations:
        print("No conversations have been stored yet.", file=sys.stderr)
    print(f"Erased {len(expired)} conversation(s) without consent whose session had ended.", file=sys.stderr)
    for line in report.lines():
        print(line, file=sys.stderr)
    return EXIT_OK


@contextmanager
def _output_stream(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a file only the owner can read that appears only once the export is complete."""
    if path is None:
        yield sys.stdout
        return
    partial_path = path.with_name(f".{path.name}.partial")
    # Exports hold clients' answers (anonymized): readable by the owner only.
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
