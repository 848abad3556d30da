"""Serve static/ under fingerprinted names with year-long caching and pre-compressed bodies."""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import brotli
from flask import Blueprint, Response, abort, current_app, request

blueprint = Blueprint("assets", __name__)

COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".map", ".webmanifest"}
YEAR = 365 * 24 * 60 * 60


@dataclass
class Asset:
    """One static file: its bytes, fingerprinted name and compressed forms (made on first use)."""

    path: Path
    body: bytes
    digest: str

    @property
    def mimetype(self) -> str:
        kind = mimetypes.guess_type(self.path.name)[0] or "application/octet-stream"
        return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else kind

    @cached_property
    def brotli(self) -> bytes:
        return brotli.compress(self.body, quality=9 if len(self.body) > 1_000_000 else 11)

    @cached_property
    def gzip(self) -> bytes:
        return gzip.compress(self.body, compresslevel=9, mtime=0)


def fingerprinted(name: str, digest: str) -> str:
    """Return 'css/site.css' as 'css/site.<digest>.css'."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"


class Manifest:
    """All files under a static folder, keyed by logical and by fingerprinted name."""

    def __init__(self, folder: Path):
        self.by_name: dict[str, Asset] = {}
        self.by_url: dict[str, Asset] = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            body = path.read_bytes()
            asset = Asset(path, body, hashlib.sha256(body).hexdigest()[:12])
            self.by_name[name] = asset
            self.by_url[fingerprinted(name, asset.digest)] = asset

    def url_name(self, name: str) -> str:
        """Return the fingerprinted name for a logical static path."""
        return fingerprinted(name, self.by_name[name].digest)


def asset_url(name: str) -> str:
    """Return the URL of a static file under its fingerprinted name (used in templates)."""
    manifest: Manifest = current_app.extensions["assets"]
    return f"/static/{manifest.url_name(name)}"


@blueprint.route("/static/<path:name>")
def serve(name: str):
    asset = current_app.extensions["assets"].by_url.get(name)
    if asset is None:
        abort(404)
    body, encoding = asset.body, None
    if asset.path.suffix in COMPRESSIBLE and len(asset.body) > 500:
        accepted = request.accept_encodings
        if "br" in accepted:
            body, encoding = asset.brotli, "br"
        elif "gzip" in accepted:
            body, encoding = asset.gzip, "gzip"
    response = Response(body, mimetype=asset.mimetype)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def init_app(app, folder: Path) -> None:
    """Index the static folder and expose asset_url to templates."""
    app.extensions["assets"] = Manifest(folder)
    app.jinja_env.globals["asset_url"] = asset_url
    app.register_blueprint(blueprint)
