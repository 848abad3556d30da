"""Step 1: the tables of the first release (accounts, questions, events, rate limits)."""

from . import run_sql_file


def upgrade(migrator) -> None:
    """Create the first release's tables and indexes from the frozen SQL."""
    run_sql_file("0001_initial")
