"""Organizer-written Markdown, turned into HTML and cleaned with an allowlist before it is stored."""

import re

import markdown
import nh3

TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "abbr",
}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
SCHEMES = {"http", "https", "mailto"}
STATIC_LINK = re.compile(r'href="/static/([^"?#]+)"')


def to_html(source: str) -> str:
    """Render Markdown and strip everything the allowlist does not name (scripts, styles, handlers)."""
    # An organizer's "# Heading" becomes h2: the page already has its own h1.
    html = markdown.markdown(source or "", extensions=["extra", "sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer"
    )


def link_static_files(html: str, url_for_asset) -> str:
    """Point links to /static/<file> at the file's fingerprinted URL, which is the one the portal serves."""

    def replace(match: re.Match) -> str:
        try:
            return f'href="{url_for_asset(match.group(1))}"'
        except KeyError:
            return match.group(0)

    return STATIC_LINK.sub(replace, html)
