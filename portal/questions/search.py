"""Search answered questions and program pages: plain functions of plain data.

Every word of the query must appear (as the start of a word) in a result. Matches in the title
count for more. Excerpts come back as (text, is_match) pieces so a template can mark matches
while escaping everything.
"""

import re
from dataclasses import dataclass

MAX_QUERY = 200
MAX_TERMS = 8
EXCERPT = 220


@dataclass(frozen=True)
class Document:
    """Something that can be found: a title, its text and where it lives."""

    title: str
    text: str
    path: str
    section: str  # "answers" or "pages"


@dataclass(frozen=True)
class Hit:
    """One result with its score and an excerpt split into (text, is_match) pieces."""

    document: Document
    score: int
    excerpt: tuple[tuple[str, bool], ...]
    title: tuple[tuple[str, bool], ...]


def terms(query: str) -> list[str]:
    """Return the distinct lowercase words of a query, at most MAX_TERMS of them."""
    found = []
    for word in re.findall(r"\w+", (query or "")[:MAX_QUERY].casefold()):
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")", re.I
    )


def score(document: Document, words: list[str]) -> int:
    """Return 0 unless every word starts a word somewhere; more for matches in the title."""
    total = 0
    for word in words:
        pattern = re.compile(r"\b" + re.escape(word), re.IGNORECASE)
        in_title = len(pattern.findall(document.title))
        in_text = len(pattern.findall(document.text))
        if not in_title and not in_text:
            return 0
        total += 5 * in_title + min(in_text, 10)
    return total


def pieces(text: str, pattern: re.Pattern) -> tuple[tuple[str, bool], ...]:
    """Split text into (text, is_match) pieces."""
    out, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            out.append((text[last : match.start()], False))
        out.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        out.append((text[last:], False))
    return tuple(out)


def excerpt(text: str, pattern: re.Pattern, width: int = EXCERPT) -> str:
    """Return about `width` characters of text around the first match, on word boundaries."""
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def find(query: str, documents: list[Document]) -> list[Hit]:
    """Return the documents matching every word of the query, best first."""
    words = terms(query)
    if not words:
        return []
    pattern = _pattern(words)
    hits = []
    for document in documents:
        points = score(document, words)
        if points:
            hits.append(
                Hit(
                    document,
                    points,
                    pieces(excerpt(document.text, pattern), pattern),
                    pieces(document.title, pattern),
                )
            )
    return sorted(hits, key=lambda hit: (-hit.score, hit.document.title))
