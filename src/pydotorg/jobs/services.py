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

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.core.auth import Identity
from pydotorg.core.database import commit_or_conflict
from pydotorg.core.exceptions import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
)
from pydotorg.core.pagination import Window
from pydotorg.core.schemas import changed_fields
from pydotorg.core.search import SearchIndex
from pydotorg.core.text import slugify as slugify_text
from pydotorg.db.base import utcnow
from pydotorg.jobs.models import Job, JobCategory, JobReviewComment, JobStatus, JobType
from pydotorg.jobs.schemas import (
    CommentRead,
    JobCategoryRead,
    JobCreate,
    JobRead,
    JobSearch,
    JobTypeRead,
    JobUpdate,
)

JOB_INDEX = SearchIndex("job")
TaxonomyRead = JobTypeRead | JobCategoryRead
EXPIRED = "expired"
S = JobStatus


@dataclass(frozen=True)
class Action:
    """A workflow move: from which states, to which, and whose move it is."""

    sources: frozenset[JobStatus]
    target: JobStatus
    by: str  # "owner" or "staff"


ACTIONS: dict[str, Action] = {
    "submit": Action(frozenset({S.DRAFT, S.REJECTED}), S.REVIEW, "owner"),
    "approve": Action(frozenset({S.REVIEW}), S.APPROVED, "staff"),
    "reject": Action(frozenset({S.REVIEW}), S.REJECTED, "staff"),
    "archive": Action(frozenset({S.APPROVED}), S.ARCHIVED, "staff"),
    "remove": Action(frozenset(set(S) - {S.REMOVED}), S.REMOVED, "staff"),
    "withdraw": Action(
        frozenset({S.DRAFT, S.REVIEW, S.APPROVED, S.REJECTED}), S.WITHDRAWN, "owner"
    ),
}
OWNER_EDITABLE = frozenset({S.DRAFT, S.REJECTED})


def public_clause() -> ColumnElement[bool]:
    """Approved and not yet expired: what anyone may see."""
    return and_(Job.status == S.APPROVED, or_(Job.expires.is_(None), Job.expires > utcnow()))


def effective_status(job: Job) -> str:
    if job.status == S.APPROVED and job.expires is not None and job.expires <= utcnow():
        return EXPIRED
    return job.status.value


def slugify(text: str) -> str:
    return slugify_text(text, fallback="job", max_length=150)


def type_read(row: JobType) -> JobTypeRead:
    return JobTypeRead(id=row.id, name=row.name, slug=row.slug)


def category_read(row: JobCategory) -> JobCategoryRead:
    return JobCategoryRead(id=row.id, name=row.name, slug=row.slug)


