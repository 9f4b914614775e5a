"""The outbox over a secured SMTP server: STARTTLS or implicit TLS with a verified certificate, then AUTH.

The server is a real aiosmtpd Controller with a self-signed certificate made by the openssl command for
127.0.0.1; the client trusts it through SSL_CERT_FILE, as a deployment with a private CA would.
"""
import contextlib
import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from matchmaker.notifications.mailer import send_due_mail
from matchmaker.notifications.services import enqueue_email
from models import OutboxEmail, OutboxStatus

from match_data import rows
from smtp_server import SmtpServer, free_port

USER, PASSWORD = "mailer@example.cn", "S3cret-pw"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """(cert, key) files of a self-signed certificate for 127.0.0.1 and localhost."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class Authenticator:
    """aiosmtpd authenticator accepting one login; counts the attempts."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(), PASSWORD.encode())
        self.attempts.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)


def secured_server(certificate, implicit: bool = False) -> SmtpServer:
    """A started server that wants TLS (STARTTLS, or implicit) and a login before it takes any mail."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    # aiosmtpd counts only STARTTLS as TLS for AUTH; on an implicit-TLS socket everything is encrypted anyway
    tls = ({"ssl_context": context, "auth_require_tls": False} if implicit
           else {"tls_context": context, "require_starttls": True})
    server = SmtpServer(free_port(), authenticator=Authenticator(), auth_required=True, **tls)
    server.authenticator = server.options["authenticator"]
    return server.start()


@pytest.fixture
def trusted(certificate, monkeypatch):
    """Make the client trust the self-signed certificate (as with a private CA)."""
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    return certificate


@contextlib.contextmanager
def running(server: SmtpServer):
    """``server`` for the block, stopped afterwards whatever happens."""
    try:
        yield server
    finally:
        server.stop()


def queue_mail(db, *addresses: str) -> list[OutboxEmail]:
    """One due outbox row per address."""
    for address in addresses:
        enqueue_email(address, "路演通知", "本周五下午路演，欢迎参加。")
    db.session.commit()
    return rows(OutboxEmail)


def test_starttls_and_login_deliver_the_mail(app, db, trusted):
    with running(secured_server(trusted)) as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD)
        [mail] = queue_mail(db, "enterprise@example.cn")
        assert send_due_mail() == {"sent": 1, "failed": 0, "pending": 0}
        assert mail.status == OutboxStatus.SENT and mail.last_error is None
        [message] = server.inbox.messages
        assert message["To"] == "enterprise@example.cn" and "路演" in message.get_content()
        assert [ok for _, ok in server.authenticator.attempts] == [True]


def test_implicit_tls_and_login_deliver_the_mail(app, db, trusted):
    with running(secured_server(trusted, implicit=True)) as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_SSL=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD)
        [mail] = queue_mail(db, "enterprise@example.cn")
        assert send_due_mail()["sent"] == 1 and mail.status == OutboxStatus.SENT, mail.last_error
        assert [m["To"] for m in server.inbox.messages] == ["enterprise@example.cn"]


def test_a_wrong_password_keeps_the_mail_for_retry_with_the_error_and_logs_in_once(app, db, trusted):
    with running(secured_server(trusted)) as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD="wrong", MAIL_MAX_ATTEMPTS=8)
        mails = queue_mail(db, "a@example.cn", "b@example.cn", "c@example.cn")
        assert send_due_mail() == {"sent": 0, "failed": 3, "pending": 3}
        for mail in mails:
            assert mail.status == OutboxStatus.PENDING and mail.attempts == 1 and mail.sent_at is None
            assert mail.last_error.startswith("SMTPAuthenticationError") and "535" in mail.last_error
        # one login per run (smtplib tries PLAIN, then LOGIN), not one per mail
        assert sorted(server.authenticator.attempts) == [("LOGIN", False), ("PLAIN", False)]
        assert server.inbox.messages == []

        app.config["MAIL_PASSWORD"] = PASSWORD  # the password is fixed: the next due run delivers them
        assert send_due_mail(now=max(m.next_attempt_at for m in mails))["sent"] == 3
        assert sorted(m["To"] for m in server.inbox.messages) == ["a@example.cn", "b@example.cn", "c@example.cn"]


def test_an_untrusted_certificate_is_refused_and_the_password_never_sent(app, db, certificate):
    with running(secured_server(certificate)) as server:  # SSL_CERT_FILE not set: the self-signed certificate is untrusted
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD)
        [mail] = queue_mail(db, "a@example.cn")
        assert send_due_mail()["failed"] == 1
        assert mail.status == OutboxStatus.PENDING and "CERTIFICATE_VERIFY_FAILED" in mail.last_error
        assert server.authenticator.attempts == [] and server.inbox.messages == []


def test_starttls_required_by_config_is_never_skipped(app, db, trusted):
    with running(SmtpServer(free_port()).start()) as plain:  # offers no STARTTLS
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=plain.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD)
        [mail] = queue_mail(db, "a@example.cn")
        assert send_due_mail()["failed"] == 1
        assert mail.status == OutboxStatus.PENDING and "STARTTLS" in mail.last_error
        assert plain.inbox.messages == []


def test_a_password_smtplib_cannot_send_is_recorded_not_raised(app, db, trusted):
    with running(secured_server(trusted)) as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USER, MAIL_PASSWORD="邮件密码")  # smtplib encodes AUTH as ASCII
        [mail] = queue_mail(db, "a@example.cn")
        assert send_due_mail() == {"sent": 0, "failed": 1, "pending": 1}
        assert mail.status == OutboxStatus.PENDING and mail.last_error.startswith("UnicodeEncodeError")
