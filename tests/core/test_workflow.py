"""Review workflows: who may make which move from where, and the 409 that names the others."""

from __future__ import annotations

import pytest

from pydotorg.core.exceptions import ConflictError, PermissionDeniedError
from pydotorg.core.workflow import Move, Workflow

FLOW = Workflow(
    "posting",
    {
        "submit": Move.of({"draft", "rejected"}, "review", "owner", "Submit"),
        "approve": Move.of({"review"}, "approved", "staff", "Approve"),
        "reject": Move.of({"review"}, "rejected", "staff", "Reject", reason=True),
    },
)


def test_allowed_moves_depend_on_state_and_role() -> None:
    assert FLOW.allowed("draft", staff=False, owner=True) == ["submit"]
    assert FLOW.allowed("review", staff=True, owner=False) == ["approve", "reject"]
    assert FLOW.allowed("review", staff=False, owner=True) == []


def test_a_move_returns_its_target() -> None:
    assert FLOW.check("approve", "review", staff=True, owner=False).target == "approved"
    assert FLOW.moves["reject"].reason is True


def test_the_wrong_caller_gets_403() -> None:
    with pytest.raises(PermissionDeniedError, match="Only staff can approve a posting"):
        FLOW.check("approve", "review", staff=False, owner=True)
    with pytest.raises(PermissionDeniedError, match="owner of this posting"):
        FLOW.check("submit", "draft", staff=True, owner=False)


def test_a_move_from_the_wrong_state_is_409_naming_the_allowed_ones() -> None:
    with pytest.raises(ConflictError) as caught:
        FLOW.check("approve", "draft", staff=True, owner=True, shown="draft")
    assert caught.value.extra == {"status": "draft", "allowed_actions": ["submit"]}
    assert "A posting that is draft cannot approve" in caught.value.detail
