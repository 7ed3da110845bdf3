"""Judged relevance of the site-wide search over the shipped data, on both engines.

Each case is a query and the document a person typing it plainly means: it must be among the
first ``TOP`` hits. The expected documents were chosen by reading the shipped data
(``src/pydotorg/data``), never from what an engine returned; each is named by its index and a
stable key (a slug, a path, a title, a company), its id looked up through the API on each
server. The servers hold the shipped data alone (``as_shipped``): what other tests write on
the shared servers would be other documents to rank.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import ENGINES
from tests.support import LiveServer

SEARCH = "/api/v1/search/"
TOP = 3  # the expected document is among the first this many hits
SHOWN = 5  # hits a failure shows


@dataclass(frozen=True)
class Doc:
    """A shipped document: its index, the title its hits show, and how the API finds it."""

    index: str
    title: str
    key: str = ""  # a slug (releases, events, success stories, sponsors), a path (pages)
    company: str = ""  # jobs: the posting's company
    remote: bool | None = None  # jobs: telling apart two postings of one title and company


@dataclass(frozen=True)
class Judged:
    """A query, the indexes it is restricted to (none: all), and the document it means."""

    query: str
    expected: Doc
    indexes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.query} in {','.join(self.indexes)}" if self.indexes else self.query


def blog(title: str) -> Doc:
    return Doc("blogs", title)


def release(name: str) -> Doc:
    return Doc("releases", name, key="python-" + name.removeprefix("Python ").replace(".", ""))


def story(slug: str, name: str) -> Doc:
    return Doc("success_stories", name, key=slug)


def event(slug: str, title: str) -> Doc:
    return Doc("events", title, key=slug)


def sponsor(slug: str, name: str) -> Doc:
    return Doc("sponsors", name, key=slug)


def job(title: str, company: str, remote: bool | None = None) -> Doc:
    return Doc("jobs", title, company=company, remote=remote)


ABOUT_API = Doc("pages", "About this API", key="/about/api/")
ATLASSIAN = blog("Mercurial Mirrors Provided by Atlassian")
WHY_PYTHON = story("esr", "Why Python?")

CASES = [
    # Typos: a letter missing, two letters swapped, one letter wrong, and a name spelt right
    # where the data misspells it.
    Judged("atlasian", ATLASSIAN),
    Judged("welcome pyhton insider", blog("Welcome to Python Insider!")),
    Judged("jython mercurail", blog("Jython Migrates to Mercurial")),
    Judged("faulthandlr", blog("New faulthandler module in Python 3.3 helps debugging")),
    Judged("lucasflim", job("Python Developer", "Lucasfilm Ltd.")),
    Judged("blomberg", sponsor("bloomberg", "Bloomberg")),
    Judged(
        "astrazenca", story("astra", "AstraZeneca Uses Python for Collaborative Drug Discovery")
    ),
    Judged("pizza istanbol", event("python-pizza-istanbul-2026-11-14", "Python Pizza Istanbul")),
    Judged("eric raymnod", WHY_PYTHON),
    Judged("anaconda", sponsor("anacona-was-continuum", "Anacona (was Continuum)")),
    Judged("rakspace", sponsor("rackspace", "Rackspace"), ("sponsors",)),
    # Quoted phrases.
    Judged('"release candidate" 2.7.9', blog("Release Candidate for Python 2.7.9 available")),
    Judged('"language summit" 2012', blog("2012 Language Summit Report")),
    Judged('"two-factor login"', blog("PyPI Now Supports Two-Factor Login via WebAuthn")),
    Judged('"meet the team" coghlan', blog("Meet the Team: Nick Coghlan")),
    Judged('"open data services"', sponsor("open-data-services", "Open Data Services")),
    Judged('"space shuttle"', story("usa", "Python Streamlines Space Shuttle Mission Design")),
    # Two words.
    Judged("brett cannon", blog("Meet the Team: Brett Cannon")),
    Judged("python launcher", blog("A Python Launcher For Windows")),
    Judged(
        "drug discovery", story("astra", "AstraZeneca Uses Python for Collaborative Drug Discovery")
    ),
    Judged("data analyst", job("Data Analyst", "Luminoso")),
    Judged("twitter engineer", job("Back-End Software Engineer", "Twitter")),
    Judged("pycon somalia", event("pycon-somalia-2023-12-26", "PyCon Somalia")),
    Judged("api documentation", ABOUT_API),
    Judged("rust cpython", blog("Rust for CPython Progress Update April 2026")),
    Judged("urllib vulnerability", blog("urllib Security Vulnerability Fixed")),
    Judged(
        "dvd packaging",
        story("acqutek", "Acqutek Uses Python to Control CD/DVD Packaging Hardware"),
    ),
    Judged("o'reilly media", sponsor("o-reilly-media-inc", "O'Reilly Media, Inc.")),
    # Three words and more.
    Judged("industrial light magic", story("ilm", "Industrial Light & Magic Runs on Python")),
    Judged(
        "air traffic control",
        story("frequentis", "Frequentis TAPtools? - Python in Air Traffic Control"),
    ),
    Judged("python developer zurich", job("Python Developer", "Squirro.com")),
    Judged(
        "new dependency resolver",
        blog("Releasing pip 20.3, featuring new dependency resolver"),
    ),
    Judged("raspberry pi buildbot", blog("PandaBoard, Raspberry Pi coming to Buildbot fleet")),
    Judged("security response team", blog("Join the Python Security Response Team!")),
    Judged("last release of python 2", blog("Python 2.7.18, the last release of Python 2")),
    Judged("kiwi pycon invercargill", event("kiwi-pycon-2023-09-15", "Kiwi PyCon")),
    Judged(
        "black python devs summit",
        event(
            "black-python-devs-leadership-summit-2026-07-24", "Black Python Devs Leadership Summit"
        ),
    ),
    Judged(
        "python documentation russian",
        blog("The Python documentation is now available in Russian!"),
    ),
    # Words many documents hold, which one of them holds best.
    Judged("pycon us 2014", event("pycon-us-2014-2014-04-09", "PyCon US 2014")),
    Judged("pycon us 2016", event("pycon-us-2016-2016-05-28", "PyCon US 2016")),
    Judged("scipy 2015", event("scipy-2015-2015-07-06", "SciPy 2015")),
    Judged(
        "python software developer",
        job(
            "Python Software Developer", "Mobile Application Testing for HP Quicktest Professionals"
        ),
    ),
    Judged("senior software engineer london", job("Senior Software Engineer", "Luluvise.")),
    # The most frequent word alone, in one index.
    Judged("python", WHY_PYTHON, ("success_stories",)),
    Judged("python", ABOUT_API, ("pages",)),
    # Version strings.
    Judged("3.12.1", release("Python 3.12.1")),
    Judged("2.7.18", release("Python 2.7.18")),
    Judged("python 1.0.1", release("Python 1.0.1")),
    Judged("3.11.0b1", release("Python 3.11.0b1")),
    Judged("python 3.14.0", release("Python 3.14.0")),
    Judged("python 3.13.0", release("Python 3.13.0")),
    Judged("2.7.9", release("Python 2.7.9")),
    Judged("3.4.0", release("Python 3.4.0")),
    Judged("3.12.0 final", blog("Python 3.12.0 (final) now available")),
    # Singular and plural, and other forms of one word (stemming).
    Judged("romanian translation", blog("Romanian and Simplified Chinese Translations")),
    Judged("deprecation", blog("Deprecations between Python 2.7 and 3.x")),
    Judged(
        "electronic contributor agreement",
        blog("Introducing Electronic Contributor Agreements"),
    ),
    Judged(
        "packaging council candidate",
        blog("Announcing the Packaging Council Election Candidates for 2026!"),
    ),
    Judged("biomolecule simulation", story("mmtk", "Simulating Biomolecules with Python")),
    Judged("system administrators", job("Systems Administrator", "PeopleBrowsr Inc.")),
    Judged(
        "django girls seoul workshops",
        event("django-girls-seoul-workshop-2018-07-21", "Django Girls Seoul Workshop"),
    ),
    # Exclusions.
    Judged("mercurial -atlassian", blog("Jython Migrates to Mercurial")),
    Judged(
        "rackspace -telecommuting",
        job("Sr. Python Developer", "Rackspace Inc.", remote=False),
        ("jobs",),
    ),
    # Alternatives.
    Judged("heller or ctypes", blog("Thomas Heller Steps Down as ctypes Maintainer")),
    Judged(
        "zope erp or crm",
        story("nexedi", "ERP5: Mission-critical ERP/CRM with Python and Zope"),
    ),
    # Restricted to some indexes: the same words elsewhere name other documents.
    Judged(
        "rackspace",
        story("rackspace", "Python is Rackspace's CORE Technology"),
        ("success_stories",),
    ),
    Judged("edgestream", job("Python Developer", "Edgestream Partners, L.P."), ("jobs",)),
    Judged(
        "edgestream", sponsor("edgestream-partners-lp", "Edgestream Partners, LP"), ("sponsors",)
    ),
    Judged(
        "heroku salesforce",
        sponsor("heroku-salesforce", "Heroku/Salesforce"),
        ("sponsors", "jobs"),
    ),
]

TITLE_FIELD = {
    "releases": "name",
    "events": "title",
    "jobs": "job_title",
    "blogs": "title",
    "success_stories": "name",
    "sponsors": "name",
    "pages": "title",
}
BY_KEY = {
    "releases": "/api/v1/releases/slug/{}",
    "events": "/api/v1/events/slug/{}",
    "success_stories": "/api/v1/success-stories/slug/{}",
    "sponsors": "/api/v1/sponsors/slug/{}",
    "pages": "/api/pages/lookup?path={}",
}
LISTS = {"blogs": "/api/blogs", "jobs": "/api/v1/jobs"}


class Catalogue:
    """The ids of shipped documents on one server, looked up through its API (not its search)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.lists: dict[str, list[dict[str, Any]]] = {}

    def listed(self, index: str) -> list[dict[str, Any]]:
        if index not in self.lists:
            response = self.client.get(LISTS[index], params={"limit": 1000})
            assert response.status_code == 200, response.text
            rows: list[dict[str, Any]] = response.json()
            assert len(rows) == int(response.headers["X-Total-Count"]), index
            self.lists[index] = rows
        return self.lists[index]

    def id_of(self, doc: Doc) -> int:
        if doc.index in BY_KEY:
            response = self.client.get(BY_KEY[doc.index].format(doc.key))
            assert response.status_code == 200, (doc, response.text)
            found = [response.json()]
        else:
            found = [
                row
                for row in self.listed(doc.index)
                if row[TITLE_FIELD[doc.index]] == doc.title
                and (not doc.company or row["company_name"] == doc.company)
                and (doc.remote is None or row["remote"] is doc.remote)
            ]
        assert len(found) == 1, (doc, found)
        assert found[0][TITLE_FIELD[doc.index]] == doc.title, (doc, found[0])
        return int(found[0]["id"])


