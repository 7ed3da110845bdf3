"""The compatible endpoints keep no tables of their own: they serve the domains' records."""
