"""The domain registry: one list that the app, the schema's metadata and seeding all follow."""

from __future__ import annotations

import importlib

from pydotorg.app import create_app
from pydotorg.core.links import Links, Routes
from pydotorg.db.seed import sequenced_tables
from pydotorg.domains import DOMAINS, metadata
from tests.support import make_settings


def test_every_domain_package_declares_itself() -> None:
    names = [domain.package for domain in DOMAINS]
    assert names == [
        "pydotorg.downloads",
        "pydotorg.events",
        "pydotorg.jobs",
        "pydotorg.content",
        "pydotorg.sponsors",
        "pydotorg.accounts",
        "pydotorg.search",
        "pydotorg.compat",
    ]
    for domain in DOMAINS:
        assert importlib.import_module(domain.package).DOMAIN is domain
        assert domain.routes() and domain.tags


def test_the_app_serves_every_domains_routes_and_tags(tmp_path: object) -> None:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", tmp_path))  # type: ignore[arg-type]
    tags = {tag.name for tag in app.openapi_schema.tags or []}
    for domain in DOMAINS:
        assert {tag.name for tag in domain.tags} <= tags
    paths = set(app.openapi_schema.paths or {})
    assert {"/api/v1/os", "/api/v1/events", "/api/v1/jobs", "/api/v1/users"} <= paths
    assert {"/api/v1/sponsors", "/api/v1/sponsors/logo-placements"} <= paths


def test_metadata_holds_every_domains_tables_and_sequences_follow_it() -> None:
    schema = metadata()
    tables = set(schema.tables)
    assert {"download_os", "event", "jobs", "users", "service_meta", "search_documents"} <= tables
    assert {"sponsors", "sponsorships", "sponsor_contacts", "sponsor_publishers"} <= tables
    sequenced = set(sequenced_tables(schema))
    assert {"download_os", "download_release", "event", "jobs", "job_types"} <= sequenced
    assert "download_release_cycle" not in sequenced  # keyed by its series, no sequence
    assert "token_families" not in sequenced  # keyed by a random string


def test_links_are_built_from_route_names(tmp_path: object) -> None:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", tmp_path))  # type: ignore[arg-type]
    links = Links("https://www.python.org", Routes(app))
    assert links.url("getOS", 3) == "https://www.python.org/api/v1/os/3"
    assert links.url("exportCalendarIcal", calendar="python-events") == (
        "https://www.python.org/api/v1/calendars/python-events/ical"
    )
    assert links.url("listJobs") == "https://www.python.org/api/v1/jobs"
