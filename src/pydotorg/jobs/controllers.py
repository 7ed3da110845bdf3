"""HTTP endpoints of the job board, at the guide's paths, and python.org's job feeds."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import SEARCH, ApiController
from pydotorg.core.pagination import Page, Window
from pydotorg.core.parameters import Query, Ref
from pydotorg.core.resources import Id, ResourceController, feed_endpoints
from pydotorg.core.services import services
from pydotorg.jobs.schemas import CommentCreate, CommentRead, JobRead, JobSearch
from pydotorg.jobs.services import JobCategoryService, JobFilters, JobService, JobTypeService

StatusFilter = Annotated[
    Literal[
        "draft", "review", "approved", "rejected", "archived", "removed", "withdrawn", "expired"
    ]
    | None,
    Parameter(description="Only postings in this state (others' non-public ones: staff only)."),
]


async def job_filters(
    status: StatusFilter = None,
    job_type: Query[Ref, Parameter(description="Job type id.")] = None,
    category: Query[Ref, Parameter(description="Job category id.")] = None,
    remote: Annotated[bool | None, Parameter(description="Remote postings.")] = None,
    featured: Annotated[bool | None, Parameter(description="Featured postings.")] = None,
) -> JobFilters:
    return JobFilters(status, job_type, category, remote, featured)


class JobController(ResourceController):
    """Anyone reads the public board; signed-in users post; staff review."""

    path = "/api/v1/jobs"
    tags = ["Jobs"]
    service, noun, plural = JobService, "Job", "Jobs"
    operations = ("list", "get", "create", "update", "delete")
    write_access = Access.SIGNED_IN
    filters = job_filters
    options = {
        "list": {
            "summary": "List job postings",
            "description": "Anyone sees approved, unexpired postings; posters also see their "
            "own, staff see all. Featured first, then newest approved.",
        },
        "get": {"summary": "Get a job posting"},
        "create": {
            "summary": "Post a job (as a draft)",
            "description": "Submit it for review with `POST /api/v1/jobs/{id}/submit`.",
        },
        "update": {
            "summary": "Edit a posting",
            "description": "Posters edit drafts and rejected postings; staff edit any but "
            "removed ones.",
        },
        "delete": {
            "summary": "Delete a posting",
            "description": "Posters delete their drafts; staff delete any posting.",
        },
    }

    @get(
        "/mine",
        operation_id="listMyJobs",
        summary="Your job postings, in every state",
        access=Access.SIGNED_IN,
    )
    async def mine(
        self,
        service: NamedDependency[JobService],
        window: NamedDependency[Window],
        status: StatusFilter = None,
    ) -> Page[JobRead]:
        return await service.mine(window, status)

    @post(
        "/search",
        operation_id="searchJobs",
        summary="Search job postings",
        description="`query` is full-text over title, company, description and requirements, "
        "ranked by relevance; `location` matches city, region or country, and `remote` matches "
        "remote postings. Only approved, unexpired postings.",
        status_code=200,
        **SEARCH,
    )
    async def search(
        self, data: JSONBody[JobSearch], service: NamedDependency[JobService]
    ) -> Page[JobRead]:
        return await service.search(data)

    @get(
        "/{job_id:int}/comments",
        operation_id="listJobComments",
        summary="Review comments on a posting (poster and staff)",
        access=Access.SIGNED_IN,
    )
    async def comments(self, job_id: Id, service: NamedDependency[JobService]) -> list[CommentRead]:
        return await service.comments(job_id)

    @post(
        "/{job_id:int}/comments",
        operation_id="createJobComment",
        summary="Comment on a posting under review (staff)",
        access=Access.STAFF,
    )
    async def add_comment(
        self, job_id: Id, data: JSONBody[CommentCreate], service: NamedDependency[JobService]
    ) -> CommentRead:
        return await service.add_comment(job_id, data.comment)


class JobTypeController(ResourceController):
    path = "/api/v1/job-types"
    tags = ["Jobs"]
    service, noun, plural, id_parameter = JobTypeService, "JobType", "JobTypes", "row_id"
    operations = ("list", "get", "create", "update", "delete")
    options = {"update": {"operation_id": "renameJobType", "summary": "Rename a job type (staff)"}}


class JobCategoryController(ResourceController):
    path = "/api/v1/job-categories"
    tags = ["Jobs"]
    service, noun, plural = JobCategoryService, "JobCategory", "JobCategories"
    id_parameter = "row_id"
    operations = ("list", "get", "create", "update", "delete")
    options = {
        # The first release's operation id: clients generated from the document call it so.
        "list": {"operation_id": "listJobCategorys"},
        "update": {"operation_id": "renameJobCategory", "summary": "Rename a job category (staff)"},
    }


class JobFeedController(ApiController):
    """python.org's own feed path, and an Atom twin."""

    path = "/jobs/feed"
    tags = ["Jobs"]
    dependencies = services(service=JobService)
    rss, atom = feed_endpoints(
        "", "jobsFeed", "the 20 newest approved postings", service=JobService
    )


ROUTES = [JobController, JobTypeController, JobCategoryController, JobFeedController]
