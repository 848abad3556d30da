"""The peewee database handle: bound at app creation, opened lazily on first query."""

from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

# WAL lets readers work while one writer commits; the busy timeout makes writers queue
# instead of failing; foreign keys are off in SQLite unless asked for.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
    "synchronous": "normal",
}


class BaseModel(Model):
    """Base for every model: binds it to the app's database."""

    class Meta:
        database = db
        legacy_table_names = False


def open_database(url: str):
    """Return a peewee database for a sqlite:/// or postgresql:// URL."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if url.startswith(("postgres://", "postgresql://")):
        # A pool per process: connections open lazily on the first query of a request, so none
        # is ever inherited across gunicorn's fork, and closing returns it to the pool.
        pooled = "postgresql+pool://" + url.split("://", 1)[1]
        return connect(pooled, max_connections=32, stale_timeout=300, timeout=10)
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url[:20]!r}")


def init_app(app) -> None:
    """Bind the shared handle to this app's database and close it after each request."""
    app.extensions["database"] = open_database(app.config["DATABASE_URL"])
    db.initialize(app.extensions["database"])

    @app.teardown_appcontext
    def close_connection(_exc):
        if not db.is_closed():
            db.close()


def writing():
    """Return a transaction that takes the write lock at once.

    SQLite upgrades a deferred read lock to a write lock lazily, and two such transactions
    can deadlock (SQLITE_BUSY without waiting); BEGIN IMMEDIATE queues them instead.
    """
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def create_tables(models) -> None:
    """Create any missing tables for the given models."""
    with db.connection_context():
        db.create_tables(models, safe=True)
