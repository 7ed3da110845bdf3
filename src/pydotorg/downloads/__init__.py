"""Python releases: operating systems, releases, release files and the release cycle."""
