"""The outbox: mail reaches a real SMTP server; an outage delays it with backoff but loses nothing."""
from datetime import timedelta

import pytest

from matchmaker.notifications.digests import send_broker_digests
from matchmaker.notifications.mailer import send_due_mail
from matchmaker.notifications.services import enqueue_email
from models import OutboxEmail, OutboxStatus, Role, utcnow

from match_data import cover, make_match, make_need, rows
from smtp_server import SmtpServer, free_port


@pytest.fixture
def smtp(app):
    """A real aiosmtpd server; the app sends to it."""
    server = SmtpServer(free_port())
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_MAX_ATTEMPTS=4,
                      MAIL_RETRY_BASE_SECONDS=60)
    yield server.start()
    server.stop()


def test_broker_digest_arrives_at_the_smtp_server_in_one_mail(smtp, make_user, runner):
    broker = cover(make_user(Role.BROKER), "06")
    make_match(make_need(title="储能电池热管理需求"))
    make_match(make_need(title="动力电池回收需求"))
    assert send_broker_digests() == 1
    result = runner.invoke(args=["send-mail"])
    assert "1 sent" in result.output
    [message] = smtp.inbox.messages
    assert message["To"] == broker.email
    assert "2 条新匹配" in message["Subject"]
    body = message.get_content()
    assert "储能电池热管理需求" in body and "动力电池回收需求" in body and "/matches/" in body


def test_smtp_outage_delays_the_digest_with_backoff_and_it_arrives_afterwards(smtp, make_user):
    smtp.stop()  # the outage
    broker = cover(make_user(Role.BROKER), "06")
    make_match(make_need(title="储能电池热管理需求"))
    send_broker_digests()
    start = utcnow()

    first = send_due_mail(now=start)
    [mail] = rows(OutboxEmail)
    assert first == {"sent": 0, "failed": 1, "pending": 1}
    assert mail.status == OutboxStatus.PENDING and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at == start + timedelta(seconds=60)
    assert send_due_mail(now=start + timedelta(seconds=30))["failed"] == 0  # not due yet: untouched
    send_due_mail(now=start + timedelta(seconds=61))
    assert mail.attempts == 2 and mail.next_attempt_at == start + timedelta(seconds=61 + 120)  # doubled

    smtp.start()  # the server is back
    assert send_due_mail(now=start + timedelta(seconds=200))["sent"] == 1
    assert mail.status == OutboxStatus.SENT and mail.sent_at is not None
    [message] = smtp.inbox.messages
    assert message["To"] == broker.email and "储能电池热管理需求" in message.get_content()
    assert send_due_mail(now=start + timedelta(days=1))["sent"] == 0  # never sent twice


def test_mail_is_marked_failed_only_after_the_last_attempt(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3)
    enqueue_email("a@example.cn", "主题", "正文")
    db.session.commit()
    now = utcnow()
    for attempt in range(1, 4):
        send_due_mail(now=now)
        [mail] = rows(OutboxEmail)
        assert mail.attempts == attempt
        assert mail.status == (OutboxStatus.FAILED if attempt == 3 else OutboxStatus.PENDING)
        now = mail.next_attempt_at
    assert send_due_mail(now=now + timedelta(days=30))["failed"] == 0


def test_mail_is_enqueued_in_the_same_transaction_as_the_change(db, make_user):
    from matchmaker.matches.services import change_state

    broker = cover(make_user(Role.BROKER), "06")
    owner = make_user(Role.ENTERPRISE)
    match = make_match(make_need(owner=owner))
    for step in ("contacted", "introduced"):
        change_state(match, step, broker, commit=False)
    db.session.rollback()  # the change is abandoned: so is its mail
    assert rows(OutboxEmail) == []


def test_a_row_that_cannot_be_built_fails_alone_and_the_rest_are_sent(smtp, db):
    start = utcnow()
    bad = OutboxEmail(to_addr="a@example.cn\nBcc: evil@example.com", subject="坏邮件", body="正文",
                      next_attempt_at=start - timedelta(minutes=1))
    db.session.add(bad)
    db.session.commit()
    enqueue_email("good@example.cn", "好邮件", "正文")
    db.session.commit()

    assert send_due_mail(now=start + timedelta(seconds=1)) == {"sent": 1, "failed": 1, "pending": 1}
    [message] = smtp.inbox.messages
    assert message["To"] == "good@example.cn"
    assert bad.status == OutboxStatus.PENDING and bad.attempts == 1 and "ValueError" in bad.last_error
    assert bad.next_attempt_at == start + timedelta(seconds=61)
    for n in range(2, 5):  # MAIL_MAX_ATTEMPTS is 4
        send_due_mail(now=start + timedelta(days=n))
    assert bad.status == OutboxStatus.FAILED and bad.attempts == 4
    assert len(smtp.inbox.messages) == 1
