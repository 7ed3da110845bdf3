"""The pages tables."""
