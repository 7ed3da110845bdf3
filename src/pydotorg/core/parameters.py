"""Query parameters as the domains declare them: the shared aliases, and what a use adds.

An alias carries a parameter's type and constraints (``Key``: text of 200 characters at the
most); a filter says what it means with :class:`Query`::

    feed: Query[Key, Parameter(description="The feed's id or slug.")] = None

Not ``Annotated[Key, Parameter(description=...)]``: that nests a second ``Parameter`` in the
alias's metadata, and Litestar reads only the first, so the description never reaches the
OpenAPI document (or, where the alias has a description of its own, the alias's stands
instead). ``Query`` merges what the second ``Parameter`` sets into the alias's one, keeping
every constraint the alias has that the use does not replace (pattern, bounds, lengths).

To a type checker ``Query[T, Parameter(...)]`` is ``Annotated[T, Parameter(...)]``: ``T`` is
what the parameter holds.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from litestar.params import KwargDefinition, Parameter

from pydotorg.core.resources import MAX_ID

__all__ = ["Key", "Query", "Ref", "merged"]


def _set(definition: KwargDefinition) -> dict[str, Any]:
    """The fields ``definition`` sets: those that differ from their defaults."""
    given = {}
    for field in dataclasses.fields(definition):
        default = (
            field.default_factory()
            if field.default_factory is not dataclasses.MISSING
            else field.default
        )
        if (value := getattr(definition, field.name)) != default:
            given[field.name] = value
    return given


def merged(alias: Any, definition: KwargDefinition) -> Any:
    """``alias`` with what ``definition`` sets merged into the one ``Parameter`` (a Litestar
    ``KwargDefinition``) of its ``Annotated`` metadata; ``definition`` itself where it has
    none. The type Litestar reads as ``Annotated[alias, definition]`` would read if it read
    every ``Parameter`` of a parameter's metadata, not only the first."""
    if get_origin(alias) is not Annotated:
        return Annotated[alias, definition]
    kind, *metadata = get_args(alias)
    own = [m for m in metadata if isinstance(m, KwargDefinition)]
    if not own:
        return Annotated[(kind, *metadata, definition)]
    if len(own) > 1:
        raise TypeError(f"{alias!r} declares {len(own)} parameters, not one")
    given = _set(definition)
    return Annotated[
        (kind, *(dataclasses.replace(m, **given) if m is own[0] else m for m in metadata))
    ]


if TYPE_CHECKING:
    from typing import Annotated as Query
else:

    class Query:
        """``Query[Alias, Parameter(...)]``: :func:`merged` as a type."""

        def __class_getitem__(cls, item: tuple[Any, KwargDefinition]) -> Any:
            alias, definition = item
            return merged(alias, definition)


Key = Annotated[str | None, Parameter(max_length=200)]
"""A filter by text: an id or slug, a tag, words to search for."""
Ref = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
"""A filter by another resource's id."""
