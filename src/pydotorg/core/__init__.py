"""Cross-cutting HTTP behaviour, written once and applied to every domain by configuration."""
