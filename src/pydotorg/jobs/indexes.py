"""Job postings in the site-wide search: every posting is indexed; anyone sees approved,
unexpired ones, posters their own, staff all."""

from __future__ import annotations

from pydotorg.core.search import IndexSpec, SearchIndex, staff_or
from pydotorg.jobs.models import Job, public_clause

JOB_INDEX = SearchIndex("job", 3)


def document(job: Job) -> tuple[str, str]:
    """The title and the body a posting is indexed under."""
    return (
        f"{job.job_title} {job.company_name}",
        f"{job.description}\n{job.requirements}\n{job.company_description}",
    )


INDEXES = [
    IndexSpec(
        name="jobs",
        index=JOB_INDEX,
        model=Job,
        title=Job.job_title,
        date=Job.approved,
        route="getJob",
        visible=staff_or(public_clause, owner=Job.creator_id),
        document=document,
    )
]
