"""Events: calendars, venues, events, their occurrences and recurrence, and calendar export."""

from litestar.openapi.spec import Tag

from pydotorg.core.domain import Domain

DOMAIN = Domain(
    __name__,
    tags=[
        Tag(
            name="Events",
            description="Python events: calendars, venues, occurrences, iCalendar and feeds.",
        )
    ],
    demo=True,
)
