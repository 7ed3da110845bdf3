"""Test data: request bodies built by factories over the API's own request schemas.

Every test makes the rows it reads, so that it counts only what it made whatever else the shared
server (and the shared PostgreSQL database) holds. A factory names the fields a test's body
usually carries, with the same values on every call but for a unique token in names, slugs,
paths and addresses; a test changes or adds any field by keyword, wrong ones included (the
validation tests send those). ``tests/test_factories.py`` checks that each factory's body is one
its schema accepts, so a schema that changes breaks its factory first.

``token()`` is the one source of uniqueness for test data: a test that needs a name of its own
writes ``unique("prefix")`` or ``token()``, never ``uuid4`` again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Generic, TypeVar

import msgspec
from polyfactory import PostGenerated, Require, Use
from polyfactory.factories.base import BaseFactory
from polyfactory.factories.msgspec_factory import MsgspecFactory
from polyfactory.field_meta import FieldMeta

from pydotorg.accounts.schemas import RegisterRequest
from pydotorg.content.blogs.schemas import BlogEntryCreate, BlogFeedCreate
from pydotorg.content.pages.schemas import PageCreate
from pydotorg.content.posts.schemas import PostCreate
from pydotorg.content.stories.schemas import StoryCreate
from pydotorg.downloads.schemas import OSCreate, ReleaseCreate, ReleaseFileCreate
from pydotorg.events.schemas import CalendarCreate, EventCreate
from pydotorg.jobs.schemas import JobCreate, NamedCreate
from pydotorg.sponsors.schemas import BenefitCreate, PackageCreate

S = TypeVar("S", bound=msgspec.Struct)

FTP = "https://www.python.org/ftp/python"
PASSWORD = "test account passphrase 2026"


def token(length: int = 10) -> str:
    """Hex digits that no other call returns (in practice), in this process or another."""
    return uuid.uuid4().hex[:length]


def unique(prefix: str, length: int = 10) -> str:
    """``<prefix>-<token>``: a name, slug or path part of the caller's own."""
    return f"{prefix}-{token(length)}"


def unique_number(low: int, high: int) -> int:
    """A number from ``low`` up to ``high`` (excluded) that another test is unlikely to pick."""
    return low + uuid.uuid4().int % (high - low)


def unique_root() -> str:
    """A site path of the caller's own, ``/t-<token>/``, to make pages under."""
    return f"/t-{token(12)}/"


def release_name(major: int, minor_from: int = 100) -> str:
    """``Python <major>.<minor>.<patch>``, a version no shipped release has and another test
    is unlikely to pick (minor from ``minor_from`` up)."""
    number = uuid.uuid4().int
    return f"Python {major}.{number % 900 + minor_from}.{number // 900 % 1000}"


def source_url(version: str, length: int = 8) -> str:
    """A release file URL of the caller's own for ``version``, in python.org's FTP tree."""
    return f"{FTP}/{version}/Python-{version}-{token(length)}.tgz"


def _next_month_evening() -> list[dict[str, str]]:
    from tests.support import now  # support imports this module: read the clock late

    day = (now() + timedelta(days=30)).date().isoformat()
    return [{"dt_start": f"{day}T18:00:00", "dt_end": f"{day}T20:00:00"}]


def _from_field(source: str, template: str) -> PostGenerated:
    """A field written from another one: ``template`` with ``{}`` for ``source``'s value."""
    return PostGenerated(lambda _name, values: template.format(values[source]))


class BodyFactory(MsgspecFactory[S], Generic[S]):
    """The JSON body of a request whose schema is ``S`` (``class F(BodyFactory[OSCreate])``).

    ``body(**overrides)`` holds the fields the factory names (in the schema's order), then each
    override, which may be any value and any key. Fields the factory does not name are left
    out, so the server applies the schema's defaults; ``Require()`` marks a field the caller
    must give (the calendar of an event, say).
    """

    __is_base_factory__ = True
    __use_defaults__ = True
    __check_model__ = True

    @classmethod
    def named(cls) -> list[str]:
        """The schema's fields that this factory gives a value."""
        return [
            field.name
            for field in msgspec.structs.fields(cls.__model__)
            if hasattr(cls, field.name) and not hasattr(BaseFactory, field.name)
        ]

    @classmethod
    def should_use_default_value(cls, field_meta: FieldMeta) -> bool:
        """The schema's default for a field the factory does not name, never a random one."""
        return field_meta.name not in cls.named() and super().should_use_default_value(field_meta)

    @classmethod
    def body(cls, **overrides: Any) -> dict[str, Any]:
        built = cls.process_kwargs(**overrides)
        named = {name: built[name] for name in cls.named() if name not in overrides}
        body: dict[str, Any] = msgspec.to_builtins(named)
        body.update(overrides)
        return body


