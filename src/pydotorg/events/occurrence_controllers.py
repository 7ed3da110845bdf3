"""HTTP endpoint of the occurrences of a date range, recurring events expanded."""

from __future__ import annotations

from dataclasses import replace

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter

from pydotorg.core.days import DateRange
from pydotorg.core.endpoints import ApiController
from pydotorg.core.pagination import Page, Window
from pydotorg.core.parameters import Query, Ref
from pydotorg.core.services import services
from pydotorg.events.filters import FILTERS, EventFilters
from pydotorg.events.occurrence_services import OccurrenceService
from pydotorg.events.schemas import ExpandedOccurrenceRead

DEFAULT_RANGE_DAYS = 365


class EventOccurrenceController(ApiController):
    path = "/api/v1/event-occurrences"
    tags = ["Events"]
    dependencies = {**services(occurrences=OccurrenceService), **FILTERS}

    @get(
        "/",
        operation_id="listEventOccurrences",
        summary="List event occurrences in a date range",
        description="Every occurrence between `date_from` (default today, UTC) and `date_to` "
        f"(default {DEFAULT_RANGE_DAYS} days later), recurring events expanded in their own "
        "time zone, ordered by start. A range spans at most five years.",
        errors=(422,),
    )
    async def list_occurrences(
        self,
        occurrences: NamedDependency[OccurrenceService],
        filters: NamedDependency[EventFilters],
        window: NamedDependency[Window],
        event: Query[Ref, Parameter(description="Only this event's.")] = None,
    ) -> Page[ExpandedOccurrenceRead]:
        dates = DateRange.bounded(filters.date_from, filters.date_to, DEFAULT_RANGE_DAYS)
        undated = replace(filters, date_from=None, date_to=None)
        return await occurrences.between(undated, dates, window, event_id=event)
