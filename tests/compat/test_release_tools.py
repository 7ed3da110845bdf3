"""python/release-tools' add_to_pydotorg.py, call for call, over HTTP on both engines."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from tests.compat.conftest import pk
from tests.factories import FTP
from tests.support import LiveServer

BASE = "/api/v1/"


def session(server: LiveServer) -> httpx.Client:
    """release-tools' requests session: ``ApiKey <user>:<key>`` and a JSON content type."""
    return httpx.Client(
        base_url=server.base_url,
        headers={
            "Authorization": f"ApiKey staffer:{server.credentials['staff']}",
            "Content-Type": "application/json",
        },
        timeout=30,
    )


def query_object(client: httpx.Client, objtype: str, **params: Any) -> int:
    uri = f"{BASE}downloads/{objtype}/?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(uri)
    assert response.status_code == 200, response.text
    objects = json.loads(response.text)["objects"]
    assert objects, f"no object for {objtype} {params}"
    return int(objects[0]["resource_uri"].strip("/").split("/")[-1])


def post_object(client: httpx.Client, datadict: dict[str, Any]) -> httpx.Response:
    return client.post(f"{BASE}downloads/release_file/", content=json.dumps(datadict))


def make_slug(text: str) -> str:
    return re.sub("[^a-zA-Z0-9_-]", "", text.replace(" ", "-"))


def file_dict(version: str, rel_pk: int, os_pk: int, name: str, rfile: str) -> dict[str, Any]:
    url = f"{FTP}/{version}/{rfile}"
    return {
        "name": name,
        "slug": version.replace(".", "") + "-" + make_slug(name)[:40],
        "os": f"/api/v1/downloads/os/{os_pk}/",
        "release": f"/api/v1/downloads/release/{rel_pk}/",
        "description": "",
        "is_source": os_pk == 3,
        "url": url,
        "sha256_sum": "c" * 64,
        "filesize": 4242,
        "download_button": os_pk == 3,
        "gpg_signature_file": url + ".asc",
        "sigstore_bundle_file": url + ".sigstore",
        "sbom_spdx2_file": url + ".spdx.json",
    }


def test_add_to_pydotorg_replaces_a_releases_files(
    server: LiveServer, new_release: Callable[..., dict[str, Any]], anon: httpx.Client
) -> None:
    release = new_release()
    version = release["python_version"]
    with session(server) as client:
        rel_pk = query_object(client, "release", name=f"Python+{version}")
        assert rel_pk == release["id"]
        source = query_object(client, "os", slug="source")
        windows = query_object(client, "os", slug="windows")
        assert (source, windows) == (3, 1)  # python.org's ids, which release-tools hard-codes

        old = post_object(client, file_dict(version, rel_pk, source, "Old tarball", "old.tgz"))
        assert old.status_code == 201, old.text
        response = client.delete(f"{BASE}downloads/release_file/?release={rel_pk}")
        assert response.status_code == 204, response.text
        assert anon.get(old.headers["location"]).status_code == 404

        created = []
        for os_pk, name, rfile in [
            (source, "Gzipped source tarball", f"Python-{version}.tgz"),
            (windows, "Windows installer (64-bit)", f"python-{version}-amd64.exe"),
        ]:
            body = file_dict(version, rel_pk, os_pk, name, rfile)
            body["sha256sum"] = "ignored, as python.org ignores unknown fields"
            response = post_object(client, body)
            assert response.status_code == 201, response.text
            assert response.content == b""
            location = response.headers["Location"]
            assert location.startswith("/api/v1/downloads/release_file/")
            created.append(int(location.strip("/").split("/")[-1]))

    listed = anon.get(f"{BASE}downloads/release_file/", params={"release": rel_pk}).json()
    assert listed["meta"]["total_count"] == 2
    assert sorted(pk(item["resource_uri"]) for item in listed["objects"]) == sorted(created)
    tarball = next(item for item in listed["objects"] if item["is_source"])
    assert tarball["os"] == "/api/v1/downloads/os/3/"
    assert tarball["release"] == f"/api/v1/downloads/release/{rel_pk}/"
    assert tarball["sha256_sum"] == "c" * 64 and "id" not in tarball
    assert tarball["url"] + ".asc" == tarball["gpg_signature_file"]


def test_a_failed_create_is_cleaned_up_file_by_file(
    server: LiveServer, new_release: Callable[..., dict[str, Any]], anon: httpx.Client
) -> None:
    release = new_release()
    version, rel_pk = release["python_version"], release["id"]
    with session(server) as client:
        first = post_object(client, file_dict(version, rel_pk, 3, "Tarball", "a.tgz"))
        assert first.status_code == 201, first.text
        bad = file_dict(version, rel_pk, 1, "Installer", "b.exe")
        bad["url"] = "https://evil.example/b.exe"
        failed = post_object(client, bad)
        assert failed.status_code == 400
        sidecar = "Sidecar URL must match the artifact URL plus '{}'."
        assert failed.json() == {  # python.org names every broken URL, the sidecars too
            "downloads/release_file": {
                "url": ["Release file URLs must begin with 'https://www.python.org/'."],
                "gpg_signature_file": [sidecar.format(".asc")],
                "sigstore_bundle_file": [sidecar.format(".sigstore")],
                "sbom_spdx2_file": [sidecar.format(".spdx.json")],
            }
        }
        broken_sidecar = file_dict(version, rel_pk, 1, "Installer", "c.exe")
        broken_sidecar["gpg_signature_file"] = f"{FTP}/{version}/other.asc"
        failed = post_object(client, broken_sidecar)
        assert failed.status_code == 400
        assert list(failed.json()["downloads/release_file"]) == ["gpg_signature_file"]

        file_pk = pk(first.headers["Location"])
        assert client.delete(f"{BASE}downloads/release_file/{file_pk}/").status_code == 204
    listed = anon.get(f"{BASE}downloads/release_file/", params={"release": rel_pk}).json()
    assert listed["meta"]["total_count"] == 0


def test_a_duplicate_is_a_400_the_tool_can_print(
    server: LiveServer, new_release: Callable[..., dict[str, Any]]
) -> None:
    release = new_release()
    version, rel_pk = release["python_version"], release["id"]
    with session(server) as client:
        body = file_dict(version, rel_pk, 3, "Tarball", "dup.tgz")
        assert post_object(client, body).status_code == 201
        again = post_object(client, {**body, "slug": body["slug"] + "-2"})
        assert again.status_code == 400
        assert "already exists" in again.json()["downloads/release_file"]["url"][0]
        button = file_dict(version, rel_pk, 3, "Other", "other.tgz")
        clash = post_object(client, button)
        assert clash.status_code == 400
        assert list(clash.json()["downloads/release_file"]) == ["download_button"]
