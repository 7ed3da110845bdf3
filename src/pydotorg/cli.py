"""The ``pydotorg`` command: serve the API, manage the schema and data, make staff accounts."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import errno
import fcntl
import getpass
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from pydotorg import __version__
from pydotorg.settings import Settings, SettingsError, get_settings


class CommandError(Exception):
    """A one-line reason the command cannot go on; ``main`` prints it and exits with 2."""


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        print(f"pydotorg: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def _prepare_database(settings: Settings) -> None:
    """Bring the schema to the newest migration and, on first start, load the real data."""
    from pydotorg.db.seed import prepare_database
    from pydotorg.domains import DOMAINS

    loaded = prepare_database(settings.database_url, DOMAINS, demo=settings.demo_content)
    if loaded is not None:
        print(f"pydotorg: loaded python.org data: {loaded}", file=sys.stderr)


def require_database(settings: Settings) -> None:
    """A read-only command's check: the SQLite file is there (opening it would make one)."""
    from sqlalchemy import make_url

    url = make_url(settings.database_url)
    on_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if on_file and not Path(str(url.database)).is_file():
        raise CommandError(
            f"no database at {url.database}; `pydotorg db upgrade` or `pydotorg serve` makes one"
        )


def hold_port(host: str, port: int) -> int:
    """Refuse a port another server holds, and keep it ours until this process ends.

    granian listens with ``SO_REUSEPORT``, so two servers would silently share the port and
    split its requests. A bind shows whether anything listens now, but two servers started at
    the same moment would both find the port free, migrate, then both listen. So the check
    runs under an exclusive lock on a file named after the port (in the temporary directory,
    shared by every ``pydotorg serve`` on the machine), held for the server's whole life: a
    second server finds the lock taken and refuses, whether the first is still migrating or
    already listening. The lock goes with the process, however it ends. Returns the lock's
    file descriptor, to keep open."""
    lock = _port_lock(port)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(lock)
        raise CommandError(f"port {port} on {host} is in use; choose another with --port") from exc
    try:
        check_port_free(host, port)
    except CommandError:
        os.close(lock)
        raise
    return lock


def _port_lock(port: int) -> int:
    path = Path(tempfile.gettempdir()) / f"pydotorg-port-{port}.lock"
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:  # made by another user: a lock can be taken on a read-only file
        return os.open(path, os.O_RDONLY)


def check_port_free(host: str, port: int) -> None:
    """Refuse a port anything listens on now (see :func:`hold_port`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise CommandError(
                f"port {port} on {host} {reason}; choose another with --port"
            ) from exc


MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics(settings: Settings, workers: int) -> Path | None:
    """prometheus-client's multiprocess mode, so that a scrape of ``/metrics`` adds up every
    worker's values (``core.metrics``): each process writes its values to files in
    ``PROMETHEUS_MULTIPROC_DIR``, which must be set, and emptied of an earlier run's files,
    before any process imports prometheus_client. The operator's directory when the variable
    is set (kept afterwards); else, for several workers, a temporary one, removed when this
    process ends. With metrics off the variable is dropped: nothing is written. The directory,
    or None for one worker's own values."""
    given = os.environ.get(MULTIPROCESS_VARIABLE, "").strip()
    if not settings.metrics_enabled:
        os.environ.pop(MULTIPROCESS_VARIABLE, None)
        return None
    if not given and workers < 2:
        return None
    try:
        directory = Path(given or tempfile.mkdtemp(prefix="pydotorg-metrics-"))
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
    except OSError as exc:
        raise CommandError(
            f"{MULTIPROCESS_VARIABLE} must be a directory this user can write ({exc})"
        ) from exc
    if not given:
        atexit.register(shutil.rmtree, directory, True)
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)
    return directory


