"""``tools/data``: the dataset modules keep facts and drop prose, deterministically."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tools.data import encode
from tools.data import events_calendar as events_dataset
from tools.data import jobs as jobs_dataset
from tools.data import releases as releases_dataset
from tools.data.__main__ import main


def posting(**overrides: object) -> dict[str, Any]:
    record: dict[str, Any] = {
        "company_name": "Example Ltd",
        "company_url": "https://example.org",
        "agencies": False,
        "location": "Lyon, France",
        "city": "Lyon",
        "region": None,
        "country": "France",
        "posted": "2012-05-01",
        "description": "Senior backend engineers wanted to build our Django shop.",
        "requirements": "Five years of JavaScript.",
        "about_company": "We are a friendly team.",
        "python_usage": "Everything.",
        "contact": "Jane Doe",
        "email": "jane (at) example.org",
        "url": "https://example.org/jobs/1",
        "telecommuting": True,
        "telecommuting_text": "Telecommuting OK",
        "status": "approved",
        "source": "legacy python.org community/jobs.rst (2012-05-01)",
    }
    record.update(overrides)
    return record


def write_source(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    (folder / f"{name}.json").write_text(json.dumps(records))
    return folder


def test_a_posting_keeps_its_facts_and_gains_a_title_and_job_types(tmp_path: Path) -> None:
    derived = write_source(tmp_path, "jobs", [posting()])
    (record,) = jobs_dataset.records(derived)
    assert record["title"] == "Senior Backend Engineer"
    assert record["job_types"] == [
        "front-end-developer",
        "back-end-developer",
        "software-engineer",
        "django-developer",
    ]
    assert set(record) == {*jobs_dataset.FIELDS, "title", "job_types"}
    assert not {"description", "requirements", "about_company", "contact", "email"} & set(record)
    assert "friendly" not in json.dumps(record) and "jane" not in json.dumps(record).lower()


@pytest.mark.parametrize(
    ("description", "about", "title"),
    [
        ("Looking for Python/Django developers in Berlin.", "", "Python/Django Developer"),
        ("We need a data scientist.", "", "Data Scientist"),
        ("", "A shop that needs a programmer.", "Python Programmer"),
        ("Come and work with us.", "", "Python Developer"),
    ],
)
def test_a_posting_title_is_the_role_its_text_names_first(
    tmp_path: Path, description: str, about: str, title: str
) -> None:
    derived = write_source(
        tmp_path, "jobs", [posting(description=description, about_company=about)]
    )
    assert jobs_dataset.records(derived)[0]["title"] == title


def test_events_lose_their_description(tmp_path: Path) -> None:
    event = {
        "uid": "abc@google.com",
        "title": "PyCon PL 2012",
        "calendar": "python-events",
        "start": "2012-09-13",
        "end": "2012-09-17",
        "location": "Masłów, Poland",
        "country": None,
        "latitude": None,
        "longitude": None,
        "url": "http://pl.pycon.org/2012/",
        "description_html": "<p>The organisers' own words.</p>",
        "google_event_url": "https://www.google.com/calendar/event?eid=x",
        "source": "test",
    }
    (record,) = events_dataset.records(write_source(tmp_path, "events_calendar", [event]))
    assert record == {k: v for k, v in event.items() if k in events_dataset.FIELDS}
    assert "description_html" not in record and "google_event_url" not in record


def test_a_source_missing_a_field_is_an_error(tmp_path: Path) -> None:
    derived = write_source(tmp_path, "releases", [{"name": "Python 3.12.0"}])
    with pytest.raises(KeyError):
        releases_dataset.records(derived)


def test_files_are_deterministic_and_keep_the_order() -> None:
    records = [{"b": 1, "a": "é"}, {"a": "z", "b": 0}]
    assert encode(records) == encode([dict(reversed(list(r.items()))) for r in records])
    assert json.loads(gzip.decompress(encode(records))) == records
    assert gzip.decompress(encode(records)) == b'[{"a":"\xc3\xa9","b":1},{"a":"z","b":0}]'


def test_the_command_builds_the_datasets_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    derived = write_source(tmp_path, "jobs", [posting(), posting(company_name="Other")])
    monkeypatch.setattr("tools.data.__main__.write", lambda name, recs: _write(out, name, recs))
    assert main([str(derived), "jobs"]) == 0
    assert "jobs: 2 records -> jobs.json.gz" in capsys.readouterr().out
    built = json.loads(gzip.decompress((out / "jobs.json.gz").read_bytes()))
    assert [r["company_name"] for r in built] == ["Example Ltd", "Other"]


def _write(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    from tools.data import write

    return write(name, records, folder)


def test_releases_and_files_carry_python_orgs_ids_where_known(tmp_path: Path) -> None:
    """python.org's id where its captured answer has the release (by name; the lower of two)
    or the file (by URL); the others numbered after the highest known id, in order."""
    from tools.data import release_files as files_dataset

    derived = tmp_path / "derived"
    derived.mkdir()
    captures = tmp_path / "ducktools-pythonfinder" / "tests" / "sources"
    captures.mkdir(parents=True)
    api = "https://www.python.org/api/v2/downloads"
    (captures / "release.json").write_text(
        json.dumps(
            [
                {"name": "Python 2.0.1", "resource_uri": f"{api}/release/146/"},
                {"name": "Python 3.3.5rc1", "resource_uri": f"{api}/release/90/"},
                {"name": "Python 3.3.5rc1", "resource_uri": f"{api}/release/88/"},
            ]
        )
    )
    url = "https://www.python.org/ftp/python/2.0.1/Python-2.0.1.tgz"
    (captures / "release_file.json").write_text(
        json.dumps([{"url": url, "resource_uri": f"{api}/release_file/764/"}])
    )
    names = ["Python 1.0.1", "Python 2.0.1", "Python 3.3.5rc1", "Python 3.14.0"]
    release = dict.fromkeys(releases_dataset.FIELDS)
    write_source(derived, "releases", [{**release, "name": name} for name in names])
    ids = [(r["id"], r["name"]) for r in releases_dataset.records(derived)]
    assert ids == list(zip([147, 146, 88, 148], names, strict=True))
    file = dict.fromkeys(files_dataset.FIELDS)
    other = "https://www.python.org/ftp/python/2.0.1/Python-2.0.1.exe"
    write_source(derived, "release_files", [{**file, "url": other}, {**file, "url": url}])
    assert [r["id"] for r in files_dataset.records(derived)] == [765, 764]


def test_a_release_without_a_date_takes_python_orgs_day(tmp_path: Path) -> None:
    """A release the sources give no date gets the UTC day of python.org's own timestamp, and
    says so in its ``sources``; a release with a date keeps its own."""
    derived = tmp_path / "derived"
    derived.mkdir()
    captures = tmp_path / "ducktools-pythonfinder" / "tests" / "sources"
    captures.mkdir(parents=True)
    api = "https://www.python.org/api/v2/downloads"
    (captures / "release.json").write_text(
        json.dumps(
            [
                {
                    "name": "Python 3.9.0b2",
                    "release_date": "2020-06-09T00:25:00Z",
                    "resource_uri": f"{api}/release/437/",
                },
                {
                    "name": "Python 3.9.0b3",
                    "release_date": "2020-06-09T21:25:20Z",
                    "resource_uri": f"{api}/release/438/",
                },
            ]
        )
    )
    release = {**dict.fromkeys(releases_dataset.FIELDS), "sources": ["cpython-release-tracker"]}
    write_source(
        derived,
        "releases",
        [
            {**release, "name": "Python 3.9.0b2"},
            {**release, "name": "Python 3.9.0b3", "release_date": "2020-06-08"},
            {**release, "name": "Python 3.17.0"},
        ],
    )
    built = releases_dataset.records(derived)
    assert [(r["name"], r["release_date"], r["sources"]) for r in built] == [
        ("Python 3.9.0b2", "2020-06-09", ["cpython-release-tracker", "pythonorg-api"]),
        ("Python 3.9.0b3", "2020-06-08", ["cpython-release-tracker"]),
        ("Python 3.17.0", None, ["cpython-release-tracker"]),
    ]
