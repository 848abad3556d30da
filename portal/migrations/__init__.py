"""Schema migrations: numbered steps applied in order, each recorded in the schema_version table.

Step 1 creates the tables as they were at the first release, from frozen SQL files (one per
database dialect, written by `flask db sql`). Later steps are modules `mNNNN_<name>.py` with
`upgrade(migrator)`, using peewee's playhouse.migrate. Each step runs in one transaction, so a
failed upgrade leaves the database at the previous version. A test proves that upgrading an
empty database gives exactly the schema the models declare.
"""

import datetime
import importlib
from pathlib import Path

from peewee import DateTimeField, IntegerField, PostgresqlDatabase, sort_models
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

from ..db import BaseModel, db

HERE = Path(__file__).parent
STEPS = {
    1: "m0001_initial",
    2: "m0002_moderation",
}


class SchemaVersion(BaseModel):
    """One applied migration step."""

    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=lambda: datetime.datetime.now(datetime.UTC).replace(tzinfo=None))


def dialect() -> str:
    """Return 'postgresql' or 'sqlite' for the bound database."""
    return "postgresql" if isinstance(db.obj, PostgresqlDatabase) else "sqlite"


def applied() -> set[int]:
    """Return the versions already applied."""
    db.create_tables([SchemaVersion], safe=True)
    return {row.version for row in SchemaVersion.select()}


def head() -> int:
    """Return the newest version this code knows."""
    return max(STEPS)


def upgrade(target: int | None = None) -> list[int]:
    """Apply every missing step up to target (default: all); return the versions applied."""
    done, ran = applied(), []
    migrator = PostgresqlMigrator(db.obj) if dialect() == "postgresql" else SqliteMigrator(db.obj)
    for version in sorted(STEPS):
        if version in done or (target is not None and version > target):
            continue
        step = importlib.import_module(f"{__name__}.{STEPS[version]}")
        with db.atomic():
            step.upgrade(migrator)
            SchemaVersion.create(version=version)
        ran.append(version)
    return ran


def create_statements(models, database) -> list[str]:
    """Return the CREATE TABLE and CREATE INDEX statements for models on a database's dialect."""
    statements = []
    with database.bind_ctx(models):
        for model in sort_models(models):
            statements.append(
                database.get_sql_context().sql(model._schema._create_table(safe=True)).query()[0]
            )
            for index in model._schema._create_indexes(safe=True):
                statements.append(database.get_sql_context().sql(index).query()[0])
    return statements


def run_sql_file(name: str) -> None:
    """Run the statements of a frozen SQL file for the bound database's dialect."""
    text = (HERE / f"{name}.{dialect()}.sql").read_text()
    for statement in text.split(";\n"):
        if statement.strip():
            db.execute_sql(statement)
