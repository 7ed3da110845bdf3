"""How long python.org's whole v2 release file list takes from two servers, interleaved.

Start the code to compare on ports 8932 (before) and 8931 (after), each on a copy of one
database, rate limits off; then ``python bench/v2_file_list.py``. See bench/README.md.
"""

import statistics
import time

import httpx


def run(port: int, n: int = 10) -> list[float]:
    times = []
    with httpx.Client() as client:
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(f"http://127.0.0.1:{port}/api/v2/downloads/release_file/")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
    return times


def main() -> None:
    results: dict[int, list[float]] = {8931: [], 8932: []}
    for _ in range(5):
        for port in (8932, 8931):
            results[port] += run(port, 4)
    for port, name in ((8932, "before"), (8931, "after")):
        times = sorted(results[port])
        print(
            f"{name}: median {statistics.median(times) * 1000:.0f} ms, "
            f"min {times[0] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, n={len(times)}"
        )


if __name__ == "__main__":
    main()
