"""The workspace is closed by default: every route under /workspace, including ones added later."""

import uuid

import pytest
from flask import Blueprint
from werkzeug.routing import IntegerConverter, UUIDConverter

from portal.accounts import gate
from tests.accounts_helpers import csrf_token, make_member, sign_in
from tests.conftest import make_app

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def app(tmp_path, database_url):
    return make_app(database_url, MAIL_OUTBOX=tmp_path / "outbox")


def dummy_url(rule) -> str:
    """Build the rule's URL with a harmless value for each parameter."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = "1"
        elif isinstance(converter, UUIDConverter):
            values[name] = str(uuid.uuid4())
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def workspace_rules(app):
    """Every rule under /workspace except the explicit allowlist, with its URL and methods."""
    found = []
    for rule in app.url_map.iter_rules():
        if gate.is_workspace(rule.rule) and rule.endpoint not in gate.ALLOWED_ENDPOINTS:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            found.append((rule.endpoint, dummy_url(rule), methods))
    return found


def test_the_allowlist_is_exactly_sign_in_invitation_and_sign_out():
    assert {
        "accounts.sign_in",
        "accounts.sign_in_code",
        "accounts.sign_out",
        "accounts.invitation",
    } == gate.ALLOWED_ENDPOINTS


def test_walk_finds_the_workspace_routes(app):
    endpoints = {endpoint for endpoint, _url, _methods in workspace_rules(app)}
    # A sanity floor: if the walk found nothing, every other test here would pass vacuously.
    assert {
        "accounts.home",
        "accounts.account_page",
        "accounts_admin.members_page",
        "accounts_admin.audit_page",
        "accounts_admin.change_roles",
    } <= endpoints


def test_every_workspace_route_needs_a_session(app):
    client = app.test_client()
    for endpoint, url, methods in workspace_rules(app):
        for method in methods:
            response = client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, (endpoint, method)
                assert response.headers["Location"].startswith("/workspace/sign-in?next="), endpoint
            else:
                assert method in MUTATING
                assert response.status_code == 401, (endpoint, method, response.status_code)
            assert response.headers["Cache-Control"] == "no-store", endpoint


def test_every_workspace_route_is_covered_by_a_gate(app):
    for endpoint, _url, _methods in workspace_rules(app):
        protected, role = gate.required_role(endpoint)
        assert protected, f"{endpoint} has no gate: call portal.accounts.gate.protect() on its blueprint"
        assert role is None or role in gate.ROLES


def test_every_role_route_refuses_a_member_without_that_role(app):
    rules = [(e, u, m, gate.required_role(e)[1]) for e, u, m in workspace_rules(app)]
    for role in {r for *_rest, r in rules if r}:
        member = make_member(f"no-{role}@example.org", roles=[r for r in gate.ROLES if r != role])
        client = app.test_client()
        sign_in(client, member)
        for endpoint, url, methods, needed in rules:
            if needed != role:
                continue
            for method in methods:
                response = client.open(url, method=method)
                assert response.status_code == 403, (role, endpoint, method, response.status_code)
                assert b"Not available to you" in response.data


# The matrix for this feature's own routes: which roles may open each page.
MATRIX = {
    "/workspace/": None,
    "/workspace/account": None,
    "/workspace/account/second-factor": None,
    "/workspace/members": "admin",
    "/workspace/members/1": "admin",
    "/workspace/audit": "admin",
}
POST_MATRIX = {
    "/workspace/account/password": None,
    "/workspace/account/second-factor": None,
    "/workspace/account/second-factor/confirm": None,
    "/workspace/account/second-factor/off": None,
    "/workspace/members/invite": "admin",
    "/workspace/members/1/roles": "admin",
    "/workspace/members/1/deactivate": "admin",
    "/workspace/members/1/reactivate": "admin",
    "/workspace/members/1/reset-link": "admin",
}


@pytest.mark.parametrize("role", gate.ROLES)
def test_role_matrix_for_accounts_routes(app, role):
    make_member("first@example.org", roles=("admin",))  # member 1, the target of member pages
    member = make_member(f"{role}@example.org", roles=(role,))
    client = app.test_client()
    sign_in(client, member)
    for url, needed in MATRIX.items():
        status = client.get(url).status_code
        if needed is None or needed == role:
            assert status in (200, 302), (role, url, status)
        else:
            assert status == 403, (role, url, status)
    for url, needed in POST_MATRIX.items():
        # Empty forms: allowed members get a validation answer (400), others the refusal (403).
        status = client.post(url, data={}).status_code
        if needed is None or needed == role:
            assert status in (302, 400), (role, url, status)
        else:
            assert status == 403, (role, url, status)


def test_member_with_no_roles_sees_home_and_account_only(app):
    member = make_member("plain@example.org", roles=())
    client = app.test_client()
    sign_in(client, member)
    assert client.get("/workspace/").status_code == 200
    assert client.get("/workspace/account").status_code == 200
    assert client.get("/workspace/members").status_code == 403
    assert client.get("/workspace/audit").status_code == 403


def test_admin_does_not_get_other_roles_implicitly(database_url):
    app = make_app(database_url)
    moderation = gate.protect(
        Blueprint("fake_moderation", __name__, url_prefix="/workspace/fake-moderation"), "moderator"
    )
    moderation.add_url_rule("/", "queue", lambda: "queue")
    app.register_blueprint(moderation)
    admin = make_member("admin@example.org", roles=("admin",))
    client = app.test_client()
    sign_in(client, admin)
    assert client.get("/workspace/fake-moderation/").status_code == 403
    moderator = make_member("mod@example.org", roles=("moderator",))
    other = app.test_client()
    sign_in(other, moderator)
    assert other.get("/workspace/fake-moderation/").data == b"queue"


def test_a_forgotten_gate_fails_closed(database_url):
    app = make_app(database_url)
    careless = Blueprint("careless", __name__, url_prefix="/workspace/careless")
    careless.add_url_rule("/", "page", lambda: "secret page")
    careless.add_url_rule("/do", "do", lambda: "done", methods=["POST"])
    app.register_blueprint(careless)
    client = app.test_client()
    assert client.get("/workspace/careless/").headers["Location"].startswith("/workspace/sign-in")
    assert client.post("/workspace/careless/do").status_code == 401
    sign_in(client, make_member(roles=gate.ROLES))
    response = client.get("/workspace/careless/")
    assert response.status_code == 403
    assert b"secret page" not in response.data
    assert client.post("/workspace/careless/do").status_code == 403


def test_unknown_workspace_paths_reveal_nothing_without_a_session(app):
    client = app.test_client()
    response = client.get("/workspace/no-such-page")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/workspace/sign-in")
    sign_in(client, make_member())
    response = client.get("/workspace/no-such-page")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_workspace_pages_are_never_cached_but_public_pages_may_be(app):
    client = app.test_client()
    sign_in(client, make_member(roles=("admin",)))
    for url in (
        "/workspace/",
        "/workspace/account",
        "/workspace/members",
        "/workspace/audit",
        "/workspace/sign-in",
    ):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert client.get("/what-is-lead").headers.get("Cache-Control") != "no-store"


def test_protect_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="unknown role"):
        gate.protect(Blueprint("typo", __name__), "moderater")


def test_csrf_rejects_every_workspace_post(csrf_app):
    admin = make_member("admin@example.org", roles=gate.ROLES)
    client = csrf_app.test_client()
    sign_in(client, admin)
    posts = [(e, u) for e, u, methods in workspace_rules(csrf_app) if "POST" in methods]
    posts += [
        ("accounts.sign_in", "/workspace/sign-in"),
        ("accounts.sign_in_code", "/workspace/sign-in/code"),
        ("accounts.invitation", "/workspace/invitation/x"),
        ("accounts.sign_out", "/workspace/sign-out"),
    ]
    assert len(posts) >= 12
    for endpoint, url in posts:
        response = client.post(url, data={"reason": "r", "roles": "admin", "email": "a@example.org"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert b"This form expired" in response.data, endpoint
    # The forged sign-out above did nothing: the member is still signed in.
    assert client.get("/workspace/").status_code == 200


def test_csrf_token_from_the_page_is_accepted(csrf_app):
    member = make_member()
    client = csrf_app.test_client()
    sign_in(client, member)
    page = client.get("/workspace/account").get_data(as_text=True)
    response = client.post("/workspace/sign-out", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/workspace/").status_code == 302