class UserFactory(BodyFactory[RegisterRequest]):
    username = Use(lambda: f"u{token()}")
    email = _from_field("username", "{}@example.org")
    password = PASSWORD


class PostFactory(BodyFactory[PostCreate]):
    title = Use(lambda: f"My first PyCon {token()}")
    content = "It was *great*."
    links = Use(lambda: ["https://us.pycon.org/"])
    media = Use(
        lambda: [
            {"kind": "image", "url": "https://example.org/talk.png", "caption": "The talk"},
            {"kind": "video", "url": "http://example.org/talk.mp4"},
        ]
    )


class StoryFactory(BodyFactory[StoryCreate]):
    name = Use(lambda: f"Acme Runs on Python {token()}")
    category_id = 2
    company_name = "Acme"
    company_url = "https://acme.example/"
    author = "Ada Lovelace"
    author_email = "ada@acme.example"
    date = "2026-11-01"
    content = "Python *everywhere*."


class JobFactory(BodyFactory[JobCreate]):
    job_title = "Python Developer"
    company_name = Use(lambda: f"Acme {token(6)}")
    description = "Build APIs with Python."
    contact_email = "hiring@acme.example"
    country = "Netherlands"
    city = "Amsterdam"


class JobTypeFactory(BodyFactory[NamedCreate]):
    """A job type or a job category (the same body)."""

    name = Use(lambda: f"Type {token(6)}")


class PageFactory(BodyFactory[PageCreate]):
    path = Use(lambda: unique_root() + "about/")
    title = "About us"
    content = "# Hello\n\nSome *text*."


class FeedFactory(BodyFactory[BlogFeedCreate]):
    name = Use(lambda: f"Feed {token()}")
    feed_url = Use(lambda: f"https://{token()}.example.org/feed.xml")
    website_url = "https://example.org/"


class EntryFactory(BodyFactory[BlogEntryCreate]):
    feed_id = Require()
    title = Use(lambda: f"Entry {token()}")
    url = Use(lambda: f"https://example.org/posts/{token()}/")
    pub_date = "2025-05-05T10:00:00Z"


class CalendarFactory(BodyFactory[CalendarCreate]):
    name = _from_field("slug", "Calendar {}")
    slug = Use(unique, "test-calendar")


class EventFactory(BodyFactory[EventCreate]):
    """An evening event a month from the test servers' today."""

    title = Use(unique, "Python meetup")
    calendar = Require()
    time_zone = "Europe/Berlin"
    occurrences = Use(_next_month_evening)


class OSFactory(BodyFactory[OSCreate]):
    name = _from_field("slug", "OS {}")
    slug = Use(unique, "os")


class ReleaseFactory(BodyFactory[ReleaseCreate]):
    """A published release, ``Python 9.<n>.<m>``, dated in 2031."""

    name = Use(release_name, 9)
    release_date = "2031-05-01T12:00:00+00:00"
    is_published = True


class ReleaseFileFactory(BodyFactory[ReleaseFileCreate]):
    """A source tarball of a release (``url=source_url(version)`` for one of its own)."""

    name = "Gzipped source tarball"
    os = 3
    release = Require()
    url = Require()


class PackageFactory(BodyFactory[PackageCreate]):
    name = "Visionary"
    slug = Use(unique, "visionary", 8)
    sponsorship_amount = 150000
    order = 0
    year = 2026


class BenefitFactory(BodyFactory[BenefitCreate]):
    name = Use(unique, "Benefit", 8)
    program_id = 1  # the seeded Foundation programme
