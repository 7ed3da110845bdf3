"""The resource kit: schemas from rows, PATCH bodies from create bodies, names of operations."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import msgspec
import pytest
from msgspec import UNSET

from pydotorg.core.resources import to_schema, words
from pydotorg.core.schemas import patch_of
from pydotorg.downloads.schemas import OSRead, ReleaseFileCreate
from pydotorg.jobs.schemas import JobCreate


def test_to_schema_reads_attributes_columns_and_given_values() -> None:
    row = SimpleNamespace(id=4, name="Android", slug="android", os=SimpleNamespace(slug="x"))
    read = to_schema(OSRead, row, {"slug": "os.slug"}, resource_uri="https://h/api/v1/os/4")
    assert read == OSRead(id=4, name="Android", slug="x", resource_uri="https://h/api/v1/os/4")


def test_patch_bodies_make_every_field_optional() -> None:
    update = patch_of(ReleaseFileCreate, not_null=("slug",))
    body = msgspec.json.decode(b'{"name": "x.tgz"}', type=update)
    assert body.name == "x.tgz" and body.url is UNSET  # type: ignore[attr-defined]
    with pytest.raises(msgspec.ValidationError, match="slug"):
        msgspec.json.decode(b'{"slug": null}', type=update)
    with pytest.raises(msgspec.ValidationError, match="unknown field `is_admin`"):
        msgspec.json.decode(b'{"is_admin": true}', type=update)
    with pytest.raises(msgspec.ValidationError, match="url"):
        msgspec.json.decode(b'{"url": "ftp://nope"}', type=update)


def test_patch_bodies_may_add_fields() -> None:
    update = patch_of(JobCreate, extra={"is_featured": bool})
    assert update.__name__ == "JobUpdate"
    assert msgspec.json.decode(b'{"is_featured": true}', type=update).is_featured is True  # type: ignore[attr-defined]


def test_operation_names_become_words() -> None:
    assert words("EventCategory") == "event category"
    assert words("OS") == "OS"
    assert words("ReleaseFiles") == "release files"


def test_to_schema_keeps_datetimes() -> None:
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    row = SimpleNamespace(
        series="3.14",
        major=3,
        status="bugfix",
        pep=745,
        branch="3.14",
        release_manager="H",
        first_release=None,
        end_of_bugfix=None,
        end_of_life=moment.date(),
    )
    from pydotorg.downloads.schemas import ReleaseCycleRead

    assert to_schema(ReleaseCycleRead, row).end_of_life == moment.date()
