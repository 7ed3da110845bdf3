"""The shipped data files hold facts only: each file's records have exactly the keys allowed for
it, and no third-party prose (descriptions, summaries, bodies, company texts) or contact detail.
"""

from __future__ import annotations

import gzip
import importlib
import json
import pkgutil
import re
from typing import Any

import pytest

import tools.data
from pydotorg.data import DATA_DIR
from tools.data import jobs as jobs_dataset

SOURCE = frozenset({"source"})

# File -> the keys its records may have. A new shipped file must be declared here.
ALLOWED: dict[str, frozenset[str]] = {
    "os.json.gz": frozenset({"id", "name", "slug"}),
    "releases.json.gz": frozenset(
        {
            "id",
            "version",
            "name",
            "slug",
            "major",
            "minor",
            "micro",
            "series",
            "pre_release",
            "stage",
            "stage_number",
            "release_date",
            "state",
            "release_page_url",
            "sources",
        }
    ),
    "release_files.json.gz": SOURCE
    | {
        "id",
        "release",
        "filename",
        "name",
        "os",
        "is_source",
        "url",
        "filesize",
        "md5_sum",
        "sha256_sum",
        "description",
        "gpg_signature_file",
        "sigstore_bundle_file",
        "sbom_spdx2_file",
        "download_button",
    },
    "release_cycle.json.gz": SOURCE
    | {
        "series",
        "major",
        "status",
        "pep",
        "branch",
        "release_manager",
        "first_release",
        "end_of_bugfix",
        "end_of_life",
        "endoflife_date_eol",
    },
    "events_calendar.json.gz": SOURCE
    | {
        "uid",
        "title",
        "calendar",
        "start",
        "end",
        "location",
        "country",
        "latitude",
        "longitude",
        "url",
    },
    "conferences.json.gz": SOURCE
    | {
        "title",
        "start",
        "end",
        "location",
        "venue",
        "tutorial_deadline",
        "talk_deadline",
        "url",
        "proposal_url",
        "sponsorship_url",
    },
    "jobs.json.gz": SOURCE
    | {
        "title",
        "company_name",
        "company_url",
        "agencies",
        "location",
        "city",
        "region",
        "country",
        "posted",
        "telecommuting",
        "status",
        "url",
        "job_types",
    },
    "blog_entries.json.gz": frozenset(
        {"slug", "title", "pub_date", "updated", "author", "tags", "url", "guid"}
    ),
    "success_stories.json.gz": SOURCE
    | {
        "slug",
        "name",
        "company_name",
        "company_url",
        "category",
        "categories",
        "author",
        "date",
        "url",
    },
    "sponsorship_packages.json.gz": SOURCE
    | {
        "id",
        "name",
        "slug",
        "sponsorship_amount",
        "order",
        "year",
        "advertise",
        "logo_dimension",
    },
    "sponsorship_benefits.json.gz": SOURCE
    | {"id", "name", "program", "order", "quantities", "logo_placement"},
    "sponsors.json.gz": SOURCE | {"name", "status", "since", "representative"},
}
# Keys a file may carry only empty (to be filled by an importer from the source, not shipped).
EMPTY_ONLY: dict[str, frozenset[str]] = {"blog_entries.json.gz": frozenset({"summary"})}
# Prose fields: in no file, except where a file's allow-list says what the key is there.
PROSE = frozenset(
    {
        "description",
        "description_html",
        "summary",
        "content",
        "content_rst",
        "body",
        "body_markdown",
        "requirements",
        "about_company",
        "python_usage",
        "contact",
        "email",
        "keywords",
        "raw",
        "text",
        "telecommuting_text",
    }
)
# The one allowed "description": python.org's short label of a download file.
LABELS = {"release_files.json.gz": frozenset({"description"})}
LONGEST_FACT = 300  # characters: names, titles, places and URLs are shorter; prose is not
EMAIL = re.compile(r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[\w-]+(?:\.|\sdot\s)", re.I)


def shipped(name: str) -> list[dict[str, Any]]:
    path = DATA_DIR / name
    if not path.exists():
        pytest.fail(f"{name} is missing")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records: list[dict[str, Any]] = json.load(handle)
    return records


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    return []


def test_every_shipped_file_is_declared() -> None:
    files = {path.name for path in DATA_DIR.glob("*.json.gz")}
    assert files == set(ALLOWED)


def test_every_shipped_file_is_built_by_a_tools_data_module() -> None:
    modules = [m.name for m in pkgutil.iter_modules(tools.data.__path__) if m.name[0] != "_"]
    outputs = {importlib.import_module(f"tools.data.{name}").OUTPUT for name in modules}
    assert {path.name for path in DATA_DIR.glob("*.json.gz")} <= outputs


def test_the_allow_lists_name_no_prose() -> None:
    for name, keys in ALLOWED.items():
        assert keys & PROSE <= LABELS.get(name, frozenset()), name


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_records_have_only_allowed_keys(name: str) -> None:
    records = shipped(name)
    assert records
    allowed = ALLOWED[name] | EMPTY_ONLY.get(name, frozenset())
    extra = {key for record in records for key in record} - allowed
    assert extra == set(), f"{name} ships keys not on its allow-list: {sorted(extra)}"
    for key in EMPTY_ONLY.get(name, frozenset()):
        assert all(not record.get(key) for record in records), f"{name} ships {key} values"
    # Built by tools/data with a fixed list of fields: every record has all of them.
    assert all(
        set(record) | EMPTY_ONLY.get(name, frozenset()) >= ALLOWED[name] for record in records
    )


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_no_value_is_prose(name: str) -> None:
    records = shipped(name)
    for record in records:
        for key, value in record.items():
            longest = max(map(len, strings(value)), default=0)
            assert longest <= LONGEST_FACT, f"{name}: {key} of {record} is prose-length"
    for key in LABELS.get(name, frozenset()):
        assert all("\n" not in (record[key] or "") for record in records)


@pytest.mark.parametrize(
    "name", ["jobs.json.gz", "events_calendar.json.gz", "conferences.json.gz", "sponsors.json.gz"]
)
def test_no_contact_details(name: str) -> None:
    """No e-mail address, except a conference's published ``mailto:`` link (an organisers' role
    address such as sponsor@..., in a URL field)."""
    for record in shipped(name):
        for key, value in record.items():
            found = [text for text in strings(value) if EMAIL.search(text)]
            if name == "conferences.json.gz" and key.endswith("_url"):
                found = [text for text in found if not text.startswith("mailto:")]
            assert found == [], f"{name}: {key} holds an e-mail address: {found}"


def test_each_posting_has_its_title_and_known_job_types() -> None:
    records = shipped("jobs.json.gz")
    assert len(records) == 196
    assert all(record["title"].strip() for record in records)
    types = {slug for record in records for slug in record["job_types"]}
    assert types == set(jobs_dataset.TYPE_KEYWORDS)
    assert records[0]["title"] == "Senior Developer"
    assert records[0]["job_types"] == ["django-developer"]


def test_the_email_pattern_finds_masked_addresses() -> None:
    for address in ("chrisw (at) followup.net", "jobs at sharehood dot co", "a.b@example.org"):
        assert EMAIL.search(address), address
    assert not EMAIL.search("https://www.python.org/events/python-events/")


def test_shipped_checksums_are_what_the_api_takes() -> None:
    """A shipped file's checksums are values the API's own field types accept (lower-case
    hex), so a mirror that syncs them from this service takes them back."""
    import msgspec

    from pydotorg.downloads.schemas import Md5, Sha256

    with gzip.open(DATA_DIR / "release_files.json.gz", "rt", encoding="utf-8") as handle:
        records = json.load(handle)
    md5 = msgspec.json.Decoder(list[Md5])
    sha256 = msgspec.json.Decoder(list[Sha256])
    md5.decode(json.dumps([record["md5_sum"] for record in records]))
    sha256.decode(json.dumps([record["sha256_sum"] for record in records]))


def test_every_shipped_release_that_happened_has_a_date() -> None:
    """python.org's clients parse ``release_date`` as a timestamp, and the python.org API
    leaves out a release without one: every release that happened has its day."""
    with gzip.open(DATA_DIR / "releases.json.gz", "rt", encoding="utf-8") as handle:
        records = json.load(handle)
    actual = [record for record in records if record["state"] == "actual"]
    assert len(actual) == 643
    assert [record["name"] for record in actual if not record["release_date"]] == []
    days = {r["name"]: r["release_date"] for r in actual if "pythonorg-api" in r["sources"]}
    assert days == {
        "Python 2.7.12rc1": "2016-06-13",
        "Python 3.5.0rc4": "2015-09-09",
        "Python 3.9.0b2": "2020-06-09",
    }
