"""The ``pydotorg`` command: serve the API, manage the schema and data, make staff accounts."""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import json
import os
import socket
import sys
from collections.abc import Sequence
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


def prepare_database(settings: Settings) -> None:
    """Bring the schema to the newest migration and, on first start, load the real data."""
    from pydotorg.db.migrate import upgrade
    from pydotorg.db.seed import is_seeded, seed

    upgrade(settings.database_url)
    if not asyncio.run(is_seeded(settings.database_url)):
        demo = settings.demo_content
        counts = asyncio.run(seed(settings.database_url, demo=demo))
        loaded = f"{_describe(counts)}{_no_demo(demo)}"
        print(f"pydotorg: loaded python.org data: {loaded}", file=sys.stderr)


def _no_demo(demo: bool) -> str:
    return "" if demo else " (no demo content: events, jobs and content left empty)"


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another server holds. granian listens with ``SO_REUSEPORT``, so without
    this check two servers would silently share the port and split its requests."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise CommandError(
                f"port {port} on {host} {reason}; choose another with --port"
            ) from exc


def cmd_serve(args: argparse.Namespace) -> int:
    if args.access_log:
        os.environ["ACCESS_LOG"] = "1"
    settings = _settings()
    check_port_free(args.host, args.port)
    prepare_database(settings)
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
    from pydotorg.db import migrate

    settings = _settings()
    if args.action == "upgrade":
        migrate.upgrade(settings.database_url, args.revision or "head")
    elif args.action == "downgrade":
        migrate.downgrade(settings.database_url, args.revision or "-1")
    current = migrate.current(settings.database_url)
    head = migrate.head_revision()
    print(f"current: {current or '(empty database)'}; head: {head}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from pydotorg.db.migrate import upgrade
    from pydotorg.db.seed import seed

    settings = _settings()
    upgrade(settings.database_url)
    demo = settings.demo_content and not args.no_demo
    counts = asyncio.run(seed(settings.database_url, demo=demo))
    print(f"added: {_describe(counts)}{_no_demo(demo)}")
    return 0


def cmd_openapi(_args: argparse.Namespace) -> int:
    from litestar.serialization import encode_json

    from pydotorg.app import create_app

    schema = json.loads(encode_json(create_app(_settings()).openapi_schema.to_schema()))
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


async def _create_superuser(
    settings: Settings, username: str, email: str, password: str | None, key_name: str | None
) -> str | None:
    from pydotorg.accounts.services import create_api_key, create_user
    from pydotorg.db.engine import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            user = await create_user(
                session, username=username, email=email, password=password, is_superuser=True
            )
            secret = None
            if key_name:
                secret = (await create_api_key(session, user, key_name)).secret
            await session.commit()
            return secret
    finally:
        await engine.dispose()


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    from pydotorg.core.exceptions import DomainError
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    try:
        username = args.username or input("Username: ").strip()
        email = args.email or input("E-mail address: ").strip()
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
        secret = asyncio.run(_create_superuser(settings, username, email, password, args.api_key))
    except DomainError as exc:
        print(f"pydotorg: {exc.detail}", file=sys.stderr)
        return 1
    print(f"created superuser {username!r}")
    if secret:
        print(f"API key (shown once, send as 'Authorization: Bearer <key>'): {secret}")
    return 0


async def _import_pages(database_url: str, directory: Path) -> str:
    from pydotorg.content.pages.importer import PageImportError, SourcePage, import_pages
    from pydotorg.db.engine import create_engine, create_sessionmaker

    def progress(outcome: str, page: SourcePage) -> None:
        print(f"{outcome:9} {page.path}  ({page.file})")

    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            report = await import_pages(session, directory, progress)
    except PageImportError as exc:
        raise CommandError(f"{exc}; nothing was imported") from exc
    finally:
        await engine.dispose()
    return report.summary()


def cmd_import_pages(args: argparse.Namespace) -> int:
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print(asyncio.run(_import_pages(settings.database_url, args.directory)))
    return 0


def cmd_import_feed(args: argparse.Namespace) -> int:
    from pydotorg.content.blogs.importer import FeedImportError, import_feed, load_feed

    settings = _settings()
    try:
        feed, feed_url = load_feed(args.source)
    except FeedImportError as exc:
        raise CommandError(f"cannot import {args.source}: {exc}") from exc
    prepare_database(settings)
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


async def _check_files(database_url: str) -> list[str]:
    from pydotorg.db.engine import create_engine, create_sessionmaker
    from pydotorg.downloads.files import unclassified_report

    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            return await unclassified_report(session)
    finally:
        await engine.dispose()


def cmd_check_files(_args: argparse.Namespace) -> int:
    settings = _settings()
    prepare_database(settings)
    for line in asyncio.run(_check_files(settings.database_url)):
        print(line)
    return 0


async def _reindex(database_url: str, name: str | None, progress: bool) -> list[str]:
    from rich.progress import Progress, TaskID
    from sqlalchemy import text

    from pydotorg.db.engine import create_engine, create_sessionmaker
    from pydotorg.search.indexing import indexable, registry, reindex

    specs = registry()
    if name is not None and name not in specs:
        raise CommandError(f"unknown index {name!r}; one of {', '.join(specs)}")
    chosen = [specs[name]] if name is not None else list(specs.values())
    lines = []
    engine = create_engine(database_url, pool=False)
    try:
        async with create_sessionmaker(engine)() as session:
            with Progress(disable=not progress, transient=True) as bar:
                for spec in chosen:
                    task = bar.add_task(spec.name, total=await indexable(session, spec))

                    def advance(steps: int, task: TaskID = task) -> None:
                        bar.advance(task, steps)

                    count = await reindex(session, spec, advance)
                    lines.append(f"{spec.name}: {count} documents")
            await session.commit()
        # Fresh planner statistics for the rebuilt index (SQLite keeps none by itself).
        async with engine.begin() as connection:
            await connection.execute(
                text("ANALYZE" if database_url.startswith("sqlite") else "ANALYZE search_documents")
            )
    finally:
        await engine.dispose()
    return lines


def cmd_search_reindex(args: argparse.Namespace) -> int:
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    for line in asyncio.run(_reindex(settings.database_url, args.index, sys.stdout.isatty())):
        print(line)
    return 0


async def _sync(database_url: str, base_url: str, dry_run: bool, progress: bool) -> str:
    import httpx
    from rich.progress import Progress

    from pydotorg.compat.sync import sync
    from pydotorg.compat.upstream import TIMEOUT, Upstream
    from pydotorg.db.engine import create_engine, create_sessionmaker

    with Progress(disable=not progress, transient=True) as bar:
        tasks = {kind: bar.add_task(f"fetching {kind}", total=None) for kind in ("os", "release")}
        tasks["release_file"] = bar.add_task("fetching release_file", total=None)

        def fetched(kind: str, done: int, expected: int | None) -> None:
            bar.update(tasks[kind], completed=done, total=expected)

        headers = {"User-Agent": f"pydotorg/{__version__} (pydotorg sync)"}
        async with httpx.AsyncClient(
            timeout=TIMEOUT, headers=headers, follow_redirects=True, max_redirects=5
        ) as client:
            source = await Upstream(base_url, client, progress=fetched).downloads()
        writing = bar.add_task("writing", total=None)

        def wrote(done: int, total: int) -> None:
            bar.update(writing, completed=done, total=total)

        engine = create_engine(database_url, pool=False)
        try:
            async with create_sessionmaker(engine)() as session:
                report = await sync(session, source, dry_run=dry_run, progress=wrote)
        finally:
            await engine.dispose()
    return report.summary()


def cmd_sync(args: argparse.Namespace) -> int:
    from pydotorg.compat.sync import SyncError
    from pydotorg.compat.upstream import UpstreamError
    from pydotorg.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    try:
        summary = asyncio.run(
            _sync(settings.database_url, args.source, args.dry_run, sys.stdout.isatty())
        )
    except (SyncError, UpstreamError) as exc:
        print(f"pydotorg: sync failed, nothing was changed: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(
        prog="pydotorg", description=__doc__, formatter_class=formatter
    )
    parser.add_argument("--version", action="version", version=f"pydotorg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, formatter_class=formatter)

    serve = command("serve", "migrate, seed on first start, and serve the API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request as a JSON line with its request id (always with APP_ENV=prod)",
    )
    serve.set_defaults(func=cmd_serve)

    db = command("db", "database schema migrations")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"], help="what to do")
    db.add_argument("revision", nargs="?", help="target revision (default: head / -1)")
    db.set_defaults(func=cmd_db)

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

    importer = command("import", "import content from its sources (pages, blog feeds)")
    imports = importer.add_subparsers(dest="kind", required=True, metavar="KIND")
    pages = imports.add_parser(
        "pages",
        help="import a tree of .md/.rst/.html files with YAML front matter as pages",
        description="Import DIR/about/index.md as /about/, DIR/psf/sponsorship.md as "
        "/psf/sponsorship/ (idempotent; all or nothing)",
        formatter_class=formatter,
    )
    pages.add_argument("directory", metavar="DIR", type=Path, help="the tree of page files")
    pages.set_defaults(func=cmd_import_pages)
    feed = imports.add_parser(
        "feed",
        help="upsert a blog feed's entries (RSS or Atom; idempotent)",
        description="Read an RSS or Atom feed from a file or an http(s) URL and upsert its "
        "entries by guid (else link); the feed's record is made if missing.",
        formatter_class=formatter,
    )
    feed.add_argument("source", metavar="URL_OR_FILE", help="the feed's URL or a local file")
    feed.add_argument(
        "--feed-name",
        metavar="NAME",
        help="find the feed's record by this name when its URL does not, or name a new one "
        "(else the feed's title)",
    )
    feed.set_defaults(func=cmd_import_feed)

    check = command("check", "report on the data (read-only)")
    checks = check.add_subparsers(dest="what", required=True, metavar="WHAT")
    files = checks.add_parser(
        "files",
        help="count release files by platform and list those the rules cannot classify",
        description="Count the release files, those the rules of downloads/classify.py left "
        "unclassified (all and of 3.x releases), and name each unclassified file.",
        formatter_class=formatter,
    )
    files.set_defaults(func=cmd_check_files)

    search = command("search", "the site-wide search index")
    searches = search.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = searches.add_parser(
        "reindex",
        help="rebuild the search index from the tables (idempotent)",
        description="Rebuild one index (releases, jobs, events, pages, blogs, success_stories, "
        "community, ...) or every one from the tables; a progress bar on a terminal.",
        formatter_class=formatter,
    )
    rebuild.add_argument("index", metavar="INDEX", nargs="?", help="one index (default: all)")
    rebuild.set_defaults(func=cmd_search_reindex)

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
    return result


if __name__ == "__main__":
    raise SystemExit(main())
