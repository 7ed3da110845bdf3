"""Every domain's text fields refuse what XML 1.0 cannot carry (``core.schemas``), so no feed or
export built from them can break."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import LiveServer

FORBIDDEN = {
    "U+FFFF": "\uffff",
    "U+FFFE": "\ufffe",
    "NUL": "\x00",
    "ESC": "\x1b",
    "NEL": "\x85",  # C1 controls (issue 24): no control character of any category
    "CSI": "\x9b",
}
EVENT = {
    "calendar": 1,
    "occurrences": [{"dt_start": "2031-05-05T09:00:00", "dt_end": "2031-05-05T10:00:00"}],
}
JOB = {
    "company_name": "ACME",
    "description": "We write Python.",
    "contact_email": "jobs@example.org",
}
Body = Callable[[str], dict[str, Any]]
WRITES: list[tuple[str, str, str, Body]] = [
    ("staff", "/api/v1/os/", "name", lambda c: {"name": f"OS{c}", "slug": "xml-os"}),
    ("staff", "/api/v1/events/", "title", lambda c: {**EVENT, "title": f"Meetup {c}"}),
    (
        "user",
        "/api/v1/events/submit",
        "description",
        lambda c: {**EVENT, "title": "Sprint", "description": f"a{c}b"},
    ),
    ("user", "/api/v1/jobs/", "job_title", lambda c: {**JOB, "job_title": f"Engineer {c}"}),
    (
        "user",
        "/api/v1/jobs/",
        "requirements",
        lambda c: {**JOB, "job_title": "Dev", "requirements": c},
    ),
    (
        "staff",
        "/api/v1/event-locations/",
        "address",
        lambda c: {"name": "Hall", "slug": "hall-xml", "address": c},
    ),
    (
        "staff",
        "/api/v1/calendars/",
        "url",
        lambda c: {"name": "C", "slug": "c-xml", "url": f"https://x.org/{c}"},
    ),
    ("user", "/api/v1/jobs/search", "location", lambda c: {"location": f"Berlin{c}"}),
]


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
@pytest.mark.parametrize(
    ("role", "path", "field", "body"), WRITES, ids=[w[0] + w[1] + w[2] for w in WRITES]
)
def test_text_xml_cannot_carry_is_refused_naming_the_field(
    server: LiveServer, role: str, path: str, field: str, body: Body, character: str
) -> None:
    with server.client(role) as client:
        response = client.post(path, json=body(character))
    assert response.status_code == 400, response.text
    assert response.json()["extra"]["errors"][0]["field"] == field


def test_free_text_keeps_tabs_and_line_breaks(server: LiveServer) -> None:
    with server.client("user") as client:
        body = {**EVENT, "title": "Sprint ✓", "description": "One\ttwo\r\nthree\n"}
        response = client.post("/api/v1/events/submit", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["description"] == body["description"]


def test_unpaired_surrogates_never_reach_the_api(server: LiveServer) -> None:
    with server.client("staff") as client:
        response = client.post(
            "/api/v1/os/",
            content=b'{"name": "a\\udc00b", "slug": "surrogate-os"}',
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400


def test_a_one_line_field_refuses_a_trailing_newline() -> None:
    """Python's ``$`` matches before a final newline; the kit's patterns end in ``\\Z``."""
    import msgspec

    from pydotorg.content.pages.schemas import PageUpdate

    for body in (b'{"title": "abc\\n"}', b'{"path": "/about/\\n"}'):
        with pytest.raises(msgspec.ValidationError):
            msgspec.json.decode(body, type=PageUpdate)
    decoded = msgspec.json.decode(b'{"title": "abc"}', type=PageUpdate)
    assert msgspec.structs.asdict(decoded)["title"] == "abc"


def _patterns(node: object, seen: set[int]) -> list[str]:
    """Every string pattern in a msgspec type tree."""
    import msgspec.inspect as mi

    if id(node) in seen:
        return []
    seen.add(id(node))
    found = []
    if isinstance(node, mi.StrType) and node.pattern:
        found.append(node.pattern)
    if isinstance(node, mi.StructType):
        for field in node.fields:
            found += _patterns(field.type, seen)
    for attr in ("type", "types", "item_type", "key_type", "value_type", "item_types"):
        child = getattr(node, attr, None)
        for each in child if isinstance(child, tuple) else [child]:
            if each is not None:
                found += _patterns(each, seen)
    return found


def test_no_request_body_pattern_lets_a_trailing_newline_through() -> None:
    """Every pattern of every request body ends in ``\\Z`` (or matches no end at all): a ``$``
    would accept "value\\n", which the documented pattern refuses."""
    import importlib
    import pkgutil

    import msgspec.inspect as mi

    import pydotorg
    from pydotorg.core.schemas import WriteSchema

    for module in pkgutil.walk_packages(pydotorg.__path__, "pydotorg."):
        if module.name.endswith(".schemas"):
            importlib.import_module(module.name)

    kinds: list[type] = []
    pending: list[type] = [WriteSchema]
    while pending:
        kind = pending.pop()
        kinds.append(kind)
        pending += kind.__subclasses__()
    patterns = {p for info in mi.multi_type_info(kinds[1:]) for p in _patterns(info, set())}
    assert len(patterns) >= 5
    loose = sorted(p for p in patterns if p.endswith("$") and not p.endswith("\\$"))
    assert loose == []