def cmd_serve(args: argparse.Namespace) -> int:
    if args.access_log:
        os.environ["ACCESS_LOG"] = "1"
    settings = _settings()
    hold_port(args.host, args.port)  # until this process ends
    prepare_metrics(settings, args.workers)  # before the database step imports prometheus_client
    _prepare_database(settings)
    from granian import Granian
    from granian.constants import Interfaces

    print(
        f"pydotorg: serving on http://{args.host}:{args.port} "
        f"({args.workers} worker{'s' if args.workers != 1 else ''}); docs at /api/",
        file=sys.stderr,
    )
    Granian(
        target="pydotorg.app:create_app",
        factory=True,
        address=args.host,
        port=args.port,
        workers=args.workers,
        interface=Interfaces.ASGI,
        workers_kill_timeout=30,
    ).serve()
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from alembic.util import CommandError as AlembicError

    from pydotorg.db import migrate
    from pydotorg.db.backup import BackupError, backup

    settings = _settings()
    if args.action in ("current", "revision", "backup"):
        require_database(settings)
    try:
        if args.action == "upgrade":
            migrate.upgrade(settings.database_url, args.revision or "head")
        elif args.action == "downgrade":
            migrate.downgrade(settings.database_url, args.revision or "-1")
        elif args.action == "revision":
            print(f"wrote {migrate.revision(settings.database_url, args.message)}")
            return 0
        elif args.action == "backup":
            print(backup(settings.database_url, args.path))
            return 0
    except AlembicError as exc:
        if args.action == "revision":
            raise CommandError(f"cannot write a migration: {exc}") from exc
        target = f" to {args.revision!r}" if args.revision else ""
        raise CommandError(f"cannot {args.action}{target}: {exc}") from exc
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(migrate.status(settings.database_url))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from pydotorg.db.migrate import upgrade
    from pydotorg.db.seed import described, seed
    from pydotorg.domains import DOMAINS

    settings = _settings()
    upgrade(settings.database_url)
    demo = settings.demo_content and not args.no_demo
    counts = asyncio.run(seed(settings.database_url, DOMAINS, demo=demo))
    print(f"added: {described(counts, demo)}")
    return 0


def cmd_openapi(_args: argparse.Namespace) -> int:
    from litestar.serialization import encode_json

    from pydotorg.app import create_app

    schema = json.loads(encode_json(create_app(_settings()).openapi_schema.to_schema()))
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


def _checked(name: str, value: str, field: str) -> str:
    """``value`` if it passes the rule of registration's ``field``, else a CommandError."""
    import msgspec

    from pydotorg.accounts.schemas import Email, Username

    rule = {
        "username": (Username, "2-150 letters, digits and _ . + -"),
        "email": (Email, "an e-mail address"),
    }
    kind, accepts = rule[field]
    try:
        msgspec.convert(value, type=kind)
    except msgspec.ValidationError as exc:
        raise CommandError(f"{name} must be {accepts}, not {value!r}") from exc
    return value


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    from pydotorg.accounts.services import create_superuser
    from pydotorg.core.exceptions import DomainError
    from pydotorg.db.engine import run_in_session
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    if args.username is not None:
        _checked("--username", args.username, "username")
    if args.email is not None:
        _checked("--email", args.email, "email")
    upgrade(settings.database_url)
    try:
        username = _checked("username", args.username or input("Username: ").strip(), "username")
        email = _checked("e-mail address", args.email or input("E-mail address: ").strip(), "email")
        password = args.password
        if password is None and not args.no_password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                print("pydotorg: passwords do not match", file=sys.stderr)
                return 1
    except EOFError as exc:
        raise CommandError(
            "no answer on standard input; give --username, --email and --password "
            "(or --no-password)"
        ) from exc
    try:
        secret = run_in_session(
            settings.database_url,
            partial(
                create_superuser,
                username=username,
                email=email,
                password=password,
                key_name=args.api_key,
            ),
        )
    except DomainError as exc:
        print(f"pydotorg: {exc.detail}", file=sys.stderr)
        return 1
    print(f"created superuser {username!r}")
    if secret:
        print(f"API key (shown once, send as 'Authorization: Bearer <key>'): {secret}")
    return 0


def cmd_import_pages(args: argparse.Namespace) -> int:
    from pydotorg import domains  # noqa: F401  (names every domain to the search)
    from pydotorg.content.pages.importer import PageImportError, import_pages, print_progress
    from pydotorg.db.engine import run_in_session
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    if not args.directory.is_dir():
        raise CommandError(f"{args.directory} is not a directory of page files")
    upgrade(settings.database_url)
    work = partial(import_pages, directory=args.directory, progress=print_progress)
    try:
        report = run_in_session(settings.database_url, work)
    except PageImportError as exc:
        raise CommandError(f"{exc}; nothing was imported") from exc
    print(report.summary())
    return 0