class JobService:
    """Job postings as one caller may see and change them."""

    def __init__(
        self, session: AsyncSession, caller: Identity | None, *, base: str, expire_days: int
    ) -> None:
        self.session = session
        self.caller = caller
        self.base = base
        self.expire_days = expire_days

    @property
    def staff(self) -> bool:
        return bool(self.caller and self.caller.is_staff)

    def owns(self, job: Job) -> bool:
        return self.caller is not None and job.creator_id == self.caller.id

    # Reading ------------------------------------------------------------------------------

    def read(self, job: Job) -> JobRead:
        privileged = self.staff or self.owns(job)
        return JobRead(
            id=job.id,
            slug=job.slug,
            job_title=job.job_title,
            company_name=job.company_name,
            company_description=job.company_description,
            company_url=job.company_url,
            city=job.city,
            region=job.region,
            country=job.country,
            remote=job.remote,
            agencies=job.agencies,
            description=job.description,
            requirements=job.requirements,
            contact_name=job.contact_name,
            contact_email=job.contact_email if (job.email_public or privileged) else None,
            url=job.url,
            job_types=[type_read(t) for t in sorted(job.job_types, key=lambda t: t.id)],
            category=category_read(job.category) if job.category else None,
            is_featured=job.is_featured,
            status=effective_status(job),
            expires=job.expires,
            created=job.created,
            updated=job.updated,
            resource_uri=f"{self.base}/api/v1/jobs/{job.id}",
            creator_id=job.creator_id if privileged else None,
            email_public=job.email_public if privileged else None,
            submitted=job.submitted if privileged else None,
            approved=job.approved,
        )

    def _visible(self, query: Select[Job]) -> Select[Job]:
        if self.staff:
            return query
        if self.caller is not None:
            return query.where(or_(public_clause(), Job.creator_id == self.caller.id))
        return query.where(public_clause())

    @staticmethod
    def _ordered(query: Select[Job]) -> Select[Job]:
        return query.order_by(
            Job.is_featured.desc(),
            Job.approved.desc().nulls_last(),
            Job.created.desc(),
            Job.id.desc(),
        )

    async def _page(self, query: Select[Job], window: Window) -> tuple[list[JobRead], int]:
        total = await self.session.scalar(
            select(func.count()).select_from(query.with_only_columns(Job.id).subquery())
        )
        rows = await self.session.scalars(query.limit(window.limit).offset(window.offset))
        return [self.read(job) for job in rows.unique()], total or 0

    async def list_jobs(
        self,
        window: Window,
        *,
        status: str | None,
        job_type: int | None = None,
        category: int | None = None,
        remote: bool | None = None,
        featured: bool | None = None,
        mine: bool = False,
    ) -> tuple[list[JobRead], int]:
        query = self._visible(select(Job))
        if mine:
            assert self.caller is not None
            query = select(Job).where(Job.creator_id == self.caller.id)
        if status == EXPIRED:
            query = query.where(Job.status == S.APPROVED, Job.expires <= utcnow())
        elif status == S.APPROVED.value:
            query = query.where(public_clause())
        elif status is not None:
            query = query.where(Job.status == JobStatus(status))
        if job_type is not None:
            query = query.where(Job.job_types.any(JobType.id == job_type))
        if category is not None:
            query = query.where(Job.category_id == category)
        if remote is not None:
            query = query.where(Job.remote.is_(remote))
        if featured is not None:
            query = query.where(Job.is_featured.is_(featured))
        return await self._page(self._ordered(query), window)

    async def get(self, job_id: int) -> Job:
        job = await self.session.scalar(self._visible(select(Job)).where(Job.id == job_id))
        if job is None:
            raise NotFoundError(f"No job posting with id {job_id}.")
        return job

    async def search(self, data: JobSearch) -> tuple[list[JobRead], int]:
        query = select(Job).where(public_clause())
        location = data.location.strip()
        if location.lower() == "remote":
            query = query.where(Job.remote.is_(True))
        elif location:
            query = query.where(
                or_(
                    Job.city.icontains(location, autoescape=True),
                    Job.region.icontains(location, autoescape=True),
                    Job.country.icontains(location, autoescape=True),
                )
            )
        if data.job_type_ids:
            query = query.where(Job.job_types.any(JobType.id.in_(data.job_type_ids)))
        if data.category_id is not None:
            query = query.where(Job.category_id == data.category_id)
        if data.remote is not None:
            query = query.where(Job.remote.is_(data.remote))
        matches = JOB_INDEX.matches(self.session.get_bind().dialect.name, data.query)
        if data.query.strip() and matches is None:
            return [], 0
        if matches is not None:
            query = query.join(matches, matches.c.object_id == Job.id).order_by(
                matches.c.score.desc(), Job.approved.desc().nulls_last(), Job.id.desc()
            )
        else:
            query = self._ordered(query)
        return await self._page(query, Window(limit=data.limit, offset=data.offset))

    # Writing ------------------------------------------------------------------------------

    async def _types(self, ids: list[int]) -> list[JobType]:
        if not ids:
            return []
        rows = list(await self.session.scalars(select(JobType).where(JobType.id.in_(ids))))
        missing = sorted(set(ids) - {row.id for row in rows})
        if missing:
            raise FieldError("job_type_ids", f"no job type with id {missing[0]}")
        return rows

    async def _check_category(self, category_id: int | None) -> None:
        if category_id is not None and await self.session.get(JobCategory, category_id) is None:
            raise FieldError("category_id", f"no job category with id {category_id}")

    async def _index(self, job: Job) -> None:
        await JOB_INDEX.put(
            self.session,
            job.id,
            f"{job.job_title} {job.company_name}",
            f"{job.description}\n{job.requirements}\n{job.company_description}",
        )

    async def _reload(self, job_id: int) -> JobRead:
        job = await self.session.scalar(
            select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
        )
        assert job is not None
        return self.read(job)

    async def create(self, data: JobCreate) -> JobRead:
        assert self.caller is not None
        values = changed_fields(data)
        types = await self._types(values.pop("job_type_ids"))
        await self._check_category(data.category_id)
        job = Job(
            **values,
            slug=f"{slugify(data.job_title)}-{uuid.uuid4().hex[:8]}",
            creator_id=self.caller.id,
            status=S.DRAFT,
        )
        job.job_types = types
        self.session.add(job)
        await self.session.flush()
        await self._index(job)
        await commit_or_conflict(self.session)
        return await self._reload(job.id)

    async def update(self, job_id: int, data: JobUpdate) -> JobRead:
        job = await self._editable(job_id)
        changes = changed_fields(data)
        if "is_featured" in changes and not self.staff:
            raise PermissionDeniedError("Only staff can feature a posting.")
        if "job_type_ids" in changes:
            job.job_types = await self._types(changes.pop("job_type_ids"))
        if "category_id" in changes:
            await self._check_category(changes["category_id"])
        for key, value in changes.items():
            setattr(job, key, value)
        await self.session.flush()
        await self._index(job)
        await commit_or_conflict(self.session)
        return await self._reload(job.id)

    async def _editable(self, job_id: int) -> Job:
        job = await self.get(job_id)
        if self.staff:
            if job.status == S.REMOVED:
                raise self._conflict(job, "A removed posting cannot be edited.")
            return job
        if not self.owns(job):
            raise PermissionDeniedError("Only the poster or staff can change this posting.")
        if job.status not in OWNER_EDITABLE:
            raise self._conflict(
                job, "A posting can be edited only while it is a draft or rejected."
            )
        return job

    async def delete(self, job_id: int) -> None:
        job = await self.get(job_id)
        if not self.staff:
            if not self.owns(job):
                raise PermissionDeniedError("Only the poster or staff can delete this posting.")
            if job.status != S.DRAFT:
                raise self._conflict(job, "Only drafts can be deleted; withdraw it instead.")
        await JOB_INDEX.remove(self.session, job.id)
        await self.session.delete(job)
        await commit_or_conflict(self.session)

    def allowed_actions(self, job: Job) -> list[str]:
        allowed = []
        for name, action in ACTIONS.items():
            mine = self.staff if action.by == "staff" else self.owns(job)
            if mine and job.status in action.sources:
                allowed.append(name)
        return allowed

    def _conflict(self, job: Job, message: str) -> ConflictError:
        allowed = self.allowed_actions(job)
        return ConflictError(
            f"{message} Allowed now: {', '.join(allowed) or 'nothing'}.",
            extra={"status": effective_status(job), "allowed_actions": allowed},
        )

    async def transition(self, job_id: int, name: str, reason: str | None = None) -> JobRead:
        action = ACTIONS[name]
        job = await self.get(job_id)
        if action.by == "staff" and not self.staff:
            raise PermissionDeniedError(f"Only staff can {name} a posting.")
        if action.by == "owner" and not self.owns(job):
            raise PermissionDeniedError(f"Only the poster can {name} this posting.")
        if job.status not in action.sources:
            raise self._conflict(job, f"A posting that is {effective_status(job)} cannot {name}.")
        now = utcnow()
        job.status = action.target
        if action.target == S.REVIEW:
            job.submitted = now
        elif action.target == S.APPROVED:
            job.approved = now
            job.expires = now + timedelta(days=self.expire_days)
        if reason:
            assert self.caller is not None
            self.session.add(
                JobReviewComment(job_id=job.id, author_id=self.caller.id, comment=reason)
            )
        await commit_or_conflict(self.session)
        return await self._reload(job.id)

    # Review comments -----------------------------------------------------------------------

    async def comments(self, job_id: int) -> list[CommentRead]:
        job = await self.get(job_id)
        if not (self.staff or self.owns(job)):
            raise PermissionDeniedError("Review comments are for the poster and staff.")
        rows = await self.session.scalars(
            select(JobReviewComment)
            .where(JobReviewComment.job_id == job.id)
            .order_by(JobReviewComment.id)
        )
        return [comment_read(row) for row in rows]

    async def add_comment(self, job_id: int, text: str) -> CommentRead:
        job = await self.get(job_id)
        assert self.caller is not None
        row = JobReviewComment(job_id=job.id, author_id=self.caller.id, comment=text)
        self.session.add(row)
        await commit_or_conflict(self.session)
        return comment_read(row)

    async def feed(self, limit: int = 20) -> list[Job]:
        rows = await self.session.scalars(
            select(Job)
            .where(public_clause())
            .order_by(Job.approved.desc().nulls_last(), Job.id.desc())
            .limit(limit)
        )
        return list(rows.unique())


