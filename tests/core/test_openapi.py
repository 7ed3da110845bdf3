"""The OpenAPI document: complete enough that the docs pages and client generators work."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
SIGNED_IN_READS = {"getMe", "listApiKeys", "listUsers"}


@pytest.fixture(scope="module")
def spec(sqlite_server: object) -> dict[str, Any]:
    with httpx.Client(base_url=sqlite_server.base_url) as client:  # type: ignore[attr-defined]
        response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def test_document_is_openapi_3_1_with_title(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "Python.org API"


def test_every_guide_downloads_path_is_documented(spec: dict[str, Any]) -> None:
    paths = set(spec["paths"])
    for path in [
        "/api/v1/os",
        "/api/v1/os/{os_id}",
        "/api/v1/os/slug/{slug}",
        "/api/v1/releases",
        "/api/v1/releases/{release_id}",
        "/api/v1/releases/slug/{slug}",
        "/api/v1/releases/latest",
        "/api/v1/releases/latest/{ver}",
        "/api/v1/releases/published",
        "/api/v1/releases/download-page",
        "/api/v1/files/{file_id}",
        "/api/v1/files/release/{release_id}",
        "/api/v1/files/os/{os_id}",
    ]:
        assert path in paths, path


def test_every_operation_has_summary_tags_id_and_responses(spec: dict[str, Any]) -> None:
    seen_ids = set()
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("tags"), where
        assert re.fullmatch(r"[a-zA-Z]+", op.get("operationId", "")), where
        assert op["operationId"] not in seen_ids, where
        seen_ids.add(op["operationId"])
        success = [code for code in op["responses"] if code.startswith("2")]
        assert success, where
        for code in success:
            if code != "204":
                assert op["responses"][code].get("content"), where
        for parameter in op.get("parameters", []):
            assert parameter.get("schema"), f"{where} {parameter['name']}"


def test_error_responses_use_the_error_body(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorBody"]["properties"]) == {"detail", "status_code", "extra"}
    for path, method, op in operations(spec):
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        if "{" in path and method == "get":
            assert "404" in errors, f"{method} {path}"
        for code, response in errors.items():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), f"{method} {path} {code}"


def test_writes_declare_bearer_security_and_auth_errors(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["BearerToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    public = {"register", "login", "refreshToken", "searchJobs"}
    writes = [
        (p, m, op)
        for p, m, op in operations(spec)
        if m != "get" and op["operationId"] not in public
    ]
    assert writes
    for path, method, op in operations(spec):
        if op["operationId"] in public:
            assert "security" not in op, f"{method} {path}"
    for path, method, op in writes:
        assert op.get("security") == [{"BearerToken": []}], f"{method} {path}"
        assert {"401", "403"} <= set(op["responses"]), f"{method} {path}"
        if op["operationId"].startswith(("create", "update", "rename", "reject")):
            assert op["requestBody"]["content"]["application/json"]["schema"], f"{method} {path}"


def test_list_endpoints_document_pagination(spec: dict[str, Any]) -> None:
    releases = spec["paths"]["/api/v1/releases"]["get"]
    names = {p["name"] for p in releases["parameters"]}
    assert {"currentPage", "pageSize", "version", "series", "pre_release", "is_published"} <= names
    files = spec["paths"]["/api/v1/files/os/{os_id}"]["get"]
    assert {"limit", "offset"} <= {p["name"] for p in files["parameters"]}
    assert "X-Total-Count" in releases["responses"]["200"]["headers"]


@pytest.mark.parametrize("path", ["/api/", "/api/swagger", "/api/redoc"])
def test_docs_pages_load_assets_from_the_app_itself(sqlite_server: object, path: str) -> None:
    with httpx.Client(base_url=sqlite_server.base_url) as client:  # type: ignore[attr-defined]
        page = client.get(path)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets
        for asset in assets:
            assert asset.startswith("/api/"), asset
            if asset.endswith((".js", ".css")):
                fetched = client.get(asset)
                assert fetched.status_code == 200 and len(fetched.content) > 20, asset


def test_reads_that_need_a_sign_in_declare_it(spec: dict[str, Any]) -> None:
    found = {op["operationId"]: op for _, m, op in operations(spec) if m == "get"}
    for operation_id in SIGNED_IN_READS:
        assert found[operation_id].get("security") == [{"BearerToken": []}], operation_id
        assert "401" in found[operation_id]["responses"], operation_id
