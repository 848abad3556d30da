"""Migrations: an upgraded empty database has exactly the models' schema, on SQLite and PostgreSQL."""

from portal import db, migrations
from tests.conftest import make_app


def schema(database) -> dict:
    """Describe every table: columns (name, type, null, primary key), indexes and foreign keys."""
    described = {}
    for table in database.get_tables():
        if table == "schema_version":
            continue
        found = database.get_columns(table)
        columns = sorted((c.name, c.data_type.lower(), c.null, c.primary_key) for c in found)
        indexes = sorted((i.name, tuple(i.columns), i.unique) for i in database.get_indexes(table))
        keys = sorted((k.column, k.dest_table, k.dest_column) for k in database.get_foreign_keys(table))
        described[table] = (columns, indexes, keys)
    return described


def test_upgrading_an_empty_database_gives_the_models_schema(tmp_path, database_url, postgres_cluster):
    migrated_url = database_url
    if database_url.startswith("sqlite"):
        declared_url = f"sqlite:///{tmp_path / 'declared.sqlite3'}"
    else:
        declared_url = postgres_cluster.create_database("declared_" + database_url.rsplit("/", 1)[1][:40])
    app = make_app(declared_url)  # make_app creates the tables from the models
    with app.app_context():
        declared = schema(db.db)
    app = create_empty(tmp_path, migrated_url)
    with app.app_context():
        assert migrations.upgrade() == sorted(migrations.STEPS)
        migrated = schema(db.db)
    assert migrated.keys() == declared.keys()
    for table in declared:
        assert migrated[table] == declared[table], table


def test_upgrade_is_idempotent_and_recorded(tmp_path):
    app = create_empty(tmp_path, f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with app.app_context():
        assert migrations.upgrade() == sorted(migrations.STEPS)
        assert migrations.upgrade() == []
        assert migrations.applied() == set(migrations.STEPS)


def test_db_upgrade_command(tmp_path):
    app = create_empty(tmp_path, f"sqlite:///{tmp_path / 'c.sqlite3'}")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Applied migrations: 1" in result.output
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "up to date" in result.output


def create_empty(tmp_path, url):
    """Build an app on a database without creating any tables."""
    from portal import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "DATABASE_URL": url})


def test_a_database_at_the_previous_step_upgrades_without_losing_rows(tmp_path, database_url):
    app = create_empty(tmp_path, database_url)
    with app.app_context():
        assert migrations.upgrade(target=1) == [1]
        false = "0" if migrations.dialect() == "sqlite" else "false"
        db.db.execute_sql(
            "INSERT INTO submission (kind, message, topic, created_on, status, status_on, flag_personal,"  # noqa: S608 (a fixed literal, not input)
            " personal_kinds, flag_crisis, receipt_hash) VALUES ('question', 'kept across the upgrade',"
            f" 'general', '2026-01-05', 'received', '2026-01-05', {false}, '', {false}, 'hash-1')"
        )
        assert migrations.upgrade() == sorted(set(migrations.STEPS) - {1})
        from portal.questions.models import Submission

        [row] = list(Submission.select())
        assert row.message == "kept across the upgrade"
        assert row.first_response_on is None
