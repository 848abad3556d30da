"""Read pages and forms like a browser, fill forms in validly, and crawl the app to find every form.

Nothing here knows a form by name: forms are found by crawling the app's pages and parsing every
<form>, so a new feature's forms are found the day its pages link to them. Each page found is
remembered with the route to it (a start URL, a link on a page, a form sent validly), so it can
be reached again from a fresh browser after the site has changed.
"""

import datetime
import itertools
import re
import secrets
import time
import urllib.parse
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from werkzeug.exceptions import HTTPException

# ---------------------------------------------------------------------------------------------
# Reading pages


@dataclass
class Field:
    """One named control of a form."""

    name: str
    kind: str  # text, email, hidden, password, checkbox, radio, select, select-multiple, textarea, submit...
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    """A form as the page shows it; `action` is an absolute path (with any query)."""

    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.kind != "submit"))


@dataclass
class Page:
    links: list[str]
    forms: list[Form]


_TEXT_URL = re.compile(r"https?://[^\s<>\"']+")


class _Reader(HTMLParser):
    def __init__(self, page_url: str, hosts: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.hosts = hosts
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None  # [value or None, selected, text parts]
        self._textarea: Field | None = None

    def _absolute(self, url: str) -> str:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(self.page_url, url))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _link(self, href: str) -> None:
        """Keep a link to this site: a relative one, or an absolute one to one of its host names."""
        if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return
        parts = urllib.parse.urlsplit(href)
        if parts.netloc and parts.netloc not in self.hosts:
            return
        self.links.append(self._absolute(href))

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self._link(a["href"])
        elif tag == "form":
            self._form = Form(a.get("method", "get").lower(), self._absolute(a.get("action", "")))
            self.forms.append(self._form)
        elif self._form is None or not (a.get("name") or tag == "option"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.fields.append(Field(a["name"], "submit", a.get("value", ""), attrs=a))
        elif tag == "select":
            self._select = Field(a["name"], "select-multiple" if "multiple" in a else "select", attrs=a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = [a.get("value"), "selected" in a, []]
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", attrs=a)
            self._form.fields.append(self._textarea)

    def _input(self, a: dict) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("image", "reset", "button", "file"):
            return
        if kind == "radio":
            group = next((f for f in self._form.fields if f.name == a["name"] and f.kind == "radio"), None)
            if group is None:
                group = Field(a["name"], "radio", attrs=a)
                self._form.fields.append(group)
            group.options.append(a.get("value", "on"))
            if "checked" in a:
                group.selected.append(a.get("value", "on"))
            return
        checked = [a.get("value", "on")] if "checked" in a else []
        self._form.fields.append(Field(a["name"], kind, a.get("value", ""), selected=checked, attrs=a))

    def _end_option(self) -> None:
        if self._option and self._select is not None:
            value, selected, text = self._option
            value = "".join(text).strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.selected.append(value)
        self._option = None

    def handle_endtag(self, tag):
        if tag in ("option", "select"):
            self._end_option()
            if tag == "select":
                self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        for url in _TEXT_URL.findall(data):  # a private link shown as text to copy
            self._link(url)
        if self._option is not None:
            self._option[2].append(data)
        elif self._textarea is not None:
            self._textarea.value += data


def parse_page(html: str, page_url: str = "/", hosts: tuple[str, ...] = ("localhost",)) -> Page:
    """Return the same-site links (`hosts`: the site's own host names) and the forms of a page."""
    reader = _Reader(page_url, hosts)
    reader.feed(html)
    reader.close()
    return Page(reader.links, reader.forms)


def receipt_code(html: str) -> str | None:
    """Return the receipt code shown on a /sent page, or None."""
    words = re.findall(r'class="code-word">([a-z]+)<', html)
    return "-".join(words) if len(words) == 6 else None


# ---------------------------------------------------------------------------------------------
# Filling a form in validly

NEW_PASSWORD = "quiet harbor lanterns glow at dusk"
_unique = itertools.count(1)
_RUN = secrets.token_hex(3)


def unique_email() -> str:
    return f"ok{next(_unique)}.{_RUN}@example.org"


def typed_value(form_field: Field, hints: dict) -> str:
    """Return a valid value for a field a person types into, from its name and type."""
    name = form_field.name.rpartition("-")[2]  # prefixed forms: roles-reason
    kind = form_field.kind
    if form_field.name in hints or name in hints:
        return hints.get(form_field.name, hints.get(name))
    if form_field.attrs.get("tabindex") == "-1" and kind != "hidden":
        return ""  # a honeypot: people never see it
    if form_field.value.strip() and kind != "password":
        return form_field.value  # an edit form shows the current value
    today = datetime.date.today()
    if kind == "password":
        return hints.get("password", "") if name in ("password", "current_password") else NEW_PASSWORD
    if kind == "email" or name.endswith("email"):
        return unique_email()
    if kind == "tel" or "phone" in name:
        return "518-555-0100"
    if kind == "date" or name in ("day", "date", "since", "until"):
        return "2020-01-01" if name == "since" else (today + datetime.timedelta(days=60)).isoformat()
    if kind == "time" or name in ("start", "end"):
        return "20:00" if name == "end" else "18:30"
    if kind == "number" or form_field.attrs.get("inputmode") == "numeric":
        return "20" if name == "capacity" else "1"
    if name == "packet_url":
        return "/events"
    if kind == "url" or name.endswith("url"):
        return "https://example.org/meeting"
    if name == "q":
        return "housing"
    if kind == "textarea":
        return "A plain, valid note about how LEAD works."
    return f"Valid {name.replace('_', ' ')}"


def valid_pairs(form: Form, hints: dict | None = None) -> list[tuple[str, str]]:
    """Return the name/value pairs a careful person would send: every field valid, boxes ticked."""
    hints = hints or {}
    pairs: list[tuple[str, str]] = []
    submitted = False
    for f in form.fields:
        if f.kind == "submit":
            if not submitted:
                pairs.append((f.name, f.value))
                submitted = True
        elif f.kind == "hidden":
            pairs.append((f.name, hints.get(f.name, f.value) if not f.value else f.value))
        elif f.kind == "checkbox":
            pairs.append((f.name, f.value or "on"))
        elif f.kind in ("radio", "select"):
            chosen = f.selected or [o for o in f.options if o] or f.options or [""]
            pairs.append((f.name, chosen[0]))
        elif f.kind == "select-multiple":
            pairs += [(f.name, value) for value in (f.selected or f.options[:1])]
        else:
            pairs.append((f.name, typed_value(f, hints)))
    return pairs


# ---------------------------------------------------------------------------------------------
# Finding forms: crawl, and remember how each page was reached so it can be reached again


def pick(items: list, url: str, index: int, key=lambda item: item):
    """Return the item with this URL if the page still has it (ids stay), else the one at `index`.

    Tokens in private links change every time, and lists grow as the battery adds things, so
    neither the URL nor the position alone finds the same thing again.
    """
    return next((item for item in items if key(item) == url), items[min(index, len(items) - 1)])


@dataclass(frozen=True)
class Origin:
    """How a page is reached from a fresh client: a start URL, a link on a page, or a form sent validly."""

    how: str  # "start", "link" or "submit"
    url: str = ""  # the URL (link) or form action (submit) seen when the route was found
    parent: "Origin | None" = None
    endpoint: str = ""
    index: int = 0


@dataclass
class Visit:
    """A page as a client ended up on it (after redirects), and every status on the way."""

    url: str
    status: int
    statuses: list[int]
    html: str
    content_type: str
    seconds: float = 0.0


@dataclass
class Target:
    """One form to attack: its endpoint and method, how to reach it, and who may use it."""

    endpoint: str
    method: str
    origin: Origin
    identity: str
    form: Form
    index: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)


class Site:
    """The app's URL map and a way to drive a Flask test client through its pages."""

    def __init__(self, app):
        self.adapter = app.url_map.bind("localhost")
        self.hosts = ("localhost", urllib.parse.urlsplit(app.config["SITE_URL"]).netloc)
        self.targets: dict[tuple[str, str], Target] = {}

    def endpoint(self, url: str, method: str = "GET") -> str | None:
        path, _, query = url.partition("?")
        try:
            endpoint, _args = self.adapter.match(path, method=method.upper(), query_args=query)
        except HTTPException:  # no such page, or a redirect (RequestRedirect is one too)
            return None
        return endpoint

    def fetch(self, client, method: str, url: str, body: bytes | None = None) -> Visit:
        """Send one request through the test client, follow redirects, and return where it ended."""
        method = method.upper()
        began = time.perf_counter()
        if method == "GET" and body is not None:
            url, body = url.split("?")[0] + "?" + body.decode("ascii"), None
        response = client.open(
            url,
            method=method,
            data=body,
            content_type="application/x-www-form-urlencoded" if body is not None else None,
            follow_redirects=True,
        )
        final = response.request
        query = final.query_string.decode("latin-1")
        return Visit(
            final.path + (f"?{query}" if query else ""),
            response.status_code,
            [r.status_code for r in response.history] + [response.status_code],
            response.get_data().decode("utf-8", "replace"),
            response.mimetype,
            time.perf_counter() - began,
        )

    def parse(self, visit: Visit) -> Page:
        return parse_page(visit.html, visit.url, self.hosts)

    def forms_of(self, page: Page, endpoint: str, method: str) -> list[Form]:
        return [f for f in page.forms if f.method == method and self.endpoint(f.action, method) == endpoint]

    def submit(self, client, form: Form, pairs: list[tuple[str, str]]) -> Visit:
        return self.fetch(client, form.method, form.action, urllib.parse.urlencode(pairs).encode())

    def visit(self, client, origin: Origin, hints: dict, wanted=None) -> Visit | None:
        """Reach a page again from `client` by the same route; None when the route no longer exists.

        With `wanted`, a last step that is a link tries the page's other links of that kind until
        `wanted(visit)` holds: the item a form was found on may have moved on (closed, cancelled),
        and another on the same list usually offers the same form.
        """
        wanted = wanted or (lambda _visit: True)
        if origin.how == "start":
            visit = self.fetch(client, "GET", origin.url)
            return visit if wanted(visit) else None
        parent = self.visit(client, origin.parent, hints)
        if parent is None or parent.status >= 400:
            return None
        page = self.parse(parent)
        if origin.how == "link":
            links = [link for link in page.links if self.endpoint(link) == origin.endpoint]
            for link in (
                list(dict.fromkeys([pick(links, origin.url, origin.index), *links]))[:15] if links else []
            ):
                visit = self.fetch(client, "GET", link)
                if wanted(visit):
                    return visit
            return None
        forms = self.forms_of(page, origin.endpoint, "post")
        if not forms:
            return None
        form = pick(forms, origin.url, origin.index, key=lambda f: f.action)
        visit = self.submit(client, form, valid_pairs(form, hints))
        return visit if wanted(visit) else None

    def crawl(
        self,
        client_for,
        identity: str,
        starts: list[str],
        hints: dict,
        within: str = "/",
        per_endpoint: int = 2,
        limit: int = 300,
        explore: bool = True,
    ):
        """Visit pages breadth-first from `starts`; yield (origin, visit) and record every form found.

        `client_for(identity)` returns a fresh client. With `explore`, each new POST form is also
        sent once with valid values (from a fresh client) so pages behind forms are found too.
        """
        crawler = client_for(identity)
        checked = True  # whether the crawler's client is known to be usable (a form may sign it out)
        queue = deque((Origin("start", url), url, None) for url in starts)
        visited: set[str] = set()
        counts: Counter = Counter()
        while queue and sum(counts.values()) < limit:
            origin, url, client = queue.popleft()
            if origin.how == "submit":
                client = client_for(identity)
                visit = self.visit(client, origin, hints)
                checked = False
            else:
                endpoint = self.endpoint(url) or url
                if url in visited or counts[endpoint] >= per_endpoint:
                    continue
                visited.add(url)
                counts[endpoint] += 1
                if client is None:
                    if not checked:
                        crawler, checked = client_for(identity), True
                    client = crawler
                visit = self.fetch(client, "GET", url)
            if visit is None:
                continue
            yield origin, visit
            if visit.content_type != "text/html" or visit.status >= 400:
                continue
            page = self.parse(visit)
            # Links on a page reached through a form stay with the client that sent it (its session).
            queue.extend(self._links(page, origin, client if origin.how == "submit" else None, within))
            if explore:
                queue.extend(self._forms(page, origin, identity))

    def _links(self, page: Page, origin: Origin, client, within: str):
        seen: Counter = Counter()
        for link in page.links:
            endpoint = self.endpoint(link)
            if endpoint is None or link.startswith("/static/") or not link.startswith(within):
                continue
            yield Origin("link", link, origin, endpoint, seen[endpoint]), link, client
            seen[endpoint] += 1

    def _forms(self, page: Page, origin: Origin, identity: str):
        seen: Counter = Counter()
        for form in page.forms:
            endpoint = self.endpoint(form.action, form.method)
            if endpoint is None:
                continue
            key = (endpoint, form.method)
            index = seen[key]
            seen[key] += 1
            if key in self.targets:
                continue
            self.targets[key] = Target(endpoint, form.method, origin, identity, replace(form), index)
            if form.method == "post":
                yield Origin("submit", form.action, origin, endpoint, index), "", None
