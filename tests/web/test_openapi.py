"""The OpenAPI document: complete enough that the docs pages and client generators work."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import LiveServer

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
        # a redirect (python.org's /downloads/latest/...) succeeds with a 302
        success = [code for code in op["responses"] if code[0] in "23"]
        assert success, where
        for code in success:
            if code[0] == "2" and code != "204":
                assert op["responses"][code].get("content"), where
        for parameter in op.get("parameters", []):
            assert parameter.get("schema"), f"{where} {parameter['name']}"


# python.org's endpoints answer errors in python.org's words (``core.dialects``).
DIALECT_BODIES = {"python.org v1": "TastypieError", "python.org v2": "DRFError"}


def error_body(op: dict[str, Any]) -> str:
    return next((DIALECT_BODIES[t] for t in op["tags"] if t in DIALECT_BODIES), "ErrorBody")


def test_error_responses_use_the_error_body(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorBody"]["properties"]) == {"detail", "status_code", "extra"}
    for path, method, op in operations(spec):
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        if "{" in path and method == "get":
            assert "404" in errors, f"{method} {path}"
        for code, response in errors.items():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith(f"/{error_body(op)}"), f"{method} {path} {code}"


def test_writes_declare_bearer_security_and_auth_errors(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["BearerToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    public = {"register", "login", "refreshToken", "searchJobs", "search"}
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
        # python.org's v1 DELETEs look their object up (or read their query) before the caller:
        # they may answer a request without credentials, a 404 or a 400
        looks_up_first = op["operationId"].startswith("tastypieDelete")
        security: list[dict[str, Any]] = [{"BearerToken": []}]
        if looks_up_first:
            security.append({})
        assert op.get("security") == security, f"{method} {path}"
        # Tastypie refuses a write by anyone but staff with 401: it has no 403.
        refusals = {"401"} if error_body(op) == "TastypieError" else {"401", "403"}
        assert refusals <= set(op["responses"]), f"{method} {path}"
        if op["operationId"].startswith(("create", "update", "rename", "reject")):
            assert op["requestBody"]["content"]["application/json"]["schema"], f"{method} {path}"


def test_every_parameter_says_what_it_means(spec: dict[str, Any]) -> None:
    """Every parameter of every operation has a description (what a filter declares on top of
    a shared alias included: ``core.parameters``)."""
    parameters = [
        (op["operationId"], p) for _, _, op in operations(spec) for p in op.get("parameters", [])
    ]
    assert len(parameters) > 300
    assert [(op, p["name"]) for op, p in parameters if not p.get("description")] == []


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


def test_document_validates_as_openapi_3_1(spec: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(spec)  # raises on any violation of the OpenAPI 3.1 specification
    assert spec["paths"]["/api/auth/logout"]["post"]["requestBody"]["required"] is False
    assert spec["components"]["schemas"]["OSCreate"]["additionalProperties"] is False
    for lenient in ("OSWrite", "ReleaseWrite", "ReleaseFileWrite", "PageWrite"):  # python.org's
        assert spec["components"]["schemas"][lenient]["additionalProperties"] is True, lenient
    assert '"oneOf"' not in json.dumps(spec)  # unions are anyOf: a record may match two


def test_a_generated_client_calls_the_api(
    spec: dict[str, Any], sqlite_server: LiveServer, tmp_path: Path
) -> None:
    """openapi-python-client makes a working client with every operation, feeds included."""
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "config.yml").write_text("post_hooks: []\n")
    generated = subprocess.run(
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(tmp_path / "spec.json"),
            "--config", str(tmp_path / "config.yml"),
            "--meta", "none",
            "--output-path", str(tmp_path / "pydotorg_client"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "WARNING" not in generated.stdout + generated.stderr, generated.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("pydotorg_client")
        list_os = importlib.import_module("pydotorg_client.api.operating_systems.list_os")
        latest = importlib.import_module("pydotorg_client.api.releases.get_latest_release")
        feed = importlib.import_module("pydotorg_client.api.jobs.jobs_feed_rss")
        with client_module.Client(base_url=sqlite_server.base_url) as client:
            systems = list_os.sync(client=client)
            assert [system.slug for system in systems][:3] == ["windows", "macos", "source"]
            release = latest.sync(client=client)
            assert release.name.startswith("Python 3.") and release.version == 3
            assert feed.sync(client=client).startswith('<?xml version="1.0"')
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("pydotorg_client")]:
            del sys.modules[name]


def query_schemas(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (op["operationId"], parameter["name"]): parameter["schema"]
        for _, _, op in operations(spec)
        for parameter in op.get("parameters", [])
        if parameter["in"] == "query"
    }


def free_texts(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The options of a parameter's schema that take any text (not an enum)."""
    options = [schema, *schema.get("anyOf", [])]
    return [o for o in options if o.get("type") == "string" and "enum" not in o]


