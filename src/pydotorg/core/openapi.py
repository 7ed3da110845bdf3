"""The OpenAPI document and the three documentation pages, served without any CDN.

Scalar (``/api/``), Swagger UI (``/api/swagger``) and ReDoc (``/api/redoc``) load their scripts
from ``/api/static/docs/``, files that ship inside this package (see ``static/docs/NOTICE.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_origin

from litestar import Router
from litestar._openapi.schema_generation import SchemaCreator
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    RedocRenderPlugin,
    ScalarRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.openapi.spec import Components, Schema, SecurityScheme, Tag
from litestar.plugins import OpenAPISchemaPlugin
from litestar.static_files import create_static_files_router
from litestar.typing import FieldDefinition

from pydotorg import __version__
from pydotorg.core.pagination import Page

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = "/api/static/docs"
FAVICON = f"<link rel='icon' type='image/svg+xml' href='{ASSETS}/favicon.svg'>"

API_DESCRIPTION = """\
Programmatic access to python.org: Python releases and their download files, and (as they land)
the job board, events, content, sponsors and users.

* **Errors** always have the body `{"detail", "status_code", "extra"}`.
* **Lists** are bare JSON arrays; the total is in `X-Total-Count` and neighbouring pages in `Link`.
  Most lists take `limit` (1-1000, default 100) and `offset`; page-based ones take `currentPage`
  and `pageSize` (default 20).
* **Caching**: every GET carries a strong `ETag`; send it back in `If-None-Match` to get `304`.
* **Authentication**: writes need `Authorization: Bearer <token>`; see the security scheme.
"""


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


def openapi_config(tags: Sequence[Tag]) -> OpenAPIConfig:
    return OpenAPIConfig(
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
    )
