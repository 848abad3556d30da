"""The data steward's page: every release folder checked now, what the public sees, how to publish."""

import json
import re
import shutil

import pytest

from tests.accounts_helpers import make_member, sign_in
from tests.conftest import make_app
from tests.test_outcomes_dashboard import RELEASES, content_copy

PAGE = "/workspace/outcomes/"


def numbers_in_row(page: str, release_id: str) -> list[int]:
    """Return the numeric cells of a release's row on the page."""
    row = re.search(rf"<tr>\s*<th scope=\"row\">{release_id}.*?</tr>", page, re.S).group(0)
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]


def steward_client(app, roles=("data_steward",)):
    make_member("steward@example.org", roles=roles)
    client = app.test_client()
    sign_in(client, "steward@example.org")
    return client


@pytest.fixture
def content(tmp_path):
    return content_copy(tmp_path)


@pytest.fixture
def app(database_url, content):
    return make_app(database_url, CONTENT_DIR=content)


def test_only_data_stewards_reach_the_page(app):
    assert app.test_client().get(PAGE).status_code == 302
    assert steward_client(app, roles=("moderator", "organizer")).get(PAGE).status_code == 403


def test_the_page_lists_each_release_with_its_privacy_check(app):
    [folder] = sorted(RELEASES.iterdir())
    metadata = json.loads((folder / "metadata.json").read_text())
    client = steward_client(app)
    assert f'href="{PAGE}"' in client.get("/workspace/").get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert folder.name in page and "synthetic demo data" in page
    assert f"Passed: {metadata['audit']['quantities_checked']} quantities checked" in page
    assert numbers_in_row(page, folder.name) == [metadata["protected_cells"], 0]  # hidden, corrections
    assert "Shown" in page and "failed its check" not in page
    assert f"/outcomes/releases/{folder.name}/audit.json" in page
    assert "outcomes publish RECORDS.csv" in page and "Next planned release" in page


def test_a_damaged_folder_is_named_with_its_problem(app, content):
    [folder] = sorted((content / "outcomes" / "releases").iterdir())
    table = next(folder.glob("T1-*.csv"))
    table.write_text(table.read_text().replace("0", "1", 1))
    page = steward_client(app).get(PAGE).get_data(as_text=True)
    assert "1 release folder failed its check." in page
    assert f"{folder.name}/{table.name}: checksum mismatch" in page
    assert "Damaged:" in page and "Passed:" not in page


def test_a_release_added_since_start_up_waits_for_a_restart(database_url, tmp_path):
    content = content_copy(tmp_path, with_release=False)
    app = make_app(database_url, CONTENT_DIR=content)
    client = steward_client(app)
    assert "No release has been published yet." in client.get(PAGE).get_data(as_text=True)
    shutil.copytree(RELEASES, content / "outcomes" / "releases")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Not shown until the portal restarts" in page and "Passed:" in page
    assert "Next planned release" not in page  # nothing is public yet to plan from


def test_the_page_counts_each_release_s_corrections(database_url, tmp_path):
    from tests.test_outcomes_corrections import two_releases

    content = content_copy(tmp_path, with_release=False)
    _one, two, _records = two_releases(content / "outcomes" / "releases", late=12)
    page = steward_client(make_app(database_url, CONTENT_DIR=content)).get(PAGE).get_data(as_text=True)
    assert numbers_in_row(page, "2020Q1")[1] == len(two.corrections["rows"]) > 0
    assert numbers_in_row(page, "2019Q4")[1] == 0
