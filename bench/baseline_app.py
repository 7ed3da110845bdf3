"""The floor to compare pydotorg with: Litestar answering the same bytes and nothing else.

``bench/run.sh`` captures the bodies the real server returns for the benchmarked paths and
points this app at them through ``BENCH_BODY_DIR``:

- ``latest.json``    the body of ``GET /api/v1/releases/latest``
- ``list.json``      the body of ``GET /api/v1/releases?pageSize=20``
- ``content-type``   the Content-Type the real server sent (one line)

No database, no middleware, no dependencies, no OpenAPI routes: each handler returns a bytes
object read once at start-up. Whatever pydotorg spends beyond this is the cost of its own work.

Serve it with granian like the real app (the factory is ``bench.baseline_app:create_app``, or
``create_raw_app`` for a bare ASGI callable serving the same bytes)::

    BENCH_BODY_DIR=/tmp/bodies .venv/bin/granian --interface asgi --factory \\
        --workers 2 --host 127.0.0.1 --port 8001 bench.baseline_app:create_app
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get
from litestar.types import ASGIApp, Receive, Scope, Send

BODY_DIR_ENV = "BENCH_BODY_DIR"
LATEST_PATH = "/api/v1/releases/latest"
LIST_PATH = "/api/v1/releases"


def _read_bodies(body_dir: Path) -> tuple[bytes, bytes, str]:
    latest = (body_dir / "latest.json").read_bytes()
    listing = (body_dir / "list.json").read_bytes()
    media_type = (body_dir / "content-type").read_text().strip() or "application/json"
    return latest, listing, media_type


def create_app() -> Litestar:
    """Build the baseline app from the bodies in ``$BENCH_BODY_DIR``."""
    body_dir = os.environ.get(BODY_DIR_ENV)
    if not body_dir:
        raise RuntimeError(f"{BODY_DIR_ENV} must name the directory holding the captured bodies")
    latest_body, list_body, media_type = _read_bodies(Path(body_dir))

    @get(LATEST_PATH)
    async def latest() -> Response[bytes]:
        return Response(latest_body, media_type=media_type)

    @get(LIST_PATH)
    async def list_releases() -> Response[bytes]:
        # ``?pageSize=20`` is accepted and ignored: the body is the captured first page.
        return Response(list_body, media_type=media_type)

    @get("/health")
    async def health() -> Response[bytes]:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Litestar(
        route_handlers=[latest, list_releases, health],
        openapi_config=None,
        debug=False,
    )


def create_raw_app() -> ASGIApp:
    """The same bytes from a bare ASGI callable (``BASELINE=raw``): no framework at all, the
    most the server itself can do; ``bench/run.sh`` compares the cached answers with it."""
    body_dir = os.environ.get(BODY_DIR_ENV)
    if not body_dir:
        raise RuntimeError(f"{BODY_DIR_ENV} must name the directory holding the captured bodies")
    latest_body, list_body, media_type = _read_bodies(Path(body_dir))
    bodies = {LATEST_PATH: latest_body, LIST_PATH: list_body, "/health": b'{"status":"ok"}'}
    starts = {
        path: {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        for path, body in bodies.items()
    }
    missing = {"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        await send(starts.get(path, missing))  # type: ignore[arg-type]
        await send({"type": "http.response.body", "body": bodies.get(path, b"")})

    return app
