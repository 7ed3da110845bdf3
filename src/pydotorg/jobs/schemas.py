"""Request and response bodies of the job board."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from pydotorg.accounts.schemas import Email
from pydotorg.core.schemas import (
    Description,
    Name,
    NamedRowRead,
    OptionalUrl,
    Ref,
    WriteSchema,
    free_text,
    one_line,
    patch_of,
)

ShortText = Annotated[str, one_line(100)]
LongText = Annotated[str, free_text(20_000)]
Ids = Annotated[list[Ref], msgspec.Meta(max_length=20)]
WrittenId = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^0*[1-9][0-9]*\Z",
        max_length=18,
        description='An id written as a string of ASCII digits (`"3"`), as the guide\'s '
        "search example writes its ids.",
    ),
]
SearchIds = Annotated[list[Ref | WrittenId], msgspec.Meta(max_length=20)]
"""The search body's job types: ids as integers or, as the guide writes them, as strings of
digits; every other body takes integers only."""


class JobTypeRead(NamedRowRead):
    pass


class JobCategoryRead(NamedRowRead):
    pass


class NamedCreate(WriteSchema):
    name: Name


class NamedUpdate(WriteSchema):
    name: Name


class JobRead(msgspec.Struct):
    id: int
    slug: str
    job_title: str
    company_name: str
    company_description: str
    company_url: str
    city: str
    region: str
    country: str
    remote: bool
    agencies: bool
    description: str
    requirements: str
    contact_name: str
    contact_email: str | None
    url: str
    job_types: list[JobTypeRead]
    category: JobCategoryRead | None
    is_featured: bool
    status: str
    expires: datetime | None
    created: datetime
    updated: datetime
    resource_uri: str
    creator_id: int | None = None
    email_public: bool | None = None
    submitted: datetime | None = None
    approved: datetime | None = None


class JobCreate(WriteSchema):
    job_title: Name
    company_name: Name
    description: LongText
    contact_email: Email
    company_description: Description = ""
    company_url: OptionalUrl = ""
    city: ShortText = ""
    region: ShortText = ""
    country: ShortText = ""
    remote: bool = False
    agencies: bool = False
    requirements: LongText = ""
    contact_name: ShortText = ""
    email_public: bool = False
    url: OptionalUrl = ""
    job_type_ids: Ids = msgspec.field(default_factory=list)
    category_id: Ref | None = None


JobUpdate = patch_of(JobCreate, extra={"is_featured": bool})


class JobSearch(WriteSchema):
    """The guide's search body, plus category, remote and paging."""

    query: Annotated[str, msgspec.Meta(max_length=500)] = ""  # only its words reach SQL
    location: Annotated[str, free_text(100)] = ""
    job_type_ids: SearchIds = msgspec.field(default_factory=list)
    category_id: Ref | None = None
    remote: bool | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    offset: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)] = 0

    def type_ids(self) -> list[int]:
        """``job_type_ids`` as integers."""
        return [int(key) for key in self.job_type_ids]


class CommentCreate(WriteSchema):
    comment: Annotated[str, free_text(5000, min_length=1)]


class CommentRead(msgspec.Struct):
    id: int
    job_id: int
    author_id: int | None
    comment: str
    created: datetime
