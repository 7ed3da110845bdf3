"""The blogs tables."""
