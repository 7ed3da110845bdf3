"""Review workflows: a resource moves between states by named moves, each its owner's or staff's.

A :class:`Workflow` is a table of moves (``submit``, ``approve``, ``reject``, ...): from which
states, to which, whose move it is, and whether it takes a reason. A move the caller may not make
is a 403; a move that is not allowed from where the resource stands is a 409 whose ``extra`` holds
the ``status`` and the ``allowed_actions``, and nothing changes. A ``ResourceController`` whose
service has a ``workflow`` gets one ``POST {path}/{id}/{move}`` endpoint per move, named
``{move}{Noun}`` (``approveJob``), that calls the service's ``move``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydotorg.core.exceptions import ConflictError, PermissionDeniedError
from pydotorg.core.queries import article


@dataclass(frozen=True)
class Move:
    """One move: from ``sources`` to ``target``, made by the resource's owner or by staff."""

    sources: frozenset[str]
    target: str
    by: Literal["owner", "staff"]
    summary: str
    description: str | None = None
    reason: bool = False
    """The move takes ``{"reason"}`` (a rejection's, which the owner reads)."""

    @classmethod
    def of(
        cls,
        sources: Iterable[str],
        target: str,
        by: Literal["owner", "staff"],
        summary: str,
        **more: str | bool | None,
    ) -> Move:
        return cls(frozenset(sources), target, by, summary, **more)  # type: ignore[arg-type]


class Workflow:
    """The moves of one kind of resource."""

    def __init__(self, noun: str, moves: Mapping[str, Move]) -> None:
        self.noun = noun
        self.moves = dict(moves)

    def allowed(self, state: str, *, staff: bool, owner: bool) -> list[str]:
        """The moves this caller may make from ``state``."""
        return [
            name
            for name, move in self.moves.items()
            if (staff if move.by == "staff" else owner) and state in move.sources
        ]

    def conflict(
        self, message: str, state: str, *, staff: bool, owner: bool, shown: str | None = None
    ) -> ConflictError:
        """The 409 for a change not allowed in ``state`` (``shown`` is the state as clients
        see it, when it differs), naming the moves that are."""
        allowed = self.allowed(state, staff=staff, owner=owner)
        return ConflictError(
            f"{message} Allowed now: {', '.join(allowed) or 'nothing'}.",
            extra={"status": shown or state, "allowed_actions": allowed},
        )

    def check(
        self, name: str, state: str, *, staff: bool, owner: bool, shown: str | None = None
    ) -> Move:
        """The move ``name`` if this caller may make it now; else 403 or 409."""
        move = self.moves[name]
        if move.by == "staff" and not staff:
            raise PermissionDeniedError(f"Only staff can {name} {article(self.noun)}.")
        if move.by == "owner" and not owner:
            raise PermissionDeniedError(f"Only the owner of this {self.noun} can {name} it.")
        if state not in move.sources:
            raise self.conflict(
                f"{article(self.noun).capitalize()} that is {shown or state} cannot {name}.",
                state,
                staff=staff,
                owner=owner,
                shown=shown,
            )
        return move
