"""The public outcomes dashboard, its methodology pages, downloads and a read-only JSON API."""

from __future__ import annotations

import io
import zipfile

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from portal.errors import http_error
from portal.outcomes import charts, dashboard
from portal.outcomes.release_files import Release
from portal.pagecache import shared_page

blueprint = Blueprint("outcomes", __name__, url_prefix="/outcomes")


def releases() -> list[Release]:
    """Return the published releases, oldest first."""
    return current_app.extensions["outcomes"]


def latest() -> Release:
    """Return the newest release, or a friendly 404 page when none is published."""
    found = releases()
    if not found:
        abort(404)
    return found[-1]


def release_by_id(release_id: str) -> Release:
    """Return one release by id, or 404."""
    for release in releases():
        if release.id == release_id:
            return release
    abort(404)


@blueprint.route("")
def dashboard_page():
    if not releases():
        return render_template("outcomes/none.html")
    release = latest()
    return shared_page(("outcomes", release.id), lambda: render_dashboard(release))


def render_dashboard(release: Release) -> str:
    """Render the dashboard of a release."""
    tables = release.tables
    sections = [
        {
            "id": table_id,
            "doc": tables[table_id],
            "reading": dashboard.reading(table_id, tables[table_id]),
            "figure": charts.figure(table_id, tables[table_id]),
        }
        for table_id in dashboard.TABLE_ORDER
        if table_id in tables
    ]
    period, shares = dashboard.race_shares(tables)
    return render_template(
        "outcomes/dashboard.html",
        release=release,
        headlines=dashboard.headlines(tables),
        race_period=period,
        race_shares=shares,
        sections=sections,
    )


@blueprint.route("/methodology")
def methodology():
    release = latest()
    return shared_page(
        ("outcomes", release.id), lambda: render_template("outcomes/methodology.html", release=release)
    )


@blueprint.route("/data-dictionary")
def data_dictionary():
    release = latest()
    return shared_page(
        ("outcomes", release.id), lambda: render_template("outcomes/dictionary.html", release=release)
    )


@blueprint.route("/releases")
def history():
    release = latest()
    return render_template(
        "outcomes/history.html",
        release=release,
        releases=list(reversed(releases())),
        next_release=dashboard.next_release(release.id),
    )


@blueprint.route("/releases/<release_id>/<filename>")
def download(release_id: str, filename: str):
    release = release_by_id(release_id)
    if filename not in release.metadata["checksums"] and filename != "metadata.json":
        abort(404)
    kinds = {".csv": "text/csv", ".md": "text/markdown", ".json": "application/json"}
    kind = kinds.get(filename[filename.rfind(".") :], "application/octet-stream")
    body = (release.path / filename).read_bytes()
    disposition = f'attachment; filename="{release_id}-{filename}"'
    return Response(body, mimetype=kind, headers={"Content-Disposition": disposition})


@blueprint.route("/releases/<release_id>.zip")
def download_zip(release_id: str):
    release = release_by_id(release_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(release.path.iterdir()):
            archive.write(path, f"{release.id}/{path.name}")
    name = f"lead-outcomes-{release.id}{'-synthetic' if release.synthetic else ''}.zip"
    disposition = f'attachment; filename="{name}"'
    return Response(
        buffer.getvalue(), mimetype="application/zip", headers={"Content-Disposition": disposition}
    )


@blueprint.errorhandler(404)
def not_found(error):
    """Answer API clients in JSON; everyone else gets the friendly page."""
    if request.path.startswith("/outcomes/api/"):
        return jsonify({"error": "not found"}), 404
    return http_error(error)


@blueprint.route("/api/")
def api_index():
    return jsonify(
        {
            "releases": [_release_summary(release) for release in releases()],
            "latest": releases()[-1].id if releases() else None,
        }
    )


@blueprint.route("/api/releases/<release_id>")
def api_release(release_id: str):
    release = release_by_id(release_id)
    return jsonify({**_release_summary(release), "metadata": release.metadata})


@blueprint.route("/api/releases/<release_id>/tables/<table_id>")
def api_table(release_id: str, table_id: str):
    release = release_by_id(release_id)
    if table_id not in release.tables:
        abort(404)
    return jsonify(release.tables[table_id])


@blueprint.route("/api/releases/<release_id>/corrections")
def api_corrections(release_id: str):
    release = release_by_id(release_id)
    # Releases made before corrections existed carry no file: they corrected nothing.
    return jsonify(release.corrections or {"id": "corrections", "release": release.id, "rows": []})


def _release_summary(release: Release) -> dict:
    return {
        "id": release.id,
        "synthetic": release.synthetic,
        "release_date": release.metadata["release_date"],
        "extract_date": release.metadata["extract_date"],
        "url": url_for("outcomes.api_release", release_id=release.id, _external=True),
        "tables": {
            table_id: url_for("outcomes.api_table", release_id=release.id, table_id=table_id, _external=True)
            for table_id in release.tables
        },
        "corrections": url_for("outcomes.api_corrections", release_id=release.id, _external=True),
        "zip": url_for("outcomes.download_zip", release_id=release.id, _external=True),
    }
