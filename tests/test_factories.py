"""The test data factories (tests/factories.py): each body is one its schema accepts, names are
unique per call, and a keyword changes or adds any field."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tests.factories import (
    BodyFactory,
    EntryFactory,
    EventFactory,
    JobFactory,
    OSFactory,
    PostFactory,
    ReleaseFileFactory,
    release_name,
    source_url,
    token,
    unique,
    unique_number,
)

# What a factory cannot choose for itself: the rows its body refers to.
REQUIRED: dict[type[BodyFactory[Any]], dict[str, Any]] = {
    EntryFactory: {"feed_id": 1},
    EventFactory: {"calendar": 1},
    ReleaseFileFactory: {"release": 1, "url": source_url("3.14.0")},
}
FACTORIES = sorted(BodyFactory.__subclasses__(), key=lambda factory: factory.__name__)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_each_body_is_one_its_schema_accepts(factory: type[BodyFactory[Any]]) -> None:
    assert factory.named(), "a factory names the fields of its body"
    body = factory.body(**REQUIRED.get(factory, {}))
    assert set(body) == set(factory.named()) | set(REQUIRED.get(factory, {}))
    msgspec.json.decode(msgspec.json.encode(body), type=factory.__model__)


def test_names_are_unique_per_call_and_keywords_win() -> None:
    assert PostFactory.body()["title"] != PostFactory.body()["title"]
    assert len({token() for _ in range(100)}) == 100
    assert unique("feed").startswith("feed-") and len(unique("feed", 8)) == len("feed-") + 8
    assert OSFactory.body(slug="beos-1") == {"name": "OS beos-1", "slug": "beos-1"}
    body = JobFactory.body(country=7, unknown="x")
    assert body["country"] == 7 and body["unknown"] == "x" and body["job_title"]
    assert all(10 <= unique_number(10, 12) < 12 for _ in range(50))
    assert release_name(8).startswith("Python 8.")
