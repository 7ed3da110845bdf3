"""Query strings: the parameters each endpoint reads, and the characters none may hold.

At start-up ``web.endpoints`` records in each handler's ``opt`` (under ``QUERY_KEY``) the names
of the query parameters it reads, its own and its dependencies', as the OpenAPI document lists
them. Nothing else in a query string changes the answer, so nothing else changes what is
cached or linked (unless a handler reads the whole query string itself, ``reads_query=True``,
as python.org's filter endpoints do): the response cache keys a request on its declared
parameters only, sorted by name (:func:`cache_key`), so ``?x=1`` or a reordered query is
answered from the cache instead of rendered again; and pagination links repeat the declared
parameters only.

No parameter, declared or not, may hold what a one-line text field may not (C0 controls, DEL,
U+FFFE, U+FFFF; ``core.schemas``): :func:`check_query`, a guard of the app, answers 400 naming
the parameter, and the cache never answers such a request. The same guard holds integer
parameters to decimal digits (a zero fraction, ``1.0``, allowed: JSON Schema's integers include
it). ``web.declarations`` writes both rules into the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any
from urllib.parse import parse_qsl

from litestar.connection import ASGIConnection
from litestar.exceptions import ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import Operation, Parameter

from pydotorg.core.exceptions import ParameterError
from pydotorg.core.schemas import NOT_IN_TEXT

QUERY_KEY = "query_parameters"
# ``reads_query=True`` on a handler: it reads the whole query string itself (python.org's
# filters with lookups, ``?version__startswith=3``), so every parameter keys its cache entry.
READS_QUERY_KEY = "reads_query"
INTEGER_QUERY_KEY = "integer_query"
# Decimal digits, and a zero fraction: ``1.0`` is the integer 1 to JSON Schema, so the
# document cannot refuse it, and neither does the guard (Litestar reads it as 1).
_INTEGER = re.compile(r"^[+-]?[0-9]+(?:\.0+)?\Z")
_FORBIDDEN = re.compile(f"[{NOT_IN_TEXT}]")


def declared_query(operation: Operation) -> frozenset[str]:
    """The names of the query parameters an operation documents."""
    parameters = operation.parameters or []
    return frozenset(
        p.name for p in parameters if isinstance(p, Parameter) and p.param_in == "query"
    )


def _forbidden(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The name of the first parameter holding a forbidden character, if any."""
    for name, value in pairs:
        if _FORBIDDEN.search(name) or _FORBIDDEN.search(value):
            return name
    return None


@lru_cache(1024)
def cache_key(query_string: bytes, declared: frozenset[str] | None) -> Any:
    """What of a query string the response cache keys on: its declared parameters, sorted by
    name (all of it when the endpoint declares none); None when no answer may be cached."""
    if not query_string:
        return ()
    if declared is None:
        return query_string
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, separator="&")
    if _forbidden(pairs) is not None:
        return None
    return tuple(sorted((pair for pair in pairs if pair[0] in declared), key=itemgetter(0)))


def canonical(query_string: bytes, declared: frozenset[str] | None) -> bool:
    """Whether a query string is what :func:`cache_key` keeps of it, in its order: only
    parameters the endpoint reads, sorted by name (so that the front cache, which keys on the
    query string as sent, holds one entry per answer)."""
    if not query_string or declared is None:
        return True
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, separator="&")
    names = [name for name, _ in pairs]
    return all(name in declared for name in names) and names == sorted(names)


async def check_query(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """App-wide guard: 400 naming the first query parameter that holds a forbidden character,
    then the first integer parameter not written in decimal digits (Litestar reads query
    strings leniently: ``?limit=1e3`` would be 1000). A coroutine function, like
    ``core.auth.authorize``, so Litestar does not run it in a worker thread."""
    if not connection.scope["query_string"]:
        return
    pairs = list(connection.query_params.multi_items())
    name = _forbidden(pairs)
    if name is not None:
        raise ParameterError(name, "must not hold control characters, U+FFFE or U+FFFF")
    integers: frozenset[str] = handler.opt.get(INTEGER_QUERY_KEY, frozenset())
    for name, value in pairs if integers else ():
        if name in integers and not _INTEGER.match(value):
            raise ValidationException(
                detail="Invalid query parameter",
                extra=[{"key": name, "message": "Expected `int`, got `str`", "source": "query"}],
            )