def test_the_document_declares_the_rules_the_service_checks(
    spec: dict[str, Any], sqlite_server: LiveServer
) -> None:
    """What the service refuses with a 400, the document says: valid data is never refused."""
    from pydotorg.search.indexing import registry

    queries = query_schemas(spec)
    texts = [(key, text) for key, schema in queries.items() for text in free_texts(schema)]
    assert len(texts) > 50
    for key, text in texts:  # no control characters in any query parameter
        assert text["not"] == {"pattern": "[\\x00-\\x1f\\x7f-\\x9f\\ufffe\\uffff]"}, key
    typed = re.compile(queries[("searchAutocomplete", "q")]["pattern"])
    assert [bool(typed.search(q)) for q in ("a", "a.", "ab", "a b", "東京", "_ _")] == [
        False, False, True, True, True, False,
    ]  # fmt: skip
    days = [key for key, schema in queries.items() if key[1] in ("date_from", "date_to")]
    assert ("listEvents", "date_from") in days and ("listBlogEntries", "date_to") in days, days
    for key in days:
        day = re.compile(queries[key]["pattern"])
        allowed = [
            bool(day.search(d)) for d in ("1969-12-31", "1970-01-01", "2100-12-31", "2101-01-01")
        ]
        assert allowed == [False, True, True, False], key
    page = queries[("listReleases", "currentPage")]
    assert page["maximum"] == 2**53 - 1
    with sqlite_server.client() as client:
        last = client.get("/api/v1/releases", params={"currentPage": 2**53 - 1, "pageSize": 1000})
        assert last.status_code == 200 and last.json() == []
    bodies = spec["components"]["schemas"]
    assert bodies["JobCreate"]["properties"]["job_type_ids"]["items"]["minimum"] == 1
    as_number, as_digits = bodies["JobSearch"]["properties"]["job_type_ids"]["items"]["anyOf"]
    assert as_number["minimum"] == 1
    assert (as_digits["pattern"], as_digits["maxLength"]) == ("^0*[1-9][0-9]*\\Z", 18)
    indexes = bodies["SearchQuery"]["properties"]["indexes"]["anyOf"][0]["items"]
    assert indexes["enum"] == list(registry())
    assert bodies["SearchQuery"]["properties"]["query"]["pattern"] == "\\S"  # not blank


def test_bodies_declare_what_msgspec_checks_and_litestar_leaves_out(
    spec: dict[str, Any],
) -> None:
    """A zero lower bound, a mapping's keys and values, and a nested struct that refuses
    unknown fields: each was a valid request by the document that the service answered 400."""
    schemas = spec["components"]["schemas"]
    amount = schemas["PackageUpdate"]["properties"]["sponsorship_amount"]
    assert (amount["minimum"], amount["maximum"]) == (0, 100_000_000)
    (quantities,) = schemas["BenefitUpdate"]["properties"]["quantities"]["anyOf"]
    assert quantities["propertyNames"]["pattern"].startswith("^[^\\x00-\\x1f")
    assert quantities["additionalProperties"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 100_000,
    }
    assert schemas["MediaItem"]["additionalProperties"] is False
