"""Migrations that carry data: each one, run on a database of the revision before it holding
rows, leaves what the application at its own revision would have written."""

from __future__ import annotations

import ast
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from pydotorg.db.engine import create_engine
from pydotorg.db.migrate import MIGRATIONS_DIR, downgrade, upgrade
from pydotorg.events.recurrence import Rule
from tests.support import migrated_database

BERLIN = ZoneInfo("Europe/Berlin")


async def _run(url: str, *statements: str, **values: object) -> list[tuple[object, ...]]:
    engine = create_engine(url, pool=False)
    try:
        async with engine.begin() as connection:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = await connection.execute(text(statement), values)
                if result.returns_rows:
                    rows = [tuple(row) for row in result]
            return rows
    finally:
        await engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_0018_writes_out_the_occurrences_of_the_rules_stored_before(
    engine: str, tmp_path: Path
) -> None:
    """A weekly Berlin meeting across the spring change, stored at 0017: after 0018 each of
    its occurrences is a row, at the instants the application expands (18:00 local on both
    sides of the change); downgrading drops the table again."""
    start = datetime(2031, 3, 13, 17, tzinfo=UTC)  # 18:00 in Berlin
    rule = Rule(start, start + timedelta(hours=2), "weekly", count=5, by_day=("TH",))

    def instant(moment: datetime) -> object:
        # SQLite keeps UTC as text without an offset, as the application's column type does
        return f"{moment:%Y-%m-%d %H:%M:%S.%f}" if engine == "sqlite" else moment

    with migrated_database(engine, tmp_path, "0017") as url:
        asyncio.run(
            _run(
                url,
                "INSERT INTO event_calendar (id, name, slug, description, url, created, updated) "
                "VALUES (1, 'C', 'c', '', '', :stamp, :stamp)",
                "INSERT INTO event (id, uid, slug, title, description, calendar_id, featured, "
                "url, time_zone, status, review_note, ends_never, created, updated) VALUES "
                "(7, 'u@python.org', 'e', 'E', '', 1, false, '', 'Europe/Berlin', 'approved', "
                "'', false, :stamp, :stamp)",
                "INSERT INTO event_recurring_rule (id, event_id, dt_start, dt_end, all_day, "
                'frequency, "interval", count, by_day) VALUES '
                "(3, 7, :start, :end, false, 'weekly', 1, 5, 'TH')",
                stamp=instant(datetime(2026, 1, 1, tzinfo=UTC)),
                start=instant(rule.start),
                end=instant(rule.end),
            )
        )
        upgrade(url, "0018")
        rows = asyncio.run(
            _run(
                url,
                "SELECT rule_id, event_id, dt_start, dt_end, all_day FROM event_rule_occurrence "
                "ORDER BY dt_start",
            )
        )
        expected = rule.expand(BERLIN)
        assert len(rows) == len(expected) == 5

        def utc(value: object) -> datetime:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

        assert [(r[0], r[1]) for r in rows] == [(3, 7)] * 5
        assert [(utc(r[2]), utc(r[3])) for r in rows] == [(o.start, o.end) for o in expected]
        assert [utc(r[2]).astimezone(BERLIN).hour for r in rows] == [18] * 5
        assert utc(rows[-1][2]).hour == 16  # after the change (30 March), 18:00 is 16:00 UTC
        downgrade(url, "0017")
        tables = (
            "SELECT name FROM sqlite_master WHERE name = 'event_rule_occurrence'"
            if engine == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE tablename = 'event_rule_occurrence'"
        )
        assert asyncio.run(_run(url, tables)) == []


def _imported_modules(path: Path) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules.append("." * node.level + (node.module or ""))
    return modules


def test_no_migration_imports_the_application() -> None:
    """A migration is frozen history: what it writes cannot change when the application does,
    so it imports nothing of ``pydotorg`` but the migrations' own package (0012 and 0016 carry
    copies of the functions they once imported)."""
    versions = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    assert len(versions) >= 19
    imports = {
        f"{path.name}: {module}"
        for path in versions
        for module in _imported_modules(path)
        if module.startswith(".")
        or (module.split(".")[0] == "pydotorg" and not module.startswith("pydotorg.db.migrations"))
    }
    assert imports == set()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_0026_counts_the_words_lower_cased(engine: str, tmp_path: Path) -> None:
    """Two public documents holding ``Straße`` and one ``Strasse``, counted at 0025 as the
    application then counted them (case-folded: ``strasse`` three times), and a private one:
    after 0026 the vocabulary holds ``straße`` twice and ``strasse`` once, as ``words`` now
    reads them; downgrading counts them folded again."""
    documents = [
        (1, "Die Straße", "", True),
        (2, "Map", "Straße und Weg", True),
        (3, "Strasse", "", True),
        (4, "Private Straße", "", False),
    ]
    with migrated_database(engine, tmp_path, "0025") as url:
        for number, title, body, public in documents:
            asyncio.run(
                _run(
                    url,
                    "INSERT INTO search_documents (id, kind, object_id, title, body, public) "
                    "VALUES (:id, 'page', :id, :title, :body, :public)",
                    id=number,
                    title=title,
                    body=body,
                    public=public,
                )
            )
        asyncio.run(
            _run(
                url,
                "INSERT INTO search_words (word, documents) VALUES "
                "('die', 1), ('map', 1), ('strasse', 3), ('und', 1), ('weg', 1)",
            )
        )

        def vocabulary() -> dict[object, object]:
            rows = asyncio.run(_run(url, "SELECT word, documents FROM search_words"))
            return {row[0]: row[1] for row in rows}

        upgrade(url, "0026")
        expected = {"die": 1, "map": 1, "und": 1, "weg": 1}
        assert vocabulary() == {**expected, "straße": 2, "strasse": 1}
        downgrade(url, "0025")
        assert vocabulary() == {**expected, "strasse": 3}
