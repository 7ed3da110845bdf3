"""What hidden documents may never change for anyone else: hits, counts, corrections and
suggestions come only from what the caller may see, the vocabulary only from public documents
(both engines)."""

from __future__ import annotations

from secrets import randbelow
from typing import Any

import httpx

from tests.events.conftest import make_calendar
from tests.search.support import SEARCH, hits, keys, make_page, search, word
from tests.support import LiveServer


def typo(w: str) -> str:
    """One edit away: the first two different neighbours after the first letter swapped (two
    equal letters swapped would leave the word itself, which is found, not corrected)."""
    i = next(i for i in range(1, len(w) - 1) if w[i] != w[i + 1])
    return w[:i] + w[i + 1] + w[i] + w[i + 2 :]


def seen_by(client: httpx.Client, words: list[str]) -> list[Any]:
    """Everything a caller learns about these words: hits and counts of each word and of a
    misspelling of it, and autocomplete for its first letters."""
    seen: list[Any] = []
    for w in words:
        for query in (w, typo(w)):
            response = search(client, query)
            assert response.status_code == 200, response.text
            seen.append((keys(response.json()), response.headers["X-Search-Counts"]))
        suggest = client.get("/api/v1/search/autocomplete", params={"q": w[:6]})
        assert suggest.status_code == 200
        seen.append(suggest.json())
    return seen


def test_hidden_words_never_reach_anyone_else(
    server: LiveServer, staff: httpx.Client, anon: httpx.Client, member: httpx.Client
) -> None:
    secrets = [word(11) for _ in range(4)]
    before = seen_by(anon, secrets)
    calendar = make_calendar(staff)["id"]
    for secret in secrets:  # drafts and pending events: many of them, as an attacker would
        draft = member.post(
            "/api/v1/jobs/",
            json={
                "job_title": f"{secret} engineer",
                "company_name": "Acme",
                "description": " ".join([secret, *(word() for _ in range(200))]),
                "contact_email": "hiring@acme.example",
                "country": "Netherlands",
            },
        )
        assert draft.status_code == 201, draft.text
        pending = member.post(
            "/api/v1/events/submit",
            json={
                "title": f"{secret} sprint",
                "description": " ".join(word() for _ in range(200)),
                "calendar": calendar,
                "occurrences": [
                    {"dt_start": "2027-02-10T18:00:00Z", "dt_end": "2027-02-10T20:00:00Z"}
                ],
            },
        )
        assert pending.status_code == 201, pending.text
    make_page(staff, f"{secrets[0]} unpublished", is_published=False)
    after = seen_by(anon, secrets)
    assert after == before
    assert all(found == [] for found, _ in after[::3])  # nothing found
    assert all("=1" not in counts for _, counts in after[::3])
    with server.client("user") as other:
        assert seen_by(other, secrets) == before
    # The author finds their own drafts by their words, but no misspelling of them is
    # corrected: corrections come from public words only.
    assert {hit["index"] for hit in hits(member, secrets[1])} == {"jobs", "events"}
    assert hits(member, typo(secrets[1])) == []


def test_words_leave_the_vocabulary_with_their_last_public_document(
    staff: httpx.Client, anon: httpx.Client
) -> None:
    w = word(10)
    page = make_page(staff, f"{w} notes")
    assert keys(hits(anon, typo(w))) == [("pages", page["id"])]  # corrected to the word
    suggested = anon.get("/api/v1/search/autocomplete", params={"q": w[:7]}).json()
    assert {"text": w, "type": "term", "index": "pages"} in suggested
    staff.patch(f"/api/pages/{page['id']}", json={"is_published": False}).raise_for_status()
    assert hits(anon, typo(w)) == [] and hits(staff, typo(w)) == []
    assert anon.get("/api/v1/search/autocomplete", params={"q": w[:7]}).json() == []
    staff.patch(f"/api/pages/{page['id']}", json={"is_published": True}).raise_for_status()
    assert keys(hits(anon, typo(w))) == [("pages", page["id"])]
    staff.delete(f"/api/pages/{page['id']}").raise_for_status()
    assert hits(anon, typo(w)) == []
    response = anon.post(SEARCH, json={"query": w})
    assert response.json() == [] and response.headers["X-Total-Count"] == "0"


def test_counted_numbers_are_never_corrected_to(staff: httpx.Client, anon: httpx.Client) -> None:
    """The vocabulary counts all-digit words (how frequent they are), but a typo is corrected
    only to words of 3 characters or more, not all digits."""
    number = str(randbelow(9 * 10**8) + 10**8)
    page = make_page(staff, f"{number} notes")
    assert keys(hits(anon, number)) == [("pages", page["id"])]
    assert hits(anon, typo(number)) == []
