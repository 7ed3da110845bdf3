"""The job board's rules: who sees a posting, who may change it, and its review workflow.

A posting starts as a draft of its creator, goes to review when submitted, and becomes public
when staff approve it, until it expires. Staff may reject it with a reason the owner reads,
archive or remove it; the owner may withdraw it. Every other move is a 409 that names the moves
allowed from where the posting stands.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import Select, or_, select

from pydotorg.core.exceptions import ConflictError, FieldError, PermissionDeniedError
from pydotorg.core.feeds import FeedAbout, FeedItem, feed_document
from pydotorg.core.pagination import Page, Window
from pydotorg.core.queries import article, contains, noun, where_given
from pydotorg.core.resources import CrudService, to_schema
from pydotorg.core.services import by_role
from pydotorg.core.text import slugify as slugify_text
from pydotorg.core.workflow import Move, Workflow
from pydotorg.db.base import utcnow
from pydotorg.jobs.indexes import JOB_INDEX
from pydotorg.jobs.models import (
    Job,
    JobCategory,
    JobReviewComment,
    JobStatus,
    JobType,
    public_clause,
)
from pydotorg.jobs.schemas import (
    CommentRead,
    JobCategoryRead,
    JobCreate,
    JobRead,
    JobSearch,
    JobTypeRead,
    JobUpdate,
    NamedCreate,
    NamedUpdate,
)

FEED_TITLE = "Python Job Board"
EXPIRED = "expired"
S = JobStatus


WORKFLOW = Workflow(
    "posting",
    {
        "submit": Move.of(
            {S.DRAFT, S.REJECTED},
            S.REVIEW,
            "owner",
            "Submit a draft or rejected posting for review (poster)",
        ),
        "withdraw": Move.of(
            {S.DRAFT, S.REVIEW, S.APPROVED, S.REJECTED},
            S.WITHDRAWN,
            "owner",
            "Withdraw a posting (poster)",
        ),
        "approve": Move.of(
            {S.REVIEW},
            S.APPROVED,
            "staff",
            "Approve a posting under review (staff)",
            description="It becomes public and expires after `JOBS_EXPIRE_DAYS` days.",
        ),
        "reject": Move.of(
            {S.REVIEW},
            S.REJECTED,
            "staff",
            "Reject a posting under review, with a reason for the poster (staff)",
            reason=True,
        ),
        "archive": Move.of(
            {S.APPROVED}, S.ARCHIVED, "staff", "Archive an approved posting (staff)"
        ),
        "remove": Move.of(
            set(S) - {S.REMOVED}, S.REMOVED, "staff", "Remove a posting from the board (staff)"
        ),
    },
)
OWNER_EDITABLE = frozenset({S.DRAFT, S.REJECTED})


def effective_status(job: Job) -> str:
    if job.status == S.APPROVED and job.expires is not None and job.expires <= utcnow():
        return EXPIRED
    return job.status.value


def slugify(text: str) -> str:
    return slugify_text(text, fallback="job", max_length=150)


@dataclass(frozen=True)
class JobFilters:
    status: str | None = None
    job_type: int | None = None
    category: int | None = None
    remote: bool | None = None
    featured: bool | None = None


class JobService(CrudService[Job, JobRead]):
    """Job postings as one caller may see and change them."""

    model, read_schema, create_schema, update_schema = Job, JobRead, JobCreate, JobUpdate
    workflow = WORKFLOW
    reread = ("create", "update", "move")

    def owns(self, job: Job) -> bool:
        return self.caller is not None and job.creator_id == self.caller.id

    # Reading ------------------------------------------------------------------------------

    def read(self, job: Job) -> JobRead:
        privileged = self.staff or self.owns(job)
        return to_schema(
            JobRead,
            job,
            contact_email=job.contact_email if (job.email_public or privileged) else None,
            job_types=[
                to_schema(JobTypeRead, t) for t in sorted(job.job_types, key=lambda t: t.id)
            ],
            category=to_schema(JobCategoryRead, job.category) if job.category else None,
            status=effective_status(job),
            resource_uri=self.links.url("getJob", job.id),
            creator_id=job.creator_id if privileged else None,
            email_public=job.email_public if privileged else None,
            submitted=job.submitted if privileged else None,
        )

    def query(self) -> Select[Job]:
        """Featured first, then newest approved."""
        query = self.visible(select(Job), public=public_clause(), owner=Job.creator_id)
        return _ordered(query)

    def filtered(self, query: Select[Job], filters: Any) -> Select[Job]:
        f: JobFilters = filters or JobFilters()
        if f.status == EXPIRED:
            query = query.where(Job.status == S.APPROVED, Job.expires <= utcnow())
        elif f.status == S.APPROVED.value:
            query = query.where(public_clause())
        elif f.status is not None:
            query = query.where(Job.status == JobStatus(f.status))
        if f.job_type is not None:
            query = query.where(Job.job_types.any(JobType.id == f.job_type))
        return where_given(
            query,
            (Job.category_id, f.category),
            (Job.remote, f.remote),
            (Job.is_featured, f.featured),
        )

    async def mine(self, window: Window, status: str | None) -> Page[JobRead]:
        """The caller's own postings, in every state."""
        query = _ordered(select(Job).where(Job.creator_id == self.user.id))
        rows, total = await self.rows(Job).page(window, self.filtered(query, JobFilters(status)))
        return Page([self.read(job) for job in rows], total, window)

    async def search(self, data: JobSearch) -> Page[JobRead]:
        query = select(Job).where(public_clause())
        location = data.location.strip()
        if location.lower() == "remote":
            query = query.where(Job.remote.is_(True))
        elif location:
            query = query.where(
                or_(
                    contains(Job.city, location),
                    contains(Job.region, location),
                    contains(Job.country, location),
                )
            )
        if data.job_type_ids:
            query = query.where(Job.job_types.any(JobType.id.in_(data.type_ids())))
        if data.category_id is not None:
            query = query.where(Job.category_id == data.category_id)
        if data.remote is not None:
            query = query.where(Job.remote.is_(data.remote))
        window = Window(limit=data.limit, offset=data.offset, style="body")
        if data.query.strip():
            query = JOB_INDEX.narrow(
                self.search_engine,
                query,
                data.query,
                Job.id,
                Job.approved.desc().nulls_last(),
                Job.id.desc(),
            )
        else:
            query = _ordered(query)
        rows, total = await self.rows(Job).page(window, query)
        return Page([self.read(job) for job in rows], total, window)

    # Writing ------------------------------------------------------------------------------

    async def _types(self, ids: list[int]) -> list[JobType]:
        return await self.rows(JobType).references(ids, field="job_type_ids")

    async def _check_category(self, category_id: int | None) -> None:
        if category_id is not None:
            await self.rows(JobCategory).reference(category_id, field="category_id")

    async def validate(self, values: dict[str, Any], current: Job | None) -> None:
        """A poster edits their own draft or rejected posting, staff any but a removed one, and
        only staff feature one; the types and category exist; a new posting is the caller's
        draft."""
        if current is not None:
            self._check_editable(current)
            if "is_featured" in values and not self.staff:
                raise PermissionDeniedError("Only staff can feature a posting.")
        if "job_type_ids" in values:
            values["job_types"] = await self._types(values.pop("job_type_ids"))
        await self._check_category(values.get("category_id"))
        if current is None:
            values.update(
                slug=f"{slugify(values['job_title'])}-{uuid.uuid4().hex[:8]}",
                creator_id=self.user.id,
                status=S.DRAFT,
            )

    def _conflict(self, job: Job, message: str) -> ConflictError:
        return WORKFLOW.conflict(
            message, job.status, staff=self.staff, owner=self.owns(job), shown=effective_status(job)
        )

    def _check_editable(self, job: Job) -> None:
        if self.staff:
            if job.status == S.REMOVED:
                raise self._conflict(job, "A removed posting cannot be edited.")
            return
        if not self.owns(job):
            raise PermissionDeniedError("Only the poster or staff can change this posting.")
        if job.status not in OWNER_EDITABLE:
            raise self._conflict(
                job, "A posting can be edited only while it is a draft or rejected."
            )

    async def before_delete(self, row: Job) -> None:
        if not self.staff:
            if not self.owns(row):
                raise PermissionDeniedError("Only the poster or staff can delete this posting.")
            if row.status != S.DRAFT:
                raise self._conflict(row, "Only drafts can be deleted; withdraw it instead.")

    async def move(self, key: int, name: str, reason: str | None = None) -> JobRead:
        """Make the workflow move ``name`` (a rejection's reason becomes a review comment)."""
        job = await self.row(key)
        move = WORKFLOW.check(
            name, job.status, staff=self.staff, owner=self.owns(job), shown=effective_status(job)
        )
        now = utcnow()
        job.status = JobStatus(move.target)
        if job.status == S.REVIEW:
            job.submitted = now
        elif job.status == S.APPROVED:
            job.approved = now
            job.expires = now + timedelta(days=self.settings.jobs_expire_days)
        if reason:
            comment = JobReviewComment(job_id=job.id, author_id=self.user.id, comment=reason)
            self.session.add(comment)
        return await self.saved(job, "move")

    # Review comments -----------------------------------------------------------------------

    async def comments(self, job_id: int) -> list[CommentRead]:
        job = await self.row(job_id)
        if not (self.staff or self.owns(job)):
            raise PermissionDeniedError("Review comments are for the poster and staff.")
        rows = await self.session.scalars(
            select(JobReviewComment)
            .where(JobReviewComment.job_id == job.id)
            .order_by(JobReviewComment.id)
        )
        return [comment_read(row) for row in rows]

    async def add_comment(self, job_id: int, text: str) -> CommentRead:
        job = await self.row(job_id)
        row = JobReviewComment(job_id=job.id, author_id=self.user.id, comment=text)
        self.session.add(row)
        await self.commit()
        return comment_read(row)

    async def feed(self, kind: str, limit: int = 20) -> bytes:
        """The ``limit`` newest approved postings as an ``"rss"`` or ``"atom"`` document."""
        rows = await self.session.scalars(
            select(Job)
            .where(public_clause())
            .order_by(Job.approved.desc().nulls_last(), Job.id.desc())
            .limit(limit)
        )
        items = [
            FeedItem(
                title=f"{job.job_title} at {job.company_name}",
                link=self.links.url("getJob", job.id),
                guid=self.links.url("getJob", job.id),
                published=job.approved or job.created,
                updated=job.updated,
                summary=job.description[:1000],
                categories=[t.name for t in job.job_types],
            )
            for job in rows.unique()
        ]
        about = FeedAbout(
            title=FEED_TITLE,
            link=self.links.url("listJobs"),
            description="The newest approved Python job postings.",
            rss_url=self.links.url("jobsFeedRss"),
            atom_url=self.links.url("jobsFeedAtom"),
        )
        return feed_document(kind, about, items)


