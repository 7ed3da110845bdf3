"""python.org's ``/api/v2/``: Django REST framework's ``DefaultRouter`` root, the absolute URL
of each resource the router serves, in python.org's order of registration."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from pydotorg.compat.v2.drf import DRFController
from pydotorg.core.auth import Access
from pydotorg.core.services import Service, services

ROOT = "/api/v2/"
RESOURCES = ("pages/page", "downloads/os", "downloads/release", "downloads/release_file")
"""The router's prefixes, as python.org's ``urls_api.py`` registers them."""


class ApiRootService(Service):
    def root(self) -> dict[str, str]:
        return {name: f"{self.links.base}{ROOT}{name}/" for name in RESOURCES}


class ApiRootV2Controller(DRFController):
    path = ROOT
    dependencies = services(service=ApiRootService)
    refusal_access = {True: Access.PUBLIC, False: Access.PUBLIC}  # DRF's ``AllowAny``

    @get(
        "/",
        operation_id="getPythonOrgApiRoot",
        summary="The v2 API's resources (python.org v2)",
        description="What Django REST framework's `DefaultRouter` answers at python.org's "
        "`/api/v2/`: each resource's name and absolute list URL.",
    )
    async def root(self, service: NamedDependency[ApiRootService]) -> dict[str, str]:
        return service.root()


ROUTES = [ApiRootV2Controller]
