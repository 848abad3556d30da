"""`flask db backup` and `flask db restore` round-trip the data, on SQLite and PostgreSQL."""

from peewee import CharField

from portal import db
from portal.db import BaseModel
from tests.conftest import make_app


class BackupProbe(BaseModel):
    text = CharField()


def test_backup_restore_round_trip(tmp_path, database_url):
    app = make_app(database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        db.create_tables([BackupProbe])
        BackupProbe.create(text="kept")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        BackupProbe.create(text="after the backup")
        BackupProbe.delete().where(BackupProbe.text == "kept").execute()
    result = runner.invoke(args=["db", "restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [n.text for n in BackupProbe.select()] == ["kept"]


def test_restore_rejects_a_file_that_is_not_a_backup(tmp_path, database_url):
    app = make_app(database_url)
    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not a database")
    result = app.test_cli_runner().invoke(args=["db", "restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    expected = {"sqlite": "is not an SQLite backup", "postgresql": "is not a PostgreSQL backup"}
    assert expected[database_url.split(":")[0]] in result.output
