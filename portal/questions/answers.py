"""Turn a CLT member's Markdown answer into safe HTML, and make URL slugs."""

import html as html_lib
import re
import unicodedata

import markdown
import nh3
from markupsafe import Markup

# What an answer may contain: paragraphs, emphasis, lists, quotes, small headings and links.
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
SLUG_MAX = 60


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags and attributes; drop scripts and styles with their content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def sanitize_answer(markdown_text: str) -> str:
    """Render a CLT member's Markdown to HTML and sanitise it with nh3's allowlist."""
    html = markdown.markdown(markdown_text or "", extensions=["sane_lists"], output_format="html")
    return sanitize_html(html)


def as_markup(stored_html: str) -> Markup:
    """Return stored answer HTML ready for a template, sanitised again on the way out."""
    # Stored HTML was cleaned on the way in; cleaning again costs little and covers old rows.
    return Markup(sanitize_html(stored_html))  # noqa: S704 (nh3 has just cleaned it with the allowlist)


def plain_text(fragment: str) -> str:
    """Return the words of an HTML fragment, for search and feeds."""
    text = html_lib.unescape(nh3.clean(fragment, tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def slugify(text: str) -> str:
    """Return a short lowercase ASCII slug such as 'does-someone-have-to-be-arrested'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    return slug or "question"
