"""Code from the API guide (../shared/spec/api-getting-started.txt), copied as written.

Tests run these against the real server to prove the guide's examples work unchanged.
"""

# ruff: noqa: S113, RET504, RET505, RUF100

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


# "Example: Get a Specific Release" (Python), with https://python.org replaced by ``base``.
def print_latest_release(base):
    response = requests.get(f"{base}/api/v1/releases/latest")
    release = response.json()

    print(f"Latest Python: {release['name']}")
    print(f"Released: {release['release_date']}")
    print(f"Download: {release['resource_uri']}")


# "Best Practices: Caching", with https://python.org replaced by ``base``.
etag = None
cached_data = None


def get_releases(base):
    global etag, cached_data

    headers = {}
    if etag:
        headers["If-None-Match"] = etag

    response = requests.get(f"{base}/api/v1/releases", headers=headers)

    if response.status_code == 304:
        return cached_data  # Use cached version

    etag = response.headers.get("ETag")
    cached_data = response.json()
    return cached_data


# "Example: Get List of Jobs" (Python requests), with https://python.org replaced by ``base``.
def print_jobs(base):
    response = requests.get(f"{base}/api/v1/jobs", params={"status": "approved", "limit": 10})

    jobs = response.json()
    for job in jobs:
        print(f"{job['job_title']} at {job['company_name']}")


# "Pattern 1: Limit/Offset", with https://python.org replaced by ``base``.
def get_all_jobs(base):
    """Fetch all jobs using pagination."""
    all_jobs = []
    offset = 0
    limit = 100

    while True:
        response = requests.get(
            f"{base}/api/v1/jobs", params={"limit": limit, "offset": offset, "status": "approved"}
        )
        jobs = response.json()

        if not jobs:
            break

        all_jobs.extend(jobs)
        offset += limit

        if len(jobs) < limit:
            break

    return all_jobs


# "Handling Errors (Python)", with https://python.org replaced by ``base``.
def handle_job_errors(base):
    response = requests.get(f"{base}/api/v1/jobs/nonexistent-id")

    if response.status_code == 200:
        job = response.json()  # noqa: F841
    elif response.status_code == 404:
        print("Job not found")
    elif response.status_code == 401:
        print("Authentication required")
    elif response.status_code == 429:
        retry_after = response.headers.get("Retry-After", 60)
        print(f"Rate limited. Retry after {retry_after} seconds")
    else:
        error = response.json()
        print(f"Error: {error['detail']}")


# "Full-text search across content" (Python requests), with https://python.org replaced by
# ``base``; returns the response the guide leaves in ``response``.
def search_content(base):
    response = requests.post(
        f"{base}/api/v1/search",
        json={"query": "asyncio tutorial", "indexes": ["pages", "blogs"], "limit": 20},
    )
    return response
