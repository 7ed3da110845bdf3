"""Request bodies are decoded strictly: a wrong JSON type, a duplicate key, an unknown field,
malformed or deeply nested JSON, a missing or non-JSON body are 4xx naming what is wrong, and
change nothing. Integer query parameters are decimal digits. A whole number (``2.0``) is an
integer, as JSON Schema reads it."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import msgspec
import pytest
from litestar.exceptions import ValidationException

from pydotorg.web.requests import decode_body
from tests.support import LiveServer, log_records, wait_until

SEARCH = "/api/v1/jobs/search"


def errors_of(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    errors: list[dict[str, Any]] = response.json()["extra"]["errors"]
    return errors


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b'{"limit": "5"}', "limit", "Expected `int`, got `str`"),
        (b'{"limit": 1.5}', "limit", "Expected `int`, got `float`"),
        (b'{"limit": 2.0, "offset": 0.5}', "offset", "Expected `int`, got `float`"),
        (b'{"remote": 0}', "remote", "Expected `bool | null`, got `int`"),
        (b'{"limit": 5, "limit": 6}', "limit", "appears more than once in the object"),
        (b'{"is_staff": true}', "is_staff", "unknown field"),
        (b'{"job_type_ids": [1, true]}', "job_type_ids[1]", "Expected `int | str`, got `bool`"),
        (
            b'{"job_type_ids": [1, "2x"]}',
            "job_type_ids[1]",
            r"Expected `str` matching regex '^0*[1-9][0-9]*\\Z'",
        ),
    ],
)
def test_wrong_json_is_400_naming_the_field(
    anon: httpx.Client, body: bytes, field: str, message: str
) -> None:
    response = anon.post(SEARCH, content=body, headers={"Content-Type": "application/json"})
    assert errors_of(response, 400) == [{"field": field, "message": message, "source": "body"}]


@pytest.mark.parametrize("number", [b"2.0", b"2e0", b"0.2e1"])
def test_a_whole_number_is_an_integer_however_it_is_written(
    anon: httpx.Client, number: bytes
) -> None:
    """JSON Schema's integers include ``2.0``: the document cannot refuse it, so neither does
    the service."""
    body = b'{"limit": ' + number + b', "offset": 0.0}'
    response = anon.post(SEARCH, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert len(response.json()) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "x",}', "malformed JSON at byte 14: Expecting property name"),
        (b"[" * 1000 + b"]" * 1000, "JSON nested too deeply"),
        (b"", "the request body is missing"),
    ],
)
def test_malformed_deep_or_missing_bodies_are_400(
    anon: httpx.Client, body: bytes, message: str
) -> None:
    response = anon.post(SEARCH, content=body, headers={"Content-Type": "application/json"})
    [error] = errors_of(response, 400)
    assert error["field"] is None and error["source"] == "body"
    assert error["message"].startswith(message)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(anon: httpx.Client, content_type: str) -> None:
    response = anon.post(SEARCH, content=b'{"query": "x"}', headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert response.json()["detail"].startswith("Send the request body as JSON")


def test_a_refused_body_changes_nothing(staff: httpx.Client) -> None:
    body = b'{"name": "Plan 9", "slug": "plan9", "slug": "plan-nine"}'
    response = staff.post("/api/v1/os/", content=body, headers={"Content-Type": "application/json"})
    assert errors_of(response, 400)[0]["field"] == "slug"
    for slug in ("plan9", "plan-nine"):
        assert staff.get(f"/api/v1/os/slug/{slug}").status_code == 404


@pytest.mark.parametrize("value", ["1e3", "0x10", "1_000", " 5", "5.5", "5.", "5.0 "])
def test_integer_query_parameters_are_decimal_digits(anon: httpx.Client, value: str) -> None:
    response = anon.get("/api/v1/jobs", params={"limit": value})
    assert errors_of(response, 400) == [
        {"field": "limit", "message": "Expected `int`, got `str`", "source": "query"}
    ]
    assert anon.get("/api/v1/jobs", params={"limit": "5"}).status_code == 200


@pytest.mark.parametrize("value", ["2.0", "2.00"])
def test_an_integer_with_a_zero_fraction_is_that_integer(anon: httpx.Client, value: str) -> None:
    """JSON Schema's integers include ``2.0``: the document cannot refuse it, so neither does
    the service."""
    response = anon.get("/api/v1/jobs", params={"limit": value})
    assert response.status_code == 200, response.text
    assert len(response.json()) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"category_id": 9223372036854775808}', "category_id"),
        (b'{"job_type_ids": [0]}', "job_type_ids[0]"),
    ],
)
def test_ids_in_bodies_are_1_to_2_63_minus_1(anon: httpx.Client, body: bytes, field: str) -> None:
    response = anon.post(SEARCH, content=body, headers={"Content-Type": "application/json"})
    assert errors_of(response, 400)[0]["field"] == field


def test_a_missing_required_field_is_named(staff: httpx.Client) -> None:
    response = staff.post("/api/v1/os/", json={"name": "Plan 9"})
    assert errors_of(response, 400) == [{"field": "slug", "message": "required", "source": "body"}]


@pytest.mark.parametrize(
    ("body", "position"),
    [
        (b'{"q": "caf\xe9"}', 10),
        (b'{"q\xff": "python"}', 3),
        ('{"q": "python"}'.encode("utf-16"), 0),
    ],
)
def test_a_body_that_is_not_utf8_is_400_saying_so(
    anon: httpx.Client, body: bytes, position: int
) -> None:
    response = anon.post(SEARCH, content=body, headers={"Content-Type": "application/json"})
    message = f"the request body is not UTF-8 (invalid byte at position {position})"
    assert errors_of(response, 400) == [{"field": None, "message": message, "source": "body"}]
    assert response.json()["detail"] == f"Invalid request body: {message}"


def test_a_client_that_leaves_mid_body_is_one_line_at_info(sqlite_server: LiveServer) -> None:
    host, port = sqlite_server.base_url.removeprefix("http://").split(":")
    before = len(log_records(sqlite_server.log_path, "pydotorg.errors"))
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(
            b"POST /api/v1/jobs/search HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + b'{"q": "py'
        )
        time.sleep(0.3)  # the server is reading the body when the client goes
    wait_until(lambda: len(log_records(sqlite_server.log_path, "pydotorg.errors")) > before, 10)
    time.sleep(0.3)  # and nothing more follows
    records = log_records(sqlite_server.log_path, "pydotorg.errors")[before:]
    assert [(r["level"], "exception" in r) for r in records] == [("info", False)], records
    (record,) = records
    assert record["message"].startswith("client disconnected before sending the whole body")
    assert "/api/v1/jobs/search" in record["message"]
    assert "\n" not in record["message"]


EARLIEST = "0001-01-01T00:00:00+01:00"  # 31 December of year 0 in UTC: no datetime holds it
LATEST = "9999-12-31T23:59:59-05:00"  # 1 January 10000 in UTC
NO_UTC = [
    ("staff", "/api/v1/releases/", {"name": "Python 6.999.0"}, "release_date"),
    ("staff", "/api/v1/downloads/release/", {"name": "Python 6.999.0"}, "release_date"),
    ("staff", "/api/v2/downloads/release/", {"name": "Python 6.999.0"}, "release_date"),
    ("user", "/api/auth/api-keys", {"name": "k"}, "expires"),
    (
        "staff",
        "/api/v1/events/",
        {"title": "Meetup", "calendar": 1, "occurrences": [{"dt_end": "2031-01-01T00:00:00Z"}]},
        "occurrences[0].dt_start",
    ),
]


@pytest.mark.parametrize("moment", [EARLIEST, LATEST])
@pytest.mark.parametrize(("role", "path", "body", "field"), NO_UTC, ids=[c[1] for c in NO_UTC])
def test_a_datetime_utc_cannot_hold_is_400_naming_the_field(
    server: LiveServer, role: str, path: str, body: dict[str, Any], field: str, moment: str
) -> None:
    """Issue 24: an offset at the edge of the years a datetime holds has no UTC instant, and
    converting it was a 500. Every datetime a body carries is checked once, as it is decoded."""
    *parents, name = field.replace("[0]", "").split(".")
    target = body = json.loads(json.dumps(body))
    for parent in parents:
        target = target[parent][0]
    target[name] = moment
    headers = {"Authorization": f"ApiKey staffer:{server.credentials['staff']}"}
    if path.startswith("/api/v2/"):
        headers = {"Authorization": f"Token {server.credentials['staff']}"}
    with server.client(role) as client:
        if path.startswith(("/api/v1/downloads/", "/api/v2/")):
            client.headers.update(headers)
        response = client.post(path, json=body)
        assert response.status_code == 400, response.text
        if path.startswith("/api/v1/downloads/"):  # Tastypie's shape: errors under the model
            assert list(response.json()["downloads/release"]) == [field]
        elif path.startswith("/api/v2/"):  # DRF's shape: messages under the field
            assert list(response.json()) == [field]
        else:
            assert [e["field"] for e in response.json()["extra"]["errors"]] == [field]
        assert client.get("/api/v1/releases/slug/python-69990").status_code == 404


class _Fee(msgspec.Struct, forbid_unknown_fields=True):
    fee: int | None = None


@pytest.mark.parametrize(("body", "fee"), [(b'{"fee": 5000.0}', 5000), (b'{"fee": null}', None)])
def test_a_whole_number_is_an_integer_where_null_is_allowed_too(body: bytes, fee: int) -> None:
    assert decode_body(body, _Fee) == _Fee(fee=fee)


def test_a_fraction_is_no_integer_where_null_is_allowed_too() -> None:
    with pytest.raises(ValidationException) as refused:
        decode_body(b'{"fee": 5000.5}', _Fee)
    assert "Expected `int | null`, got `float`" in str(refused.value.extra)
