"""CPU per request of the metrics (``METRICS_ENABLED=1``, ``core/metrics.py``), in one process.

The same harness as ``ratelimit_inproc.py`` (the ASGI app called directly, interleaved batches
of concurrent ``GET /api/v1/releases/latest``, answered by the front cache: the cheapest request,
so the one on which a fixed cost per request weighs most), with two configurations: metrics off
and metrics on, rate limiting on in both (as in production).

    .venv/bin/python bench/metrics_inproc.py
    PROMETHEUS_MULTIPROC_DIR=$(mktemp -d) .venv/bin/python bench/metrics_inproc.py

The second run measures prometheus-client's multiprocess mode (what ``serve --workers N`` uses),
whose values are written to memory-mapped files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ratelimit_inproc as harness

harness.CONFIGS.clear()
harness.CONFIGS.update(
    {
        "off": {"rate_limit_enabled": True, "metrics_enabled": False},
        "metrics": {"rate_limit_enabled": True, "metrics_enabled": True},
    }
)

if __name__ == "__main__":
    raise SystemExit(harness.main())
