"""Code from the API guide (../shared/spec/api-getting-started.txt), copied as written.

Tests run these against the real server to prove the guide's examples work unchanged.
"""

# ruff: noqa: S113

import time

import requests


def request_with_retry(url, max_retries=3):
    """Make request with exponential backoff for rate limits."""
    for attempt in range(max_retries):
        response = requests.get(url)

        if response.status_code == 429:
            retry_after = int(response.headers.get("Retry-After", 60))
            wait_time = retry_after * (2**attempt)  # Exponential backoff
            print(f"Rate limited. Waiting {wait_time} seconds...")
            time.sleep(wait_time)
            continue

        return response

    raise Exception("Max retries exceeded")
