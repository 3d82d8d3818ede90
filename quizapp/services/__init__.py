"""Use cases that join the database to the pure modules; each runs in one transaction."""
