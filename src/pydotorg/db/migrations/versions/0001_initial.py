"""Downloads (OS, releases, files, release cycle), users and API keys, service metadata

Revision ID: 0001
Revises:
Create Date: 2026-11-26 19:02:10.891923
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "download_os",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_os")),
        sa.UniqueConstraint("slug", name=op.f("uq_download_os_slug")),
    )
    op.create_table(
        "download_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("micro", sa.Integer(), nullable=False),
        sa.Column("stage_rank", sa.Integer(), nullable=False),
        sa.Column("stage_number", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("release_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pre_release", sa.Boolean(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("show_on_download_page", sa.Boolean(), nullable=False),
        sa.Column("release_notes_url", sa.String(length=500), nullable=False),
        sa.Column("release_page_url", sa.String(length=500), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_release")),
        sa.UniqueConstraint("name", name=op.f("uq_download_release_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_download_release_slug")),
    )
    with op.batch_alter_table("download_release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_download_release_major"), ["major"], unique=False)
        batch_op.create_index(
            "ix_download_release_order",
            ["major", "minor", "micro", "stage_rank", "stage_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_download_release_release_date"), ["release_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_download_release_series"), ["series"], unique=False)

    op.create_table(
        "download_release_cycle",
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pep", sa.Integer(), nullable=True),
        sa.Column("branch", sa.String(length=20), nullable=False),
        sa.Column("release_manager", sa.String(length=200), nullable=False),
        sa.Column("first_release", sa.Date(), nullable=True),
        sa.Column("end_of_bugfix", sa.Date(), nullable=True),
        sa.Column("end_of_life", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_download_release_cycle")),
    )
    op.create_table(
        "service_meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_service_meta")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=150), nullable=False),
        sa.Column("last_name", sa.String(length=150), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        sa.Column("email_verified", sa.Boolean(), nullable=False),
        sa.Column("date_joined", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("uq_users_username_ci", "users", [sa.text("lower(username)")], unique=True)
    op.create_index("uq_users_email_ci", "users", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "download_release_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("os_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_source", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("gpg_signature_file", sa.String(length=500), nullable=False),
        sa.Column("sigstore_signature_file", sa.String(length=500), nullable=False),
        sa.Column("sigstore_cert_file", sa.String(length=500), nullable=False),
        sa.Column("sigstore_bundle_file", sa.String(length=500), nullable=False),
        sa.Column("sbom_spdx2_file", sa.String(length=500), nullable=False),
        sa.Column("md5_sum", sa.String(length=32), nullable=False),
        sa.Column("sha256_sum", sa.String(length=64), nullable=False),
        sa.Column("filesize", sa.BigInteger(), nullable=False),
        sa.Column("download_button", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["os_id"],
            ["download_os.id"],
            name=op.f("fk_download_release_file_os_id_download_os"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["download_release.id"],
            name=op.f("fk_download_release_file_release_id_download_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_release_file")),
        sa.UniqueConstraint("slug", name=op.f("uq_download_release_file_slug")),
        sa.UniqueConstraint("url", name="uq_download_release_file_url"),
    )
    with op.batch_alter_table("download_release_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_download_release_file_os_id"), ["os_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_download_release_file_release_id"), ["release_id"], unique=False
        )
        batch_op.create_index(
            "uq_download_release_file_one_button",
            ["release_id", "os_id"],
            unique=True,
            sqlite_where=sa.text("download_button"),
            postgresql_where=sa.text("download_button"),
        )


def downgrade() -> None:
    with op.batch_alter_table("download_release_file", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_download_release_file_one_button",
            sqlite_where=sa.text("download_button"),
            postgresql_where=sa.text("download_button"),
        )
        batch_op.drop_index(batch_op.f("ix_download_release_file_release_id"))
        batch_op.drop_index(batch_op.f("ix_download_release_file_os_id"))

    op.drop_table("download_release_file")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_user_id"))

    op.drop_table("api_keys")
    op.drop_index("uq_users_email_ci", table_name="users")
    op.drop_index("uq_users_username_ci", table_name="users")
    op.drop_table("users")
    op.drop_table("service_meta")
    op.drop_table("download_release_cycle")
    with op.batch_alter_table("download_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_download_release_series"))
        batch_op.drop_index(batch_op.f("ix_download_release_release_date"))
        batch_op.drop_index("ix_download_release_order")
        batch_op.drop_index(batch_op.f("ix_download_release_major"))

    op.drop_table("download_release")
    op.drop_table("download_os")
