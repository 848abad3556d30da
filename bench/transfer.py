"""Bytes a first visit transfers: a page's compressed HTML plus every asset it references."""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import brotli

from .measure import BenchError, Figure
from .servers import open_url

# Page -> goal in KB. /outcomes counts what loads before its charts (the chart library is lazy).
PAGES = {"/": 50, "/what-is-lead": 50, "/outcomes": 100}
ACCEPT_ENCODING = "br, gzip"
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


class AssetLinks(HTMLParser):
    """Collect the URLs a browser fetches to show the page: styles, icons, scripts, images."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "modulepreload"} and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in {"script", "img"} and attrs.get("src"):
            self.urls.append(attrs["src"])


def fetch(url: str) -> tuple[int, bytes]:
    """Return (bytes on the wire, decoded body) for a URL fetched as a browser would."""
    with open_url(url, headers={"Accept-Encoding": ACCEPT_ENCODING}) as response:
        if response.status != 200:
            raise BenchError(f"{url} answered {response.status}")
        raw = response.read()
        encoding = response.headers.get("Content-Encoding")
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, lambda body: body)(raw)
    return len(raw), decoded


def page_weight(base: str, path: str) -> dict:
    """Fetch a page and everything it references; return the compressed size of each."""
    page_url = urljoin(base, path)
    html_bytes, html = fetch(page_url)
    parser = AssetLinks()
    parser.feed(html.decode("utf-8"))
    sizes, queue = {}, [urljoin(page_url, url) for url in parser.urls]
    while queue:
        url = queue.pop(0)
        if url in sizes or url.startswith("data:"):
            continue
        if not url.startswith(base):
            raise BenchError(f"{path} loads a third-party URL: {url}")
        sizes[url], body = fetch(url)
        if url.split("?")[0].endswith(".css"):
            queue += [urljoin(url, found) for found in CSS_URL.findall(body.decode("utf-8"))]
    return {"html": html_bytes, "assets": sizes, "total": html_bytes + sum(sizes.values())}


def measure(run) -> list[Figure]:
    """Measure the first-visit weight of each page against its goal."""
    figures = []
    for path, goal_kb in PAGES.items():
        weight = page_weight(run.portal.url, path)
        run.details.setdefault("transfer", {})[path] = weight
        kb = round(weight["total"] / 1000, 1)
        count = len(weight["assets"])
        figures.append(Figure("transfer", f"{path} with its {count} assets", kb, "KB", at_most=goal_kb))
    return figures
