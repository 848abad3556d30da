"""Content pages through the Flask client: what they show, loader errors, links, assets, reading level."""

import gzip
import hashlib
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
import textstat
from babel.dates import format_date

from portal import config
from portal.assets import YEAR
from portal.pages.content import ContentError, load_pages, parse_page
from tests.conftest import make_app

CONTENT = config.ROOT / "content" / "pages"
TEMPLATES = config.ROOT / "templates"
STATIC = config.ROOT / "static"
SLUGS = sorted(path.stem for path in CONTENT.glob("*.md"))
EXPECTED_SLUGS = {
    "index",
    "what-is-lead",
    "how-it-works",
    "goals",
    "partners",
    "clt",
    "businesses",
    "faq",
    "sources",
    "privacy",
    "accessibility",
}
MAX_GRADE = 9
READING_LEVEL_EXEMPT = {"sources"}  # a list of citations, not prose


GOOD = "---\ntitle: A test page\nsummary: A short summary.\nreviewed: 2026-11-20\n---\nSome body text.\n"


class PageParts(HTMLParser):
    """Collect the parts of a rendered page that these tests check."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.sources: list[str] = []
        self.reviewed: list[str] = []
        self._open: list[list[str]] = []
        self._in_sources = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "link" and {"stylesheet", "icon"} & set((attrs.get("rel") or "").split()):
            self.assets.append(attrs["href"])
        elif tag in {"script", "img"} and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "section" and "sources" in (attrs.get("class") or "").split():
            self._in_sources = True
        if tag == "h1":
            self._open.append(self.h1)
        elif tag == "li" and self._in_sources:
            self._open.append(self.sources)
        elif tag == "p" and "reviewed" in (attrs.get("class") or "").split():
            self._open.append(self.reviewed)
        else:
            return
        self._open[-1].append("")

    def handle_endtag(self, tag):
        if tag in {"h1", "li", "p"} and self._open:
            self._open.pop()
        if tag == "section":
            self._in_sources = False

    def handle_data(self, data):
        for target in self._open:
            target[-1] += data


def parts(response) -> PageParts:
    return PageParts(response.get_data(as_text=True))


def copy_content(tmp_path) -> Path:
    """Copy the real content into tmp_path and return the folder to use as CONTENT_DIR."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root / "pages")
    return root


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# What each page shows


def test_every_expected_page_exists():
    assert set(SLUGS) >= EXPECTED_SLUGS, f"missing content files: {sorted(EXPECTED_SLUGS - set(SLUGS))}"


def test_every_content_file_renders(app):
    library = app.extensions["pages"]
    assert library.problems == []
    assert sorted(library.pages) == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_page_shows_title_summary_review_date_and_sources(client, app, slug):
    page = app.extensions["pages"].get(slug)
    assert page is not None, f"{slug}.md was left out of the library: {app.extensions['pages'].problems}"
    response = client.get(page.path)
    assert response.status_code == 200
    found = parts(response)
    assert found.h1 == [page.title]
    assert found.meta["description"] == page.summary
    when = format_date(page.reviewed, "long", locale="en")
    assert found.reviewed == [f"Last reviewed by the CLT on {when}."]
    assert found.sources == list(page.sources)


def test_every_template_compiles(app):
    names = sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file())
    assert "base.html" in names
    for name in names:
        assert app.jinja_env.get_template(name) is not None


