"""Job postings in the site-wide search: every posting is indexed; anyone sees approved,
unexpired ones, posters their own, staff all."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from pydotorg.core.search import IndexSpec, Role
from pydotorg.jobs.models import Job
from pydotorg.jobs.services import JOB_INDEX, document, public_clause


def visible(role: Role, user_id: int | None) -> ColumnElement[bool]:
    if role == "staff":
        return true()
    return or_(public_clause(), Job.creator_id == user_id) if user_id else public_clause()


INDEXES = [
    IndexSpec(
        name="jobs",
        index=JOB_INDEX,
        model=Job,
        title=Job.job_title,
        date=Job.approved,
        route="getJob",
        visible=visible,
        document=document,
    )
]
