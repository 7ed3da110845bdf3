"""HTTP endpoints of the job board, at the guide's paths, and python.org's job feeds."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.auth import BEARER_SECURITY, current_identity, requires_staff, requires_user
from pydotorg.core.feeds import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, FeedItem, atom_feed, rss_feed
from pydotorg.core.openapi import error_responses
from pydotorg.core.pagination import LIMIT_OFFSET, PAGE_HEADERS, Window, page_response
from pydotorg.core.ratelimit import Tier, rate_tier
from pydotorg.core.response_cache import public_read
from pydotorg.core.responses import created
from pydotorg.core.urls import base_url
from pydotorg.jobs.models import JobCategory, JobType
from pydotorg.jobs.schemas import (
    CommentCreate,
    CommentRead,
    JobCategoryRead,
    JobCreate,
    JobRead,
    JobSearch,
    JobTypeRead,
    JobUpdate,
    NamedCreate,
    NamedUpdate,
    Rejection,
)
from pydotorg.jobs.services import JobService, TaxonomyService

SIGNED_IN: dict[str, Any] = {"guards": [requires_user], "security": BEARER_SECURITY}
STAFF: dict[str, Any] = {"guards": [requires_staff], "security": BEARER_SECURITY}
HIGH = rate_tier(Tier.HIGH)
StatusFilter = Annotated[
    Literal[
        "draft", "review", "approved", "rejected", "archived", "removed", "withdrawn", "expired"
    ]
    | None,
    Parameter(description="Only postings in this state (others' non-public ones: staff only)."),
]


async def provide_jobs(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> JobService:
    return JobService(
        db_session,
        current_identity(request),
        base=base_url(request),
        expire_days=request.app.state.settings.jobs_expire_days,
    )


class JobController(Controller):
    path = "/api/v1/jobs"
    tags = ["Jobs"]
    dependencies = {"jobs": Provide(provide_jobs), **LIMIT_OFFSET}

    @get(
        "/",
        summary="List job postings",
        description="Anyone sees approved, unexpired postings; posters also see their own, "
        "staff see all. Featured first, then newest approved.",
        operation_id="listJobs",
        opt=public_read(),
        response_headers=PAGE_HEADERS,
        responses=error_responses(),
    )
    async def list_jobs(
        self,
        request: Request[Any, Any, Any],
        jobs: NamedDependency[JobService],
        window: NamedDependency[Window],
        status: StatusFilter = None,
        job_type: Annotated[int | None, Parameter(description="Job type id.")] = None,
        category: Annotated[int | None, Parameter(description="Job category id.")] = None,
        remote: Annotated[bool | None, Parameter(description="Remote postings.")] = None,
        featured: Annotated[bool | None, Parameter(description="Featured postings.")] = None,
    ) -> Response[list[JobRead]]:
        items, total = await jobs.list_jobs(
            window,
            status=status,
            job_type=job_type,
            category=category,
            remote=remote,
            featured=featured,
        )
        return page_response(request, items, total, window)

    @get(
        "/mine",
        summary="Your job postings, in every state",
        operation_id="listMyJobs",
        opt=rate_tier(Tier.LOW),
        response_headers=PAGE_HEADERS,
        responses=error_responses(401, 403),
        **SIGNED_IN,
    )
    async def mine(
        self,
        request: Request[Any, Any, Any],
        jobs: NamedDependency[JobService],
        window: NamedDependency[Window],
        status: StatusFilter = None,
    ) -> Response[list[JobRead]]:
        items, total = await jobs.list_jobs(window, status=status, mine=True)
        return page_response(request, items, total, window)

    @get(
        "/{job_id:int}",
        summary="Get a job posting",
        operation_id="getJob",
        opt=public_read(),
        responses=error_responses(404),
    )
    async def get_job(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return jobs.read(await jobs.get(job_id))

    @post(
        "/search",
        summary="Search job postings",
        description="`query` is full-text over title, company, description and requirements, "
        "ranked by relevance; `location` matches city, region or country, and `remote` matches "
        "remote postings. Only approved, unexpired postings.",
        operation_id="searchJobs",
        status_code=200,
        opt=rate_tier(Tier.CRITICAL),
        responses=error_responses(),
    )
    async def search(
        self, data: JSONBody[JobSearch], jobs: NamedDependency[JobService]
    ) -> Response[list[JobRead]]:
        items, total = await jobs.search(data)
        return Response(items, headers={"X-Total-Count": str(total)})

    @post(
        "/",
        summary="Post a job (as a draft)",
        description="Submit it for review with `POST /api/v1/jobs/{id}/submit`.",
        operation_id="createJob",
        opt=HIGH,
        responses=error_responses(401, 403, 422),
        **SIGNED_IN,
    )
    async def create(
        self, data: JSONBody[JobCreate], jobs: NamedDependency[JobService]
    ) -> Response[JobRead]:
        item = await jobs.create(data)
        return created(item, item.resource_uri)

    @patch(
        "/{job_id:int}",
        summary="Edit a posting",
        description="Posters edit drafts and rejected postings; staff edit any but removed ones.",
        operation_id="updateJob",
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409, 422),
        **SIGNED_IN,
    )
    async def update(
        self, job_id: FromPath[int], data: JSONBody[JobUpdate], jobs: NamedDependency[JobService]
    ) -> JobRead:
        return await jobs.update(job_id, data)

    @delete(
        "/{job_id:int}",
        summary="Delete a posting",
        description="Posters delete their drafts; staff delete any posting.",
        operation_id="deleteJob",
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **SIGNED_IN,
    )
    async def delete(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> None:
        await jobs.delete(job_id)

    @post(
        "/{job_id:int}/submit",
        summary="Submit a draft or rejected posting for review (poster)",
        operation_id="submitJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **SIGNED_IN,
    )
    async def submit(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "submit")

    @post(
        "/{job_id:int}/withdraw",
        summary="Withdraw a posting (poster)",
        operation_id="withdrawJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **SIGNED_IN,
    )
    async def withdraw(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "withdraw")

    @post(
        "/{job_id:int}/approve",
        summary="Approve a posting under review (staff)",
        description="It becomes public and expires after `JOBS_EXPIRE_DAYS` days.",
        operation_id="approveJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **STAFF,
    )
    async def approve(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "approve")

    @post(
        "/{job_id:int}/reject",
        summary="Reject a posting under review, with a reason for the poster (staff)",
        operation_id="rejectJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **STAFF,
    )
    async def reject(
        self,
        job_id: FromPath[int],
        data: JSONBody[Rejection],
        jobs: NamedDependency[JobService],
    ) -> JobRead:
        return await jobs.transition(job_id, "reject", reason=data.reason)

    @post(
        "/{job_id:int}/archive",
        summary="Archive an approved posting (staff)",
        operation_id="archiveJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **STAFF,
    )
    async def archive(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "archive")

    @post(
        "/{job_id:int}/remove",
        summary="Remove a posting from the board (staff)",
        operation_id="removeJob",
        status_code=200,
        opt=HIGH,
        responses=error_responses(401, 403, 404, 409),
        **STAFF,
    )
    async def remove(self, job_id: FromPath[int], jobs: NamedDependency[JobService]) -> JobRead:
        return await jobs.transition(job_id, "remove")

    @get(
        "/{job_id:int}/comments",
        summary="Review comments on a posting (poster and staff)",
        operation_id="listJobComments",
        opt=rate_tier(Tier.LOW),
        responses=error_responses(401, 403, 404),
        **SIGNED_IN,
    )
    async def comments(
        self, job_id: FromPath[int], jobs: NamedDependency[JobService]
    ) -> list[CommentRead]:
        return await jobs.comments(job_id)

    @post(
        "/{job_id:int}/comments",
        summary="Comment on a posting under review (staff)",
        operation_id="createJobComment",
        opt=HIGH,
        responses=error_responses(401, 403, 404),
        **STAFF,
    )
    async def add_comment(
        self,
        job_id: FromPath[int],
        data: JSONBody[CommentCreate],
        jobs: NamedDependency[JobService],
    ) -> CommentRead:
        return await jobs.add_comment(job_id, data.comment)


def _taxonomy_controller(model: type[JobType] | type[JobCategory]) -> type[Controller]:
    """The same five endpoints for job types and job categories."""
    is_type = model is JobType
    label, read = ("job type", JobTypeRead) if is_type else ("job category", JobCategoryRead)
    noun = "JobType" if is_type else "JobCategory"

    async def provide(db_session: NamedDependency[AsyncSession]) -> TaxonomyService:
        return TaxonomyService(db_session, model)

    class TaxonomyController(Controller):
        path = "/api/v1/job-types" if is_type else "/api/v1/job-categories"
        tags = ["Jobs"]
        dependencies = {"taxonomy": Provide(provide), **LIMIT_OFFSET}
        signature_namespace = {"read": read}

        @get(
            "/",
            summary=f"List {label}s",
            operation_id=f"list{noun}s",
            opt=public_read(),
            response_headers=PAGE_HEADERS,
            responses=error_responses(),
        )
        async def list_all(
            self,
            request: Request[Any, Any, Any],
            taxonomy: NamedDependency[TaxonomyService],
            window: NamedDependency[Window],
        ) -> Response[list[read]]:  # type: ignore[valid-type]
            items, total = await taxonomy.list(window)
            return page_response(request, items, total, window)

        @get(
            "/{row_id:int}",
            summary=f"Get a {label}",
            operation_id=f"get{noun}",
            opt=public_read(),
            responses=error_responses(404),
        )
        async def get_one(
            self, row_id: FromPath[int], taxonomy: NamedDependency[TaxonomyService]
        ) -> read:  # type: ignore[valid-type]
            return taxonomy.read(await taxonomy.get(row_id))

        @post(
            "/",
            summary=f"Create a {label} (staff)",
            operation_id=f"create{noun}",
            opt=HIGH,
            responses=error_responses(401, 403, 422),
            **STAFF,
        )
        async def create(
            self, data: JSONBody[NamedCreate], taxonomy: NamedDependency[TaxonomyService]
        ) -> read:  # type: ignore[valid-type]
            return await taxonomy.create(data.name)

        @patch(
            "/{row_id:int}",
            summary=f"Rename a {label} (staff)",
            operation_id=f"rename{noun}",
            opt=HIGH,
            responses=error_responses(401, 403, 404, 422),
            **STAFF,
        )
        async def rename(
            self,
            row_id: FromPath[int],
            data: JSONBody[NamedUpdate],
            taxonomy: NamedDependency[TaxonomyService],
        ) -> read:  # type: ignore[valid-type]
            return await taxonomy.rename(row_id, data.name)

        @delete(
            "/{row_id:int}",
            summary=f"Delete a {label} (staff)",
            operation_id=f"delete{noun}",
            opt=HIGH,
            responses=error_responses(401, 403, 404),
            **STAFF,
        )
        async def remove(
            self, row_id: FromPath[int], taxonomy: NamedDependency[TaxonomyService]
        ) -> None:
            await taxonomy.delete(row_id)

    TaxonomyController.__name__ = f"{noun}Controller"
    return TaxonomyController


class JobFeedController(Controller):
    """python.org's own feed path, and an Atom twin."""

    path = "/jobs/feed"
    tags = ["Jobs"]
    dependencies = {"jobs": Provide(provide_jobs)}

    async def _items(self, jobs: JobService) -> list[FeedItem]:
        return [
            FeedItem(
                title=f"{job.job_title} at {job.company_name}",
                link=f"{jobs.base}/api/v1/jobs/{job.id}",
                guid=f"{jobs.base}/api/v1/jobs/{job.id}",
                published=job.approved or job.created,
                updated=job.updated,
                summary=job.description[:1000],
                categories=[t.name for t in job.job_types],
            )
            for job in await jobs.feed()
        ]

    @get(
        "/rss/",
        summary="RSS 2.0 feed of the 20 newest approved postings",
        operation_id="jobsFeedRss",
        opt=public_read(),
        media_type=RSS_MEDIA_TYPE,
    )
    async def rss(
        self, request: Request[Any, Any, Any], jobs: NamedDependency[JobService]
    ) -> bytes:
        return rss_feed(
            title="Python Job Board",
            link=f"{jobs.base}/api/v1/jobs/",
            description="The newest approved Python job postings.",
            self_url=f"{jobs.base}{request.url.path}",
            items=await self._items(jobs),
        )

    @get(
        "/atom/",
        summary="Atom feed of the 20 newest approved postings",
        operation_id="jobsFeedAtom",
        opt=public_read(),
        media_type=ATOM_MEDIA_TYPE,
    )
    async def atom(
        self, request: Request[Any, Any, Any], jobs: NamedDependency[JobService]
    ) -> bytes:
        return atom_feed(
            title="Python Job Board",
            link=f"{jobs.base}/api/v1/jobs/",
            feed_id=f"{jobs.base}/jobs/feed/atom/",
            self_url=f"{jobs.base}{request.url.path}",
            items=await self._items(jobs),
        )


ROUTES: list[type[Controller]] = [
    JobController,
    _taxonomy_controller(JobType),
    _taxonomy_controller(JobCategory),
    JobFeedController,
]
