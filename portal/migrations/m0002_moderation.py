"""Step 2: the moderation workspace (its tables) and the first-response date on submissions."""

from peewee import DateField
from playhouse.migrate import migrate

from . import run_sql_file


def upgrade(migrator) -> None:
    """Add submission.first_response_on and create the moderation tables from frozen SQL."""
    migrate(migrator.add_column("submission", "first_response_on", DateField(null=True)))
    run_sql_file("0002_moderation")
