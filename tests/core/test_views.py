"""Views (``core.views``): the columns-only statements that answer reads, collections too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pydotorg.content.blogs.models import BlogEntry
from pydotorg.core.views import view_of
from pydotorg.events.models import Event
from pydotorg.jobs.models import Job
from tests.core.test_queries import sql


def test_an_events_selectin_collections_are_read_for_all_its_rows_at_once() -> None:
    view = view_of(select(Event))
    assert view is not None
    collections = {c.name: c for c in view.collections}
    assert sorted(collections) == ["categories", "occurrences", "rules"]
    occurrences = sql(collections["occurrences"].statement.params(parents=[1, 2]))
    assert occurrences.startswith("SELECT event_occurrence.event_id AS parent,")
    assert "WHERE event_occurrence.event_id IN (" in occurrences
    assert "parents" in collections["occurrences"].statement.compile().params
    assert occurrences.endswith("ORDER BY event_occurrence.dt_start")
    categories = sql(collections["categories"].statement.params(parents=[1, 2]))
    assert "JOIN event_event_category ON event_category.id = " in categories
    assert categories.endswith("ORDER BY event_category.id")
    assert all(c.parent_key == "id" for c in collections.values())


def test_a_collection_without_an_order_is_read_in_the_databases_order() -> None:
    view = view_of(select(Job))
    assert view is not None
    (types,) = view.collections
    assert types.name == "job_types" and "ORDER BY" not in sql(types.statement.params(parents=[1]))


def test_a_view_has_its_models_properties() -> None:
    view = view_of(select(BlogEntry))
    assert view is not None
    nothing: Any = tuple(None for _ in view.statement.selected_columns)  # a row of nulls
    entry = view.build(nothing)
    (tags,) = view.collections
    entry.tag_rows = [tags.kind(), tags.kind()]
    entry.tag_rows[0].name, entry.tag_rows[1].name = "b", "a"
    assert entry.tags == ["a", "b"]
