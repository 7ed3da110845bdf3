"""The OpenAPI document and the three documentation pages, served without any CDN.

Scalar (``/api/``), Swagger UI (``/api/swagger``) and ReDoc (``/api/redoc``) load their scripts
from ``/api/static/docs/``, files that ship inside this package (see ``static/docs/NOTICE.md``).
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    RedocRenderPlugin,
    ScalarRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.static_files import create_static_files_router

from pydotorg import __version__
from pydotorg.core.errors import ErrorBody

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

_STATUS_TEXT = {
    400: "Malformed request: bad JSON, wrong parameter types or out-of-range values.",
    401: "Missing or invalid credentials.",
    403: "Authenticated, but lacking the required role.",
    404: "No such resource (or not visible to the caller).",
    409: "The request conflicts with the current state of the resource.",
    413: "Request body too large.",
    422: "Semantic validation failed; `extra.errors` names the fields.",
    503: "A dependency (the database) is unavailable.",
}


def error_responses(*codes: int, bad_request: bool = True) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error statuses an operation can answer, all with the error body.

    400 is included by default: any parameter or body can be malformed, and listing it here
    replaces the inline schema Litestar would otherwise generate with the shared ``ErrorBody``.
    """
    statuses = sorted({*codes, 400} if bad_request else set(codes))
    return {
        code: ResponseSpec(data_container=ErrorBody, description=_STATUS_TEXT[code])
        for code in statuses
    }


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Python.org API",
        version=__version__,
        description=API_DESCRIPTION,
        path="/api",
        use_handler_docstrings=False,
        create_examples=False,
        tags=[
            Tag(name="Releases", description="CPython releases and their support status."),
            Tag(name="Release files", description="Downloadable files of each release."),
            Tag(name="Operating systems", description="OSes that downloads are published for."),
            Tag(name="Release cycle", description="Support schedule of each minor series."),
            Tag(
                name="Events",
                description="Python events: calendars, venues, occurrences, iCalendar and feeds.",
            ),
            Tag(name="Jobs", description="The job board: postings reviewed by staff, feeds."),
            Tag(name="Authentication", description="Sign-in, tokens and API keys."),
            Tag(name="Users", description="User profiles and administration."),
            Tag(name="Health", description="Liveness and readiness probes."),
        ],
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