def comment_read(row: JobReviewComment) -> CommentRead:
    return CommentRead(
        id=row.id,
        job_id=row.job_id,
        author_id=row.author_id,
        comment=row.comment,
        created=row.created,
    )


class TaxonomyService:
    """Job types and job categories: a name and a slug each, staff-managed."""

    def __init__(self, session: AsyncSession, model: type[JobType] | type[JobCategory]) -> None:
        self.session = session
        self.model = model
        self.label = "job type" if model is JobType else "job category"

    def read(self, row: Any) -> TaxonomyRead:
        return type_read(row) if self.model is JobType else category_read(row)

    async def list(self, window: Window) -> tuple[list[TaxonomyRead], int]:
        total = await self.session.scalar(select(func.count()).select_from(self.model)) or 0
        rows = await self.session.scalars(
            select(self.model)
            .order_by(self.model.name, self.model.id)
            .limit(window.limit)
            .offset(window.offset)
        )
        return [self.read(row) for row in rows], total

    async def get(self, row_id: int) -> Any:
        row = await self.session.get(self.model, row_id)
        if row is None:
            raise NotFoundError(f"No {self.label} with id {row_id}.")
        return row

    async def _unique_slug(self, name: str, exclude: int | None = None) -> str:
        slug = slugify(name)
        existing = await self.session.scalar(select(self.model.id).where(self.model.slug == slug))
        if existing is not None and existing != exclude:
            raise FieldError("name", f"a {self.label} named like {name!r} already exists")
        return slug

    async def create(self, name: str) -> TaxonomyRead:
        row = self.model(name=name, slug=await self._unique_slug(name))
        self.session.add(row)
        await commit_or_conflict(self.session)
        return self.read(row)

    async def rename(self, row_id: int, name: str) -> TaxonomyRead:
        row = await self.get(row_id)
        row.slug = await self._unique_slug(name, exclude=row.id)
        row.name = name
        await commit_or_conflict(self.session)
        return self.read(row)

    async def delete(self, row_id: int) -> None:
        await self.session.delete(await self.get(row_id))
        await commit_or_conflict(self.session)
