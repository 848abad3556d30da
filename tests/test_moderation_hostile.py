"""Every moderation form, every field, every hostile value: never a 5xx, a traceback or live markup.

The forms are read from the pages a moderator sees (queue, item, preview, packet, templates,
digest), filled in validly, and then sent once per hostile value in each field in turn.
Afterwards every page that shows stored text is checked again.
"""

import pytest

from portal.db import writing
from portal.moderation import answer_templates
from portal.questions import workflow
from tests.hostile import TRACEBACK, VALUES, encode, parse_page, unsafe_markup, valid_pairs
from tests.test_moderation_support import mod_app, new_item, signed_in_moderator

pytestmark = pytest.mark.slow
FORM = "application/x-www-form-urlencoded"


def forms_on(client, url: str):
    page = client.get(url)
    assert page.status_code == 200, url
    return [f for f in parse_page(page.get_data(as_text=True), url).forms if "sign-out" not in f.action]


def check(response, where: str, problems: list[str]) -> None:
    body = response.get_data(as_text=True)
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
    if TRACEBACK.search(body):
        problems.append(f"{where}: a traceback")
    problems += [f"{where}: {found}" for found in unsafe_markup(body, quick=True)]


def test_every_moderation_form_survives_every_hostile_value(tmp_path, database_url):
    app = mod_app(tmp_path, database_url)
    with app.test_request_context():
        workflow.publish_answer(None, "An answered question?", "Yes.", "other", "sam")
        answer_templates.create("Thanks", "Thank you.", None)
    items = [new_item(app, message=f"Question {n}?", email="a@example.org") for n in range(3)]
    client = app.test_client()
    signed_in_moderator(client)
    item_page = f"/workspace/moderation/items/{items[0].id}"
    pages = [
        "/workspace/moderation/",
        item_page,
        "/workspace/moderation/packet/",
        "/workspace/moderation/templates/",
        "/workspace/moderation/templates/new",
        "/workspace/moderation/templates/1/edit",
        "/workspace/moderation/digest",
    ]
    forms = [form for url in pages for form in forms_on(client, url)]
    preview = client.post(
        item_page + "/publish",
        data={
            "publish-question": "Q?",
            "publish-answer": "A.",
            "publish-topic": "other",
            "publish-preview": "y",
        },
    )
    forms += [
        f for f in parse_page(preview.get_data(as_text=True), item_page).forms if "sign-out" not in f.action
    ]
    actions = {(f.method, f.action.split("?")[0]) for f in forms}
    assert len(actions) >= 16, sorted(actions)

    problems: list[str] = []
    sent = 0
    for form in forms:
        pairs = valid_pairs(form, {"item": str(items[1].id)})
        for name in form.names():
            for value in VALUES:
                body = encode(pairs, name, value)
                if form.method == "get":
                    response = client.get(form.action.split("?")[0] + "?" + body.decode("ascii"))
                else:
                    response = client.post(form.action, data=body, content_type=FORM)
                sent += 1
                check(response, f"{form.method} {form.action} {name}={value.label}", problems)
                with app.app_context(), writing():
                    pass  # each request committed or rolled back on its own; the database is usable
    assert problems == [], "\n".join(problems[:60])
    assert sent > 1000

    # Whatever was stored (notes, replies, templates, reasons, answers) shows harmlessly everywhere.
    for url in [
        *pages,
        *(f"/workspace/moderation/items/{i.id}" for i in items),
        "/accountability",
        "/answers",
    ]:
        check(client.get(url), url, problems)
    for url in ("/workspace/moderation/packet/download.md", "/workspace/moderation/packet/download.csv"):
        response = client.get(url)
        assert response.status_code == 200 and "<script>alert(1)</script>" not in response.get_data(
            as_text=True
        )
    assert problems == [], "\n".join(problems[:60])
