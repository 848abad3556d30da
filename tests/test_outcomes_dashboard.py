"""The public outcomes dashboard, downloads and API, read from the committed demo release."""

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from portal.config import ROOT
from portal.outcomes import charts, dashboard
from portal.outcomes.release_files import list_releases
from tests.conftest import make_app

RELEASES = ROOT / "content" / "outcomes" / "releases"


@pytest.fixture(scope="module")
def release():
    found = list_releases(RELEASES)
    assert found, "the demo release must be committed under content/outcomes/releases"
    return found[-1]


def content_copy(tmp_path: Path, with_release: bool = True) -> Path:
    """Copy the content folder so a test can change it."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", target / "pages")
    if with_release:
        shutil.copytree(RELEASES, target / "outcomes" / "releases")
    return target


def test_dashboard_shows_headlines_sections_and_demo_banner(client, release):
    html = client.get("/outcomes").get_data(as_text=True)
    assert "Demo only: every number in this section is synthetic" in html
    assert "Referrals since launch" in html and "Active caseload" in html
    for table_id in dashboard.TABLE_ORDER:
        assert f'id="{table_id.lower()}"' in html
    assert html.count("<table") >= len(dashboard.TABLE_ORDER)
    assert "not Albany figures" in html


def test_every_page_of_a_demo_release_carries_the_banner(client):
    for url in ("/outcomes", "/outcomes/methodology", "/outcomes/data-dictionary", "/outcomes/releases"):
        assert "every number in this section is synthetic" in client.get(url).get_data(as_text=True), url


def test_demo_release_is_synthetic_in_files_titles_and_metadata(release):
    assert release.metadata["synthetic"] is True
    for name in release.metadata["checksums"]:
        if name.startswith(("T", "P")):
            assert "synthetic" in name
    for doc in release.tables.values():
        assert "synthetic" in doc["title"]


def test_tables_render_without_javascript(client):
    html = client.get("/outcomes").get_data(as_text=True)
    assert '<table class="data">' in html
    assert "hidden" in html  # the demo release has hidden cells, shown with the symbol


def test_every_chart_is_labelled_synthetic_and_has_a_table(release):
    for table_id, doc in release.tables.items():
        figure = charts.figure(table_id, doc)
        if figure is not None:
            assert "synthetic" in figure["layout"]["title"]["text"]


def test_charts_draw_only_published_values(release):
    for table_id, doc in release.tables.items():
        figure = charts.figure(table_id, doc)
        if figure is None:
            continue
        published = {c["value"] for r in doc["rows"] for c in r["cells"].values() if c["value"] is not None}
        for trace in figure["data"]:
            assert "customdata" not in trace and "text" not in trace, "no value may hide in hover text"
            for y in trace["y"]:
                assert y is None or y in published, f"{table_id}: {y} is not a published value"


def test_every_hidden_cell_is_a_gap_in_its_chart(release):
    t1, t5 = release.tables["T1"], release.tables["T5"]
    quarters = [r for r in t1["rows"] if r["group"] == "quarter"]
    hidden_t1 = sum(1 for r in quarters for k, c in r["cells"].items() if k != "total" and c["value"] is None)
    gaps_t1 = sum(1 for t in charts.figure("T1", t1)["data"] for y in t["y"] if y is None)
    assert hidden_t1 > 0 and gaps_t1 == hidden_t1
    hidden_t5 = sum(1 for r in t5["rows"] if r["cells"]["caseload"]["value"] is None)
    assert sum(1 for y in charts.figure("T5", t5)["data"][0]["y"] if y is None) == hidden_t5


def test_a_hidden_cell_becomes_a_gap():
    doc = {
        "title": "T (synthetic demo data)",
        "columns": [{"key": "caseload", "label": "Caseload", "group": None, "kind": "count"}],
        "rows": [
            {
                "label": "2025 Q1",
                "group": "quarter",
                "window_months": None,
                "cells": {"caseload": {"value": 40, "flag": None}},
            },
            {
                "label": "2025 Q2",
                "group": "quarter",
                "window_months": None,
                "cells": {"caseload": {"value": None, "flag": "suppressed"}},
            },
        ],
    }
    figure = charts.figure("T5", doc)
    assert figure["data"][0]["y"] == [40, None]


def test_csv_download_is_the_release_file_and_matches_the_json(client, release):
    for table_id in release.tables:
        files = next(t["files"] for t in release.metadata["tables"] if t["id"] == table_id)
        body = client.get(f"/outcomes/releases/{release.id}/{files['csv']}").data
        assert body == (release.path / files["csv"]).read_bytes()
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        doc = client.get(f"/outcomes/api/releases/{release.id}/tables/{table_id}").get_json()
        assert doc == release.tables[table_id]
        assert len(rows) == len(doc["rows"])
        for row, json_row in zip(rows, doc["rows"], strict=True):
            for key, cell in json_row["cells"].items():
                expected = str(cell["value"]) if cell["value"] is not None else cell["flag"]
                assert row[key] == expected


def test_zip_holds_every_file_metadata_and_audit(client, release):
    response = client.get(f"/outcomes/releases/{release.id}.zip")
    assert "synthetic" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(n.split("/", 1)[1] for n in names) == sorted(p.name for p in release.path.iterdir())
    assert f"{release.id}/audit.json" in names and f"{release.id}/metadata.json" in names


def test_unknown_files_and_releases_are_404(client, release):
    assert client.get(f"/outcomes/releases/{release.id}/../../config.py").status_code == 404
    assert client.get(f"/outcomes/releases/{release.id}/secret.txt").status_code == 404
    assert client.get("/outcomes/releases/1999Q1.zip").status_code == 404
    response = client.get("/outcomes/api/releases/1999Q1")
    assert response.status_code == 404 and response.get_json() == {"error": "not found"}


def test_api_lists_releases_with_stable_urls(client, release):
    index = client.get("/outcomes/api/").get_json()
    assert index["latest"] == release.id
    [entry] = [r for r in index["releases"] if r["id"] == release.id]
    assert entry["synthetic"] is True
    assert entry["tables"]["T1"].endswith(f"/outcomes/api/releases/{release.id}/tables/T1")
    detail = client.get(f"/outcomes/api/releases/{release.id}").get_json()
    assert detail["metadata"]["release"] == release.id


def test_methodology_and_dictionary_come_from_the_metadata(client, release):
    html = client.get("/outcomes/methodology").get_data(as_text=True)
    assert release.metadata["disclosure_rules"][0].split(",")[0].replace("'", "&#39;") in html
    dictionary = client.get("/outcomes/data-dictionary").get_data(as_text=True)
    for term in release.metadata["data_dictionary"]["definitions"]:
        assert term in dictionary


def test_history_lists_releases_and_the_next_date(client, release):
    html = client.get("/outcomes/releases").get_data(as_text=True)
    assert release.metadata["title"] in html
    assert "Next planned release" in html


def test_next_release_date():
    assert dashboard.next_release("2025Q4") == "2026 Q1, expected by the end of June 2026"
    assert dashboard.next_release("2026Q2-demo") == "2026 Q3, expected by the end of December 2026"


def test_no_release_gives_a_friendly_page(tmp_path, database_url):
    app = make_app(database_url, CONTENT_DIR=content_copy(tmp_path, with_release=False))
    response = app.test_client().get("/outcomes")
    assert response.status_code == 200
    assert b"No figures have been published yet" in response.data


def test_an_altered_release_is_never_shown(tmp_path, database_url, caplog):
    content = content_copy(tmp_path)
    [folder] = list((content / "outcomes" / "releases").iterdir())
    table = next(folder.glob("T1*.csv"))
    table.write_text(table.read_text().replace("17", "18", 1))
    app = make_app(database_url, CONTENT_DIR=content)
    assert b"No figures have been published yet" in app.test_client().get("/outcomes").data
    assert "checksum mismatch" in caplog.text


def test_readings_never_state_a_hidden_number():
    def t7(percent):
        cell = {"value": percent, "flag": None if percent is not None else "withheld"}
        row = {
            "label": "2024, at 12 months",
            "group": "period",
            "window_months": 12,
            "cells": {"rearrested_percent": cell},
        }
        return {"rows": [row], "columns": []}

    assert (
        dashboard.reading("T7", t7(41))
        == "Of people referred in 2024, 41% were arrested again within 12 months."
    )
    hidden = dashboard.reading("T7", t7(None))
    assert "%" not in hidden and hidden.startswith("Re-arrest")
    assert dashboard.reading("T1", {"rows": []}) == "There is nothing to show in this table yet."
