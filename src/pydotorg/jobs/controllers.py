"""HTTP endpoints of the job board, at the guide's paths, and python.org's job feeds."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from pydotorg.core.auth import Access
from pydotorg.core.endpoints import ApiController
from pydotorg.core.feeds import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE
from pydotorg.core.pagination import Page, Window
from pydotorg.core.ratelimit import Tier
from pydotorg.core.resources import MAX_ID, Id, ResourceController
from pydotorg.core.services import services
from pydotorg.jobs.schemas import (
    CommentCreate,
    CommentRead,
    JobCreate,
    JobRead,
    JobSearch,
    JobUpdate,
    Rejection,
)
from pydotorg.jobs.services import JobCategoryService, JobService, JobTypeService

StatusFilter = Annotated[
    Literal[
        "draft", "review", "approved", "rejected", "archived", "removed", "withdrawn", "expired"
    ]
    | None,
    Parameter(description="Only postings in this state (others' non-public ones: staff only)."),
]
RefFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
STAFF_MOVE = {"access": Access.STAFF, "status_code": 200, "errors": (404,)}
POSTER_MOVE = {"status_code": 200, "errors": (404,)}


class JobController(ApiController):
    """Anyone reads the public board; signed-in users post; staff review."""

    path = "/api/v1/jobs"
    tags = ["Jobs"]
    write_access = Access.SIGNED_IN
    dependencies = services(jobs=JobService)

    @get(
        "/",
        operation_id="listJobs",
        summary="List job postings",
        description="Anyone sees approved, unexpired postings; posters also see their own, "
        "staff see all. Featured first, then newest approved.",
    )
    async def list_jobs(
        self,
        jobs: NamedDependency[JobService],
        window: NamedDependency[Window],
        status: StatusFilter = None,
        job_type: Annotated[RefFilter, Parameter(description="Job type id.")] = None,
        category: Annotated[RefFilter, Parameter(description="Job category id.")] = None,
        remote: Annotated[bool | None, Parameter(description="Remote postings.")] = None,
        featured: Annotated[bool | None, Parameter(description="Featured postings.")] = None,
    ) -> Page[JobRead]:
        return await jobs.list_jobs(
            window,
            status=status,
            job_type=job_type,
            category=category,
            remote=remote,
            featured=featured,
        )

    @get(
        "/mine",
        operation_id="listMyJobs",
        summary="Your job postings, in every state",
        access=Access.SIGNED_IN,
    )
    async def mine(
        self,
        jobs: NamedDependency[JobService],
        window: NamedDependency[Window],
        status: StatusFilter = None,
    ) -> Page[JobRead]:
        return await jobs.list_jobs(window, status=status, mine=True)

    @get("/{job_id:int}", operation_id="getJob", summary="Get a job posting")
    async def get_job(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.get(job_id)

    @post(
        "/search",
        operation_id="searchJobs",
        summary="Search job postings",
        description="`query` is full-text over title, company, description and requirements, "
        "ranked by relevance; `location` matches city, region or country, and `remote` matches "
        "remote postings. Only approved, unexpired postings.",
        status_code=200,
        access=Access.PUBLIC,
        tier=Tier.CRITICAL,
    )
    async def search(
        self, data: JSONBody[JobSearch], jobs: NamedDependency[JobService]
    ) -> Page[JobRead]:
        return await jobs.search(data)

    @post(
        "/",
        operation_id="createJob",
        summary="Post a job (as a draft)",
        description="Submit it for review with `POST /api/v1/jobs/{id}/submit`.",
    )
    async def create(self, data: JSONBody[JobCreate], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.create(data)

    @patch(
        "/{job_id:int}",
        operation_id="updateJob",
        summary="Edit a posting",
        description="Posters edit drafts and rejected postings; staff edit any but removed ones.",
    )
    async def update(
        self, job_id: Id, data: JSONBody[JobUpdate], jobs: NamedDependency[JobService]
    ) -> JobRead:
        return await jobs.update(job_id, data)

    @delete(
        "/{job_id:int}",
        operation_id="deleteJob",
        summary="Delete a posting",
        description="Posters delete their drafts; staff delete any posting.",
    )
    async def delete(self, job_id: Id, jobs: NamedDependency[JobService]) -> None:
        await jobs.delete(job_id)

    @post(
        "/{job_id:int}/submit",
        operation_id="submitJob",
        summary="Submit a draft or rejected posting for review (poster)",
        **POSTER_MOVE,
    )
    async def submit(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "submit")

    @post(
        "/{job_id:int}/withdraw",
        operation_id="withdrawJob",
        summary="Withdraw a posting (poster)",
        **POSTER_MOVE,
    )
    async def withdraw(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "withdraw")

    @post(
        "/{job_id:int}/approve",
        operation_id="approveJob",
        summary="Approve a posting under review (staff)",
        description="It becomes public and expires after `JOBS_EXPIRE_DAYS` days.",
        **STAFF_MOVE,
    )
    async def approve(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "approve")

    @post(
        "/{job_id:int}/reject",
        operation_id="rejectJob",
        summary="Reject a posting under review, with a reason for the poster (staff)",
        **STAFF_MOVE,
    )
    async def reject(
        self, job_id: Id, data: JSONBody[Rejection], jobs: NamedDependency[JobService]
    ) -> JobRead:
        return await jobs.transition(job_id, "reject", reason=data.reason)

    @post(
        "/{job_id:int}/archive",
        operation_id="archiveJob",
        summary="Archive an approved posting (staff)",
        **STAFF_MOVE,
    )
    async def archive(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "archive")

    @post(
        "/{job_id:int}/remove",
        operation_id="removeJob",
        summary="Remove a posting from the board (staff)",
        **STAFF_MOVE,
    )
    async def remove(self, job_id: Id, jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "remove")

    @get(
        "/{job_id:int}/comments",
        operation_id="listJobComments",
        summary="Review comments on a posting (poster and staff)",
        access=Access.SIGNED_IN,
    )
    async def comments(self, job_id: Id, jobs: NamedDependency[JobService]) -> list[CommentRead]:
        return await jobs.comments(job_id)

    @post(
        "/{job_id:int}/comments",
        operation_id="createJobComment",
        summary="Comment on a posting under review (staff)",
        access=Access.STAFF,
    )
    async def add_comment(
        self, job_id: Id, data: JSONBody[CommentCreate], jobs: NamedDependency[JobService]
    ) -> CommentRead:
        return await jobs.add_comment(job_id, data.comment)


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
    dependencies = services(jobs=JobService)

    @get(
        "/rss/",
        operation_id="jobsFeedRss",
        summary="RSS 2.0 feed of the 20 newest approved postings",
        media_type=RSS_MEDIA_TYPE,
    )
    async def rss(self, jobs: NamedDependency[JobService]) -> bytes:
        return await jobs.feed("rss")

    @get(
        "/atom/",
        operation_id="jobsFeedAtom",
        summary="Atom feed of the 20 newest approved postings",
        media_type=ATOM_MEDIA_TYPE,
    )
    async def atom(self, jobs: NamedDependency[JobService]) -> bytes:
        return await jobs.feed("atom")


ROUTES = [JobController, JobTypeController, JobCategoryController, JobFeedController]
