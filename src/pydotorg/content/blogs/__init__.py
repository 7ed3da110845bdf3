"""Content: blogs."""
