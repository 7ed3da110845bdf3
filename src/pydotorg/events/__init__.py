"""Events: calendars, venues, events, their occurrences and recurrence, and calendar export."""