def _ordered(query: Select[Job]) -> Select[Job]:
    return query.order_by(
        Job.is_featured.desc(),
        Job.approved.desc().nulls_last(),
        Job.created.desc(),
        Job.id.desc(),
    )


def comment_read(row: JobReviewComment) -> CommentRead:
    return to_schema(CommentRead, row)


class TaxonomyService(CrudService[Any, Any]):
    """Job types and job categories: a name and a slug made from it, staff-managed."""

    update_schema = NamedUpdate

    @by_role
    def query(self) -> Select[Any]:
        return select(self.model).order_by(self.model.name, self.model.id)

    def values(self, data: msgspec.Struct) -> dict[str, Any]:
        values = super().values(data)
        return {**values, "slug": slugify(values["name"])}

    async def validate(self, values: dict[str, Any], current: Any) -> None:
        taken = await self.session.scalar(
            select(self.model.id).where(self.model.slug == values["slug"])
        )
        if taken is not None and (current is None or taken != current.id):
            raise FieldError(
                "name", f"{article(noun(self.model))} named like {values['name']!r} already exists"
            )


class JobTypeService(TaxonomyService):
    model, read_schema, create_schema = JobType, JobTypeRead, NamedCreate


class JobCategoryService(TaxonomyService):
    model, read_schema, create_schema = JobCategory, JobCategoryRead, NamedCreate
