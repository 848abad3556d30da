"""Hostile input for every form: the values, how to send one in a form body, and what must never show.

The battery (test_hostile_input.py) sends each value into each field of each form that
tests/crawler.py finds, and checks every page with `unsafe_markup`.
"""

import re
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

# Page reading and valid form filling moved to tests/crawler.py; other tests import them from here.
from tests.crawler import parse_page, valid_pairs

__all__ = ["TRACEBACK", "VALUES", "Hostile", "encode", "parse_page", "unsafe_markup", "valid_pairs"]

# ---------------------------------------------------------------------------------------------
# The values


@dataclass(frozen=True)
class Hostile:
    """One hostile value: text (sent UTF-8 percent-encoded), raw bytes (sent exactly), several, or none."""

    label: str
    text: str = ""
    raw: bytes | None = None
    several: tuple[str, ...] = ()
    omit: bool = False

    def parts(self, name: str) -> list[bytes]:
        """Return the name=value parts of a form body that carry this value in field `name`."""
        key = quote(name)
        if self.omit:
            return []
        if self.raw is not None:
            return [key + b"=" + self.raw]
        if self.several:
            return [key + b"=" + quote(value) for value in self.several]
        return [key + b"=" + quote(self.text)]


def quote(text: str) -> bytes:
    """Percent-encode like a browser; lone surrogates go out as the (malformed) bytes they stand for."""
    return urllib.parse.quote_plus(text.encode("utf-8", "surrogatepass")).encode("ascii")


SCRIPT = "<script>alert(1)</script>"
TEMPLATE_PRODUCT = "1338337"  # what {{1337*1001}} renders to if anything evaluates it

VALUES: tuple[Hostile, ...] = (
    Hostile("empty", ""),
    Hostile("missing field", omit=True),
    Hostile("whitespace and new lines", " \t \u00a0\u3000 \r\n\r\n\n"),
    Hostile("100 KB", "A" * 100_000),
    Hostile("2 MB", "B" * 2_000_000),
    Hostile("NUL byte", "before\x00after"),
    Hostile("control characters", "\x01\x02\x07\x08\x1b[31mred\x1b[0m\x7f\x85"),
    Hostile("malformed UTF-8 escapes", raw=b"%C3%28%A0%A1%FF%FE%C0%AF%E2%82%ED%A0%80"),
    Hostile("lone surrogates", "lone \ud800 and \udfff surrogates"),
    Hostile("right-to-left override", "\u202egnp.exe\u202c \u2066isolate\u2069 \u200f"),
    Hostile("emoji", "👩🏽‍🚒🏳️‍🌈🧑‍🤝‍🧑 " * 3),
    Hostile("many emoji", "😀" * 5000),
    Hostile("zero-width characters", "zero\u200bwidth\u200c\u200d\u2060\ufeffjoin"),
    Hostile("script tag", SCRIPT),
    Hostile("attribute-breaking double quote", '"><script>alert(2)</script><img src=x onerror=alert(3) x="'),
    Hostile("attribute-breaking single quote", "' onmouseover='alert(4)' autofocus onfocus='alert(5)"),
    Hostile("image onerror", "<img src=x onerror=alert(6)><svg/onload=alert(7)>"),
    Hostile("closing tags", "</textarea></title></style><script>alert(8)</script>"),
    Hostile("javascript URL", "javascript:alert(9)"),
    Hostile("data URL", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4="),
    Hostile("markdown javascript link", "[click me](javascript:alert(12)) ![x](x onerror=alert(13))"),
    Hostile("pre-escaped markup", "&lt;script&gt;alert(14)&lt;/script&gt; &amp; &#60;b&#62;"),
    Hostile("SQL quote", "' OR '1'='1"),
    Hostile("SQL drop", "1; DROP TABLE submission; --"),
    Hostile("SQL union and delay", "1' UNION SELECT NULL, version(), pg_sleep(2) --"),
    Hostile("format strings", "%s%s%s%n%x%d {0} {} %(x)s ${x}"),
    Hostile("template syntax", "{{1337*1001}} {% for x in range(9) %}x{% endfor %} {{config}} ${1337*1001}"),
    Hostile("CRLF header injection", "value\r\nSet-Cookie: injected=1\r\nBcc: victim@example.org"),
    Hostile("path traversal", "../../../../etc/passwd ..%2f..%2fetc%2fpasswd ..\\..\\windows\\win.ini"),
    Hostile("very long number", "9" * 400),
    Hostile("negative number", "-1"),
    Hostile("float", "1.5"),
    Hostile("exponent", "1e308"),
    Hostile("not a number", "NaN"),
    Hostile("impossible date", "2026-02-30"),
    Hostile("bad time", "25:61"),
    Hostile("email with new line", "a@example.org\r\nBcc: victim@example.org"),
    Hostile("two emails", "a@example.org, b@example.org"),
    Hostile("several values", several=("first", "second", "<script>alert(15)</script>")),
)


def encode(pairs: list[tuple[str, str]], target: str | None = None, value: Hostile | None = None) -> bytes:
    """Return a form body (or query) with `value` in field `target` and the valid pairs elsewhere."""
    parts: list[bytes] = []
    placed = False
    for name, text in pairs:
        if name == target:
            if not placed:
                parts += value.parts(name)
                placed = True
            continue
        parts.append(quote(name) + b"=" + quote(text))
    if target is not None and not placed:
        parts += value.parts(target)
    return b"&".join(parts)


# ---------------------------------------------------------------------------------------------
# Spotting what must never be in a page

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|werkzeug\.debug|File \"/[^\"]+\", line \d+")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
RAW_PAYLOADS = tuple(
    dict.fromkeys(
        text
        for value in VALUES
        for text in (value.text, *value.several)
        if re.search(r"<(script|img|svg|input)\b", text)
    )
)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an event-handler attribute")
            image = tag == "img" and value.startswith("data:image/")
            if name in _URL_ATTRIBUTES and _BAD_SCHEME.match(value) and not image:
                self.problems.append(f"<{tag} {name}={value[:40]!r}>: a script URL")
        if tag == "script" and "src" not in a and a.get("type", "").lower() not in _DATA_SCRIPT_TYPES:
            self.problems.append("an inline <script>")
        if tag in ("iframe", "object", "embed", "frame", "base"):
            self.problems.append(f"a <{tag}> element")
        if tag == "img" and a.get("src") == "x":
            self.problems.append("an injected <img src=x>")


# Every hostile value that could inject markup carries one of these; pages without them are skipped
# by the quick check (the full check parses every page).
_SUSPICIOUS = re.compile(r"alert\(|javascript:|data:text|1338337|<(iframe|object|embed|base)\b", re.I)


def unsafe_markup(html: str, quick: bool = False) -> list[str]:
    """Return what in a page shows visitor text that escaped escaping (empty when the page is safe)."""
    if quick and not _SUSPICIOUS.search(html):
        return []
    audit = _Audit()
    audit.feed(html)
    audit.close()
    problems = audit.problems
    problems += [f"raw payload {payload[:40]!r}" for payload in RAW_PAYLOADS if payload in html]
    if TEMPLATE_PRODUCT in html:
        problems.append("template syntax was evaluated (1337*1001 appears)")
    return problems
