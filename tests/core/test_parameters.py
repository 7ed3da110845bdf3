"""Query parameters: what a use declares on top of a shared alias reaches Litestar, and so the
OpenAPI document, as one ``Parameter`` (``core.parameters``)."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any

import pytest
from litestar.params import KwargDefinition, Parameter

from pydotorg.app import create_app
from pydotorg.core.parameters import Key, Query, Ref, merged
from tests.support import make_settings


def definitions(hint: Any) -> list[KwargDefinition]:
    if typing.get_origin(hint) is not Annotated:
        return []
    return [m for m in typing.get_args(hint)[1:] if isinstance(m, KwargDefinition)]


def test_a_use_merges_its_description_into_the_aliases_parameter() -> None:
    (definition,) = definitions(Query[Key, Parameter(description="A tag.")])
    assert (definition.max_length, definition.description) == (200, "A tag.")
    assert typing.get_args(Query[Key, Parameter(description="A tag.")])[0] == str | None
    (definition,) = definitions(Query[Ref, Parameter(description="Job type id.")])
    assert (definition.ge, definition.le, definition.description) == (1, 2**63 - 1, "Job type id.")


def test_what_a_use_sets_replaces_the_aliases_and_the_rest_stays() -> None:
    Described = Annotated[str, Parameter(pattern="^a", max_length=9, description="Alias.")]
    (definition,) = definitions(merged(Described, Parameter(description="Use.", max_length=3)))
    assert (definition.pattern, definition.max_length, definition.description) == (
        "^a", 3, "Use.",
    )  # fmt: skip
    assert definitions(Described) == [Parameter(pattern="^a", max_length=9, description="Alias.")]


def test_a_type_without_a_parameter_gets_the_uses() -> None:
    assert (
        merged(int | None, Parameter(description="N."))
        == Annotated[int | None, Parameter(description="N.")]
    )
    assert (
        merged(Annotated[int, "x"], Parameter(description="N."))
        == Annotated[int, "x", Parameter(description="N.")]
    )


def test_an_alias_with_two_parameters_is_refused() -> None:
    with pytest.raises(TypeError, match="2 parameters"):
        merged(Annotated[int, Parameter(ge=1), Parameter(le=2)], Parameter(description="N."))


def test_no_handler_or_dependency_declares_two_parameters_for_one(tmp_path: Path) -> None:
    """Litestar reads only the first ``Parameter`` of a parameter's metadata: a second one (as
    ``Annotated[Alias, Parameter(...)]`` on an alias with its own makes) is lost."""
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:", tmp_path))
    functions = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            functions.add(handler.fn)
            functions |= {p.dependency for p in handler.resolve_dependencies().values()}
    ours = [f for f in functions if getattr(f, "__module__", "").startswith("pydotorg.")]
    assert len(ours) > 200
    doubled = [
        (f"{function.__module__}.{function.__qualname__}", name)
        for function in ours
        for name, hint in typing.get_type_hints(function, include_extras=True).items()
        if len(definitions(hint)) > 1
    ]
    assert doubled == []
