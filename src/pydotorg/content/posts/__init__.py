"""Content: posts."""
