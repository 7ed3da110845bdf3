"""The OpenAPI document and the three documentation pages, served without any CDN.

Scalar (``/api/``), Swagger UI (``/api/swagger``) and ReDoc (``/api/redoc``) load their scripts
from ``/api/static/docs/``, files that ship inside this package (see ``static/docs/NOTICE.md``).
Each page carries a Content-Security-Policy that lets it run only its own inline scripts (by
their hashes) and scripts, styles, images and fonts from this server, connect only to this
server, and never be framed. Any other path under ``/api/`` (a mistyped page, a missing asset)
is the usual JSON 404, for every method, and names no file on the server.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, get_origin

from litestar import Request, Response, Router, route
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    RedocRenderPlugin,
    ScalarRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.openapi.spec import Components, Reference, Schema, SecurityScheme, Tag
from litestar.params import FromPath
from litestar.plugins import OpenAPISchemaPlugin
from litestar.static_files import create_static_files_router
from litestar.typing import FieldDefinition

from pydotorg import __version__
from pydotorg.core.pagination import Page
from pydotorg.web.errors import error_response

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = "/api/static/docs"
FAVICON = f"<link rel='icon' type='image/svg+xml' href='{ASSETS}/favicon.svg'>"

API_DESCRIPTION = """\
Programmatic access to python.org: Python releases and their download files, the release cycle,
the job board, events and calendars, pages, blogs, success stories and community posts, sponsors,
accounts and site-wide search; and python.org's own v1 and v2 endpoints, in its shapes.

* **Errors** always have the body `{"detail", "status_code", "extra"}`.
* **Lists** are bare JSON arrays; the total is in `X-Total-Count` and neighbouring pages in `Link`.
  Most lists take `limit` (1-1000, default 100) and `offset`; page-based ones take `currentPage`
  and `pageSize` (default 20).
* **Caching**: every GET carries a strong `ETag`; send it back in `If-None-Match` to get `304`.
* **Authentication**: writes need `Authorization: Bearer <token>`; see the security scheme.
"""


class SchemaCreator(Protocol):
    """What a schema plugin asks of the schema creator Litestar passes it (Litestar's own
    class lives in a private module)."""

    def for_field_definition(self, field_definition: FieldDefinition) -> Schema | Reference: ...


class PageSchemaPlugin(OpenAPISchemaPlugin):
    """Documents a handler's ``Page[T]`` as what clients receive: an array of ``T``."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Page or get_origin(value) is Page

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        item = field_definition.inner_types[0].annotation
        schema = schema_creator.for_field_definition(
            FieldDefinition.from_annotation(list[item])  # type: ignore[valid-type]
        )
        assert isinstance(schema, Schema)
        return schema


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
ALL_METHODS = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE]


@lru_cache(maxsize=16)
def content_security_policy(page: bytes) -> str:
    """The policy for one rendered page: its own inline scripts by hash, everything else from
    this server only (ReDoc's search runs in a worker made from a ``blob:`` URL; the UIs set
    inline styles)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in dict.fromkeys(_INLINE_SCRIPT.findall(page))
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def protect_page(response: Response[Any]) -> Response[Any]:
    """``after_request`` of the docs router: the security headers of an HTML page."""
    if isinstance(response.content, bytes) and str(response.media_type).startswith("text/html"):
        response.headers["Content-Security-Policy"] = content_security_policy(response.content)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@route("/{path:str}", http_method=ALL_METHODS, include_in_schema=False, sync_to_thread=False)
def no_such_page(path: FromPath[str]) -> None:
    """Any other path under ``/api/``: Litestar's docs router answers an HTML page for GET."""
    raise NotFoundException()


def not_found_without_paths(
    request: Request[Any, Any, Any], exc: NotFoundException
) -> Response[Any]:
    """The static files route names the file it looked for on disk; say only that there is none."""
    return error_response(404, "Not Found")


def openapi_config(tags: Sequence[Tag]) -> OpenAPIConfig:
    return OpenAPIConfig(
        openapi_router=Router(
            "/api",
            route_handlers=[no_such_page],
            include_in_schema=False,
            after_request=protect_page,
        ),
        title="Python.org API",
        version=__version__,
        description=API_DESCRIPTION,
        path="/api",
        use_handler_docstrings=False,
        create_examples=False,
        tags=[*tags, Tag(name="Health", description="Liveness and readiness probes.")],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An API key (`pdo_...`) or a JWT access token.",
                )
            }
        ),
        render_plugins=[
            ScalarRenderPlugin(
                path="/",
                js_url=f"{ASSETS}/scalar/standalone.js",
                css_url=f"{ASSETS}/scalar/scalar.css",
                favicon=FAVICON,
                # No fonts from fonts.scalar.com, no telemetry, and no "Ask AI" agent: on localhost
                # the agent fetches a curated API list from proxy.scalar.com at page load.
                options={
                    "withDefaultFonts": False,
                    "telemetry": False,
                    "agent": {"disabled": True},
                },
            ),
            SwaggerRenderPlugin(
                path="/swagger",
                js_url=f"{ASSETS}/swagger/swagger-ui-bundle.js",
                css_url=f"{ASSETS}/swagger/swagger-ui.css",
                standalone_preset_js_url=f"{ASSETS}/swagger/swagger-ui-standalone-preset.js",
                favicon=FAVICON,
            ),
            RedocRenderPlugin(
                path="/redoc",
                js_url=f"{ASSETS}/redoc/redoc.standalone.js",
                google_fonts=False,
                favicon=FAVICON,
            ),
            JsonRenderPlugin(path="/openapi.json"),
        ],
    )


def docs_assets_router() -> Router:
    return create_static_files_router(
        path="/api/static",
        directories=[STATIC_DIR],
        include_in_schema=False,
        cache_control=None,
        name="docs-assets",
        exception_handlers={NotFoundException: not_found_without_paths},
    )
