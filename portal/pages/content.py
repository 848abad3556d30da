"""Load the Markdown pages in content/pages: parse front matter, render once, report problems."""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from markupsafe import Markup

ALLOWED_KEYS = {"title", "summary", "nav_order", "nav_title", "reviewed", "sources", "template"}
REQUIRED_KEYS = ("title", "summary", "reviewed")
TEMPLATES = {"page", "home"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)
MAX_SUMMARY = 160


class ContentError(Exception):
    """One or more content files cannot be published; each problem names its file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Page:
    """A rendered content page."""

    slug: str
    title: str
    summary: str
    reviewed: datetime.date
    html: Markup
    text: str
    nav_order: int | None = None
    nav_title: str | None = None
    sources: tuple[str, ...] = ()
    template: str = "page"
    headings: tuple[tuple[str, str], ...] = field(default=())

    @property
    def path(self) -> str:
        """Return the page's URL path."""
        return "/" if self.slug == "index" else f"/{self.slug}"

    @property
    def menu_label(self) -> str:
        """Return the short label used in the main menu."""
        return self.nav_title or self.title


class _NoRawHtml(markdown.Extension):
    """Escape raw HTML in Markdown instead of passing it through."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def _renderer() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["extra", "sane_lists", "smarty", "toc", _NoRawHtml()],
        extension_configs={"toc": {"toc_depth": "2-3"}},
        output_format="html",
    )


def _plain_text(html: str) -> str:
    """Strip tags for search and reading-level checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _check_meta(meta, name: str) -> list[str]:
    if not isinstance(meta, dict):
        return [f"{name}: front matter must be a set of 'key: value' lines"]
    problems = [f"{name}: unknown front-matter key '{key}'" for key in meta if key not in ALLOWED_KEYS]
    problems += [f"{name}: missing '{key}'" for key in REQUIRED_KEYS if not meta.get(key)]
    if meta.get("title") is not None and not isinstance(meta["title"], str):
        problems.append(f"{name}: 'title' must be text")
    summary = meta.get("summary")
    if summary is not None and (not isinstance(summary, str) or len(summary) > MAX_SUMMARY):
        problems.append(f"{name}: 'summary' must be text of at most {MAX_SUMMARY} characters")
    if meta.get("reviewed") and not isinstance(meta["reviewed"], datetime.date):
        problems.append(f"{name}: 'reviewed' must be a date like 2026-11-20")
    if "nav_order" in meta and not isinstance(meta["nav_order"], int):
        problems.append(f"{name}: 'nav_order' must be a whole number")
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append(f"{name}: 'sources' must be a list of citations")
    if meta.get("template", "page") not in TEMPLATES:
        problems.append(f"{name}: 'template' must be one of {', '.join(sorted(TEMPLATES))}")
    return problems


def parse_page(path: Path) -> Page:
    """Parse and render one content file, or raise ContentError naming it."""
    name = path.name
    if not SLUG.match(path.stem):
        raise ContentError([f"{name}: file name must be lowercase words joined by hyphens"])
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([f"{name}: not UTF-8 text"]) from None
    match = FRONT_MATTER.match(source.replace("\r\n", "\n"))
    if not match:
        raise ContentError([f"{name}: must start with front matter between '---' lines"])
    try:
        meta = yaml.safe_load(match.group(1))
    except ValueError as error:  # PyYAML raises it for an impossible date such as 2026-02-30
        raise ContentError([f"{name}: broken front matter: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise ContentError(
            [f"{name}: broken front matter{where}: {getattr(error, 'problem', error)}"]
        ) from None
    problems = _check_meta(meta, name)
    if problems:
        raise ContentError(problems)
    renderer = _renderer()
    html = renderer.convert(match.group(2))
    headings = tuple((item["id"], item["name"]) for item in renderer.toc_tokens)
    return Page(
        slug=path.stem,
        title=meta["title"],
        summary=meta["summary"].strip(),
        reviewed=meta["reviewed"],
        html=Markup(html),  # noqa: S704 (repository content only, raw HTML escaped above)
        text=_plain_text(html),
        nav_order=meta.get("nav_order"),
        nav_title=meta.get("nav_title"),
        sources=tuple(meta.get("sources", [])),
        template=meta.get("template", "page"),
        headings=headings,
    )


def load_pages(folder: Path) -> tuple[dict[str, Page], list[str]]:
    """Load every good page in a folder and list the problems of the bad ones."""
    pages, problems = {}, []
    for path in sorted(folder.glob("*.md")):
        try:
            pages[path.stem] = parse_page(path)
        except ContentError as error:
            problems.extend(error.problems)
    if not pages and not problems:
        problems.append(f"{folder}: no content pages found")
    return pages, problems


class PageLibrary:
    """Pages rendered once; in debug mode a changed file is picked up on the next request.

    A bad file is left out and reported rather than taking the site down: visitors get the
    good pages, and start-up logs and `flask content check` name the problem.
    """

    def __init__(self, folder: Path, reload: bool = False):
        self.folder = folder
        self.reload = reload
        self._stamp = self._fingerprint()
        self._pages, self.problems = load_pages(folder)

    def _fingerprint(self) -> tuple:
        return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(self.folder.glob("*.md")))

    @property
    def pages(self) -> dict[str, Page]:
        """Return all good pages, reloading first when debugging and a file changed."""
        if self.reload:
            stamp = self._fingerprint()
            if stamp != self._stamp:
                (self._pages, self.problems), self._stamp = load_pages(self.folder), stamp
        return self._pages

    def get(self, slug: str) -> Page | None:
        """Return the page for a slug, or None."""
        return self.pages.get(slug)

    def menu(self) -> list[Page]:
        """Return the pages in the main menu, in order."""
        return sorted((p for p in self.pages.values() if p.nav_order is not None), key=lambda p: p.nav_order)