def cmd_import_feed(args: argparse.Namespace) -> int:
    from pydotorg import domains  # noqa: F401  (names every domain to the search)
    from pydotorg.content.blogs.importer import FeedImportError, import_feed, load_feed

    settings = _settings()
    try:
        feed, feed_url = load_feed(args.source)
    except FeedImportError as exc:
        raise CommandError(f"cannot import {args.source}: {exc}") from exc
    _prepare_database(settings)
    result = asyncio.run(
        import_feed(
            settings.database_url,
            feed,
            feed_url,
            name=args.feed_name,
            progress=sys.stdout.isatty(),
        )
    )
    print(result.summary())
    return 0


def cmd_check_files(_args: argparse.Namespace) -> int:
    from pydotorg.db.engine import run_in_session
    from pydotorg.downloads.file_services import unclassified_report

    settings = _settings()
    require_database(settings)
    _prepare_database(settings)
    for line in run_in_session(settings.database_url, unclassified_report):
        print(line)
    return 0


def cmd_search_reindex(args: argparse.Namespace) -> int:
    from pydotorg import domains  # noqa: F401  (names every domain to the search)
    from pydotorg.db.engine import run_in_session
    from pydotorg.db.migrate import upgrade
    from pydotorg.search.indexing import UnknownIndexError, reindex_all

    settings = _settings()
    upgrade(settings.database_url)
    work = partial(reindex_all, name=args.index, progress=sys.stdout.isatty())
    try:
        lines = run_in_session(settings.database_url, work)
    except UnknownIndexError as exc:
        raise CommandError(str(exc)) from exc
    for line in lines:
        print(line)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from pydotorg import domains  # noqa: F401  (names every domain to the search)
    from pydotorg.compat.sync import SyncError, sync_from
    from pydotorg.compat.upstream import UpstreamError
    from pydotorg.db.engine import run_in_session
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    work = partial(
        sync_from, base_url=args.source, dry_run=args.dry_run, progress=sys.stdout.isatty()
    )
    try:
        summary = run_in_session(settings.database_url, work)
    except (SyncError, UpstreamError) as exc:
        print(f"pydotorg: sync failed, nothing was changed: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def _number(least: int, most: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``least`` to ``most``."""

    def number(value: str) -> int:
        if value.isascii() and value.isdigit() and least <= int(value) <= most:
            return int(value)
        raise argparse.ArgumentTypeError(f"must be a whole number from {least} to {most}")

    return number


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(
        prog="pydotorg", description=__doc__, formatter_class=formatter
    )
    parser.add_argument("--version", action="version", version=f"pydotorg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, formatter_class=formatter)

    def group(
        name: str, help: str, dest: str, func: Callable[[argparse.Namespace], int] | None = None
    ) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        """A command whose first argument (``dest``) names one of its subcommands."""
        made = command(name, help)
        if func is not None:
            made.set_defaults(func=func)
        return made.add_subparsers(dest=dest, required=True, metavar=dest.upper())

    def subcommand(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        help: str,
        description: str,
        func: Callable[[argparse.Namespace], int],
    ) -> argparse.ArgumentParser:
        made = group.add_parser(name, help=help, description=description, formatter_class=formatter)
        made.set_defaults(func=func)
        return made

    serve = command("serve", "migrate, seed on first start, and serve the API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_number(1, 65535), default=8000, help="port to listen on")
    serve.add_argument("--workers", type=_number(1, 256), default=1, help="worker processes")
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request as a JSON line with its request id (always with APP_ENV=prod)",
    )
    serve.set_defaults(func=cmd_serve)

    actions = group("db", "database schema migrations and backups", "action", cmd_db)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=help, description=help, formatter_class=formatter)

    action("upgrade", "migrate to a revision").add_argument(
        "revision", nargs="?", help="target revision (default: head)"
    )
    action("downgrade", "migrate back to a revision").add_argument(
        "revision", nargs="?", help="target revision (default: -1, the one before)"
    )
    action("current", "show the database's revision and the newest one")
    action(
        "revision",
        "write the next migration from what the models have that the database (at the head) "
        "has not (Alembic autogenerate; review it before committing)",
    ).add_argument("-m", "--message", required=True, help="what the migration does")
    action(
        "backup",
        "copy the database while it serves: SQLite's online backup API, or pg_dump's custom "
        "format for PostgreSQL (docs/migrations.md has the restore)",
    ).add_argument("path", type=Path, help="file to write (replaced if it exists)")

    seed = command("seed", "load the shipped python.org data (idempotent)")
    seed.add_argument(
        "--no-demo",
        action="store_true",
        help="only the downloads data (OSes, releases, files, release cycle): no demo events, "
        "jobs or content, as with DEMO_CONTENT=0",
    )
    seed.set_defaults(func=cmd_seed)

    openapi = command("openapi", "print the OpenAPI document")
    openapi.set_defaults(func=cmd_openapi)

    su = command("createsuperuser", "create a staff superuser (and an API key)")
    su.add_argument("--username", help="asked for on a terminal when not given")
    su.add_argument("--email", help="asked for on a terminal when not given")
    su.add_argument("--password", help="for scripts; omit to be prompted")
    su.add_argument("--no-password", action="store_true", help="no password: API key only")
    su.add_argument("--api-key", metavar="NAME", help="also create an API key with this name")
    su.set_defaults(func=cmd_createsuperuser)

    imports = group("import", "import content from its sources (pages, blog feeds)", "kind")
    pages = subcommand(
        imports,
        "pages",
        "import a tree of .md/.rst/.html files with YAML front matter as pages",
        "Import DIR/about/index.md as /about/, DIR/psf/sponsorship.md as "
        "/psf/sponsorship/ (idempotent; all or nothing)",
        cmd_import_pages,
    )
    pages.add_argument("directory", metavar="DIR", type=Path, help="the tree of page files")
    feed = subcommand(
        imports,
        "feed",
        "upsert a blog feed's entries (RSS or Atom; idempotent)",
        "Read an RSS or Atom feed from a file or an http(s) URL and upsert its "
        "entries by guid (else link); the feed's record is made if missing.",
        cmd_import_feed,
    )
    feed.add_argument("source", metavar="URL_OR_FILE", help="the feed's URL or a local file")
    feed.add_argument(
        "--feed-name",
        metavar="NAME",
        help="find the feed's record by this name when its URL does not, or name a new one "
        "(else the feed's title)",
    )

    checks = group("check", "report on the data (read-only)", "what")
    subcommand(
        checks,
        "files",
        "count release files by platform and list those the rules cannot classify",
        "Count the release files, those the rules of downloads/classify.py left "
        "unclassified (all and of 3.x releases), and name each unclassified file.",
        cmd_check_files,
    )

    searches = group("search", "the site-wide search index", "action")
    rebuild = subcommand(
        searches,
        "reindex",
        "rebuild the search index from the tables (idempotent)",
        "Rebuild one index (releases, jobs, events, pages, blogs, success_stories, "
        "community, ...) or every one from the tables; a progress bar on a terminal.",
        cmd_search_reindex,
    )
    rebuild.add_argument("index", metavar="INDEX", nargs="?", help="one index (default: all)")

    sync = command(
        "sync",
        "copy OSes, releases and release files from a python.org's /api/v2/ "
        "(keeping its ids; idempotent; all or nothing)",
    )
    sync.add_argument(
        "--from",
        dest="source",
        metavar="BASE_URL",
        default="https://www.python.org",
        help="the python.org-compatible site to copy from",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    sync.set_defaults(func=cmd_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except CommandError as exc:
        print(f"pydotorg: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``pydotorg openapi | head``): not an error of ours. Point
        # stdout at /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        reason = _unreachable(exc)
        if reason is None:
            raise
        print(f"pydotorg: {reason}", file=sys.stderr)
        return 2
    return result


def _unreachable(error: Exception) -> str | None:
    """What to say when ``error`` means the database cannot be reached or opened (a server
    down, a host unknown, a file that cannot be opened), or None for any other error (a bug,
    whose traceback is wanted)."""
    from sqlalchemy import make_url

    from pydotorg.db.database import describe_cause, unavailable

    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):  # asyncpg, unwrapped
        cause: BaseException = error
    elif (refusal := unavailable(error)) is not None:
        cause = refusal.__cause__ or refusal
    else:
        return None
    where = make_url(get_settings().database_url).render_as_string(hide_password=True)
    return f"cannot use the database at {where}: {describe_cause(cause)}"


if __name__ == "__main__":
    raise SystemExit(main())
