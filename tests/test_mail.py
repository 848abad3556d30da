"""Mail goes through real SMTP, or into the outbox when offline."""

from portal import mail


def test_mail_arrives_over_smtp(mail_app, smtp_server):
    with mail_app.app_context():
        assert mail.send("person@example.org", "Your reply", "Hello there")
    [message] = smtp_server.messages
    assert message["To"] == "person@example.org"
    assert message["Subject"] == "Your reply"
    assert "Hello there" in message.get_content()


def test_outbox_backend_writes_a_file(app, tmp_path):
    app.config["MAIL_OUTBOX"] = tmp_path / "outbox"
    with app.app_context():
        assert mail.send("a@example.org", "Hi", "Body")
    [written] = list((tmp_path / "outbox").glob("*.eml"))
    assert b"Subject: Hi" in written.read_bytes()


def test_unreachable_smtp_reports_failure_without_raising(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=1)
    with app.app_context():
        assert mail.send("a@example.org", "Hi", "Body") is False
