"""Each release's number of files, kept by triggers, and an index giving a release's files in
list order: the release file list pages through a million files without reading the rows
before its window

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every write of a file (the API, python.org's v1/v2 adapters, seeding, `pydotorg sync`, a
# release's cascade) keeps the count in the same statement: no code path can forget it.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER download_release_file_count_ai AFTER INSERT ON download_release_file "
    "BEGIN UPDATE download_release SET file_count = file_count + 1 "
    "WHERE id = new.release_id; END",
    "CREATE TRIGGER download_release_file_count_ad AFTER DELETE ON download_release_file "
    "BEGIN UPDATE download_release SET file_count = file_count - 1 "
    "WHERE id = old.release_id; END",
    "CREATE TRIGGER download_release_file_count_au AFTER UPDATE OF release_id "
    "ON download_release_file WHEN old.release_id <> new.release_id "
    "BEGIN UPDATE download_release SET file_count = file_count - 1 WHERE id = old.release_id; "
    "UPDATE download_release SET file_count = file_count + 1 WHERE id = new.release_id; END",
]
# PostgreSQL counts once per statement, from its transition tables: a bulk insert of a
# thousand files updates each release it touches once, not a thousand times.
POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION download_release_file_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE download_release r SET file_count = r.file_count + came.n
            FROM (SELECT release_id, count(*) AS n FROM new_files GROUP BY release_id) came
            WHERE r.id = came.release_id;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE download_release r SET file_count = r.file_count - gone.n
            FROM (SELECT release_id, count(*) AS n FROM old_files GROUP BY release_id) gone
            WHERE r.id = gone.release_id;
        ELSE
            UPDATE download_release r SET file_count = r.file_count + moved.n
            FROM (
                SELECT release_id, sum(n) AS n FROM (
                    SELECT o.release_id, -1 AS n FROM old_files o JOIN new_files f ON f.id = o.id
                    WHERE o.release_id <> f.release_id
                    UNION ALL
                    SELECT f.release_id, 1 FROM old_files o JOIN new_files f ON f.id = o.id
                    WHERE o.release_id <> f.release_id
                ) changes GROUP BY release_id
            ) moved
            WHERE r.id = moved.release_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER download_release_file_count_ai AFTER INSERT ON download_release_file "
    "REFERENCING NEW TABLE AS new_files "
    "FOR EACH STATEMENT EXECUTE FUNCTION download_release_file_count()",
    "CREATE TRIGGER download_release_file_count_ad AFTER DELETE ON download_release_file "
    "REFERENCING OLD TABLE AS old_files "
    "FOR EACH STATEMENT EXECUTE FUNCTION download_release_file_count()",
    "CREATE TRIGGER download_release_file_count_au AFTER UPDATE ON download_release_file "
    "REFERENCING OLD TABLE AS old_files NEW TABLE AS new_files "
    "FOR EACH STATEMENT EXECUTE FUNCTION download_release_file_count()",
]


def upgrade() -> None:
    op.add_column(
        "download_release",
        sa.Column("file_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE download_release SET file_count = (SELECT count(*) FROM download_release_file f "
        "WHERE f.release_id = download_release.id)"
    )
    op.create_index(
        "ix_download_release_file_in_release",
        "download_release_file",
        ["release_id", "os_id", "name", "id"],
    )
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for suffix in ("ai", "ad", "au"):
        trigger = f"download_release_file_count_{suffix}"
        op.execute(
            f"DROP TRIGGER IF EXISTS {trigger}{'' if sqlite else ' ON download_release_file'}"
        )
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS download_release_file_count()")
    op.drop_index("ix_download_release_file_in_release", table_name="download_release_file")
    with op.batch_alter_table("download_release") as batch:
        batch.drop_column("file_count")