# The content loader's errors name the file


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("no-title.md", GOOD.replace("title: A test page\n", ""), "no-title.md: missing 'title'"),
        (
            "broken-yaml.md",
            GOOD.replace("summary: A short summary.", "summary: a: b"),
            "broken-yaml.md: broken front matter (line 3)",
        ),
        (
            "extra-key.md",
            GOOD.replace("---\nSome", "colour: blue\n---\nSome"),
            "unknown front-matter key 'colour'",
        ),
        ("latin.md", GOOD.replace("Some", "Café").encode("latin-1"), "latin.md: not UTF-8"),
        (
            "vague-date.md",
            GOOD.replace("2026-11-20", "last week"),
            "vague-date.md: 'reviewed' must be a date",
        ),
        (
            "no-front.md",
            "# Just a heading\n\nNo front matter.\n",
            "no-front.md: must start with front matter",
        ),
        ("Bad_Name.md", GOOD, "Bad_Name.md: file name must be lowercase"),
    ],
)
def test_content_error_names_the_file(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(ContentError) as caught:
        parse_page(path)
    assert any(problem.startswith(name + ":") and message in problem for problem in caught.value.problems), (
        str(caught.value)
    )


def test_impossible_date_is_a_content_error(tmp_path):
    path = write(tmp_path, "leap.md", GOOD.replace("2026-11-20", "2026-02-30"))
    with pytest.raises(ContentError, match=r"^leap\.md: "):
        parse_page(path)


def test_bad_file_is_left_out_and_reported(tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "bad.md", GOOD.replace("title: A test page\n", ""))
    pages, problems = load_pages(tmp_path)
    assert list(pages) == ["good"]
    assert problems == ["bad.md: missing 'title'"]


def test_content_check_passes_on_real_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert f"{len(SLUGS)} pages OK" in result.output


def test_content_check_fails_naming_the_bad_file(tmp_path, database_url):
    root = copy_content(tmp_path)
    goals = root / "pages" / "goals.md"
    goals.write_text(re.sub(r"(?m)^title: .*\n", "", goals.read_text(encoding="utf-8")), encoding="utf-8")
    result = make_app(database_url, CONTENT_DIR=root).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code != 0
    assert "goals.md: missing 'title'" in result.output


def test_broken_page_is_a_404_and_the_rest_still_work(tmp_path, database_url):
    root = copy_content(tmp_path)
    write(root / "pages", "goals.md", "This file lost its front matter.\n")
    client = make_app(database_url, CONTENT_DIR=root).test_client()
    assert client.get("/goals").status_code == 404
    for slug in set(SLUGS) - {"goals"}:
        assert client.get("/" if slug == "index" else f"/{slug}").status_code == 200, slug


def retitle(path: Path, title: str) -> None:
    """Change a content file's title and make sure its modification time moves."""
    stat = path.stat()
    path.write_text(
        re.sub(r"(?m)^title: .*$", f"title: {title}", path.read_text(encoding="utf-8")), encoding="utf-8"
    )
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_debug_mode_picks_up_a_changed_file(tmp_path, database_url):
    root = copy_content(tmp_path)
    client = make_app(database_url, CONTENT_DIR=root, DEBUG=True).test_client()
    assert parts(client.get("/goals")).h1 == ["The goals of LEAD"]
    retitle(root / "pages" / "goals.md", "Goals, freshly edited")
    assert parts(client.get("/goals")).h1 == ["Goals, freshly edited"]


def test_production_mode_renders_once(tmp_path, database_url):
    root = copy_content(tmp_path)
    client = make_app(database_url, CONTENT_DIR=root).test_client()
    assert parts(client.get("/goals")).h1 == ["The goals of LEAD"]
    retitle(root / "pages" / "goals.md", "Goals, freshly edited")
    assert parts(client.get("/goals")).h1 == ["The goals of LEAD"]


def test_raw_html_in_markdown_is_escaped(tmp_path, database_url):
    root = tmp_path / "content"
    (root / "pages").mkdir(parents=True)
    write(root / "pages", "index.md", GOOD)
    body = '<script>alert("x")</script>\n\nSome <b onclick="steal()">bold</b> <img src=x onerror=alert(1)>.\n'
    write(root / "pages", "raw.md", GOOD.replace("Some body text.\n", body))
    html = make_app(database_url, CONTENT_DIR=root).test_client().get("/raw").get_data(as_text=True)
    assert "&lt;script&gt;" in html and "&lt;b onclick" in html
    assert "<script>alert" not in html and "<b onclick" not in html and "<img src=x" not in html


# Links


def test_internal_links_reach_a_page_the_app_serves(client, app, subtests):
    checked = 0
    for page in app.extensions["pages"].pages.values():
        found = parts(client.get(page.path))
        for href in sorted(set(found.links)):
            url = urlsplit(href)
            if url.scheme or url.netloc or href.startswith("mailto:"):
                continue
            path = url.path or page.path
            with subtests.test(page=page.path, link=href):
                response = client.get(path, follow_redirects=True)
                assert response.status_code == 200, f"{page.path} links to {href}: {response.status_code}"
                if url.fragment:
                    assert url.fragment in parts(response).ids, f"{page.path} links to missing anchor {href}"
                checked += 1
    assert checked > len(app.extensions["pages"].pages), "too few internal links were followed"


# Static assets


def test_pages_reference_fingerprinted_assets(client):
    for path in ("/", "/what-is-lead", "/no-such-page"):
        assets = parts(client.get(path)).assets
        assert assets, f"no assets found on {path}"
        for url in assets:
            match = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})\.(\w+)", url)
            assert match, f"{url} is not fingerprinted"
            source = STATIC / f"{match[1]}.{match[3]}"
            assert hashlib.sha256(source.read_bytes()).hexdigest()[:12] == match[2], url


def asset_urls(app) -> dict[str, str]:
    manifest = app.extensions["assets"]
    return {name: f"/static/{manifest.url_name(name)}" for name in manifest.by_name}


def test_every_static_file_is_served_immutable_for_a_year(client, app):
    urls = asset_urls(app)
    assert "css/site.css" in urls
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == (STATIC / name).read_bytes()
        cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"public", "immutable", f"max-age={YEAR}"} <= cache, response.headers["Cache-Control"]
        assert YEAR >= 365 * 24 * 60 * 60


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_text_assets_are_compressed(client, app, encoding, decompress):
    urls = {name: url for name, url in asset_urls(app).items() if name.endswith((".css", ".js"))}
    assert "css/site.css" in urls
    for name, url in urls.items():
        original = (STATIC / name).read_bytes()
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.headers.get("Content-Encoding") == encoding, url
        assert "Accept-Encoding" in response.headers.get("Vary", "")
        assert decompress(response.data) == original
        assert len(response.data) < len(original)


def test_wrong_fingerprint_is_a_404(client, app):
    right = asset_urls(app)["css/site.css"]
    digest = right.split(".")[-2]
    wrong = right.replace(digest, "0" * 12 if digest != "0" * 12 else "1" * 12)
    for url in (wrong, "/static/css/site.css", "/static/css/nothing.0123456789ab.css"):
        assert client.get(url).status_code == 404, url
    assert client.get(right).status_code == 200


# Plain language


@pytest.mark.parametrize("slug", sorted(set(SLUGS) - READING_LEVEL_EXEMPT))
def test_reading_level_is_grade_9_or_below(app, slug):
    page = app.extensions["pages"].get(slug)
    assert page is not None, f"{slug}.md was left out of the library"
    grade = textstat.flesch_kincaid_grade(page.text)
    assert grade <= MAX_GRADE, f"{slug}.md reads at grade {grade}; shorten sentences and use shorter words"
