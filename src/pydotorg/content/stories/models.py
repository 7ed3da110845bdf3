"""The stories tables."""