@pytest.fixture(scope="module", params=ENGINES)
def shipped(
    request: pytest.FixtureRequest, as_shipped: tuple[LiveServer, LiveServer]
) -> LiveServer:
    """A server on the shipped data alone, one per engine (``as_shipped``)."""
    return as_shipped[ENGINES.index(request.param)]


@pytest.fixture(scope="module")
def catalogue(shipped: LiveServer) -> Iterator[Catalogue]:
    with shipped.client() as client:
        yield Catalogue(client)


def shown(hits: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {rank}. {hit['index']} {hit['id']} {hit['title']!r} score={hit['score']:.6g}"
        for rank, hit in enumerate(hits, 1)
    )


def test_judged_cases_are_distinct() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_meant_document_is_among_the_first_hits(
    shipped: LiveServer, catalogue: Catalogue, case: Judged
) -> None:
    expected = (case.expected.index, catalogue.id_of(case.expected))
    body: dict[str, Any] = {"query": case.query, "limit": SHOWN}
    if case.indexes:
        body["indexes"] = list(case.indexes)
    response = catalogue.client.post(SEARCH, json=body)
    assert response.status_code == 200, response.text
    hits: list[dict[str, Any]] = response.json()
    assert all(hit["index"] in case.indexes for hit in hits) or not case.indexes
    first = [(hit["index"], hit["id"]) for hit in hits[:TOP]]
    assert expected in first, (
        f"{case.query!r} on {shipped.engine}: expected {expected[0]} {expected[1]} "
        f"{case.expected.title!r} among the first {TOP}; the first {SHOWN} hits "
        f"({response.headers.get('X-Search-Counts')}):\n{shown(hits)}"
    )
