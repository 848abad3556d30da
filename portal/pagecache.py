"""Pages that are the same for every visitor, rendered and compressed once per worker.

Content pages and the outcomes dashboard change only when files change (a deploy), so
rendering their templates and compressing them on every request is wasted work. In debug
mode nothing is kept, so edits show at once. A page holding a form is never kept: its CSRF
token belongs to one visitor.
"""

import gzip
from dataclasses import dataclass

import brotli
from flask import Response, current_app, request


@dataclass(frozen=True)
class CachedPage:
    """One rendered page in plain, brotli and gzip forms."""

    html: bytes
    br: bytes
    gz: bytes


def _compress(html: str) -> CachedPage:
    body = html.encode("utf-8")
    return CachedPage(body, brotli.compress(body, quality=11), gzip.compress(body, compresslevel=9, mtime=0))


def _respond(page: CachedPage) -> Response:
    accepted = request.accept_encodings
    body, encoding = (
        (page.br, "br")
        if "br" in accepted
        else (page.gz, "gzip")
        if "gzip" in accepted
        else (page.html, None)
    )
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Encoding"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def shared_page(key: tuple, render) -> Response | str:
    """Return the page for key, calling render() only the first time (outside debug mode)."""
    if current_app.debug:
        return render()
    store: dict = current_app.extensions.setdefault("pagecache", {})
    full_key = (*key, request.path, request.accept_languages.best_match(["en"]) or "en")
    page = store.get(full_key)
    if page is None:
        html = render()
        if 'method="post"' in html:
            return html
        page = store[full_key] = _compress(html)
    return _respond(page)
