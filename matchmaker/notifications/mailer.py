"""The outbox worker: send due mail over SMTP, retry with exponential backoff, never lose a row."""
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
import mimetypes
import smtplib
import ssl

from flask import current_app

from models import OutboxEmail, OutboxStatus, utcnow

from ..extensions import db

RETRY_MAX_SECONDS = 6 * 3600
CLAIM_SECONDS = 300  # a row claimed by a worker that died is retried after this
SMTP_TIMEOUT = 10


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def build_message(mail: OutboxEmail) -> EmailMessage:
    """The RFC 5322 message (UTF-8) for an outbox row."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = mail.to_addr
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}")
    msg.set_content(mail.body)
    for item in mail.attachments or []:
        with open(item["path"], "rb") as fh:  # a missing file fails this try like an SMTP error
            kind = mimetypes.guess_type(item["filename"])[0] or "application/octet-stream"
            maintype, _, subtype = kind.partition("/")
            msg.add_attachment(fh.read(), maintype=maintype, subtype=subtype, filename=item["filename"])
    return msg


def open_smtp() -> smtplib.SMTP:
    """A connected SMTP client: over TLS when configured (certificate and host name verified), logged in."""
    cfg = current_app.config
    host, port = cfg["MAIL_SERVER"], cfg["MAIL_PORT"]
    context = ssl.create_default_context() if cfg.get("MAIL_USE_SSL") or cfg.get("MAIL_USE_TLS") else None
    if cfg.get("MAIL_USE_SSL"):  # implicit TLS (port 465); it wins over MAIL_USE_TLS
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    try:
        if cfg.get("MAIL_USE_TLS") and not cfg.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)  # fails when the server offers no STARTTLS: never a plain fallback
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def connect() -> tuple[smtplib.SMTP | None, Exception | None]:
    """(client, None), or (None, why the server could not be reached, secured or logged in to)."""
    try:
        return open_smtp(), None
    except (OSError, ValueError, smtplib.SMTPException) as exc:  # ValueError: smtplib's AUTH is ASCII only
        return None, exc


def claim(mail_id: int, now: datetime) -> bool:
    """Take a due row for this worker (so two workers never send it twice); commits."""
    result = db.session.execute(
        db.update(OutboxEmail)
        .where(OutboxEmail.id == mail_id, OutboxEmail.status == OutboxStatus.PENDING,
               OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)))
    db.session.commit()
    return result.rowcount == 1


def record_failure(mail: OutboxEmail, error: Exception, now: datetime) -> None:
    """Count a failed try: schedule the next one, or mark FAILED after MAIL_MAX_ATTEMPTS; commits."""
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:1000]
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = OutboxStatus.FAILED
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)
    db.session.commit()


def send_due_mail(now: datetime | None = None, limit: int = 200) -> dict:
    """Send every due PENDING row; return {"sent": n, "failed": n, "pending": n}."""
    now = now or utcnow()
    ids = db.session.scalars(db.select(OutboxEmail.id)
                             .filter(OutboxEmail.status == OutboxStatus.PENDING,
                                     OutboxEmail.next_attempt_at <= now)
                             .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id).limit(limit)).all()
    counts = {"sent": 0, "failed": 0}
    smtp, unreachable = None, None  # unreachable: why this run could not connect or log in
    try:
        for mail_id in ids:
            if not claim(mail_id, now):
                continue
            mail = db.session.get(OutboxEmail, mail_id)
            try:
                message = build_message(mail)
            except (OSError, ValueError) as exc:  # a bad header or a missing attachment: this row only
                record_failure(mail, exc, now)
                counts["failed"] += 1
                continue
            if smtp is None and unreachable is None:
                smtp, unreachable = connect()
            if unreachable is not None:  # every due row records it; no new login per row (account lockouts)
                record_failure(mail, unreachable, now)
                counts["failed"] += 1
                continue
            try:
                smtp.send_message(message)
            except (OSError, ValueError, smtplib.SMTPException) as exc:
                record_failure(mail, exc, now)
                counts["failed"] += 1
                smtp = close_quietly(smtp)
                continue
            mail.status, mail.sent_at, mail.last_error = OutboxStatus.SENT, utcnow(), None
            mail.attempts += 1
            db.session.commit()
            counts["sent"] += 1
    finally:
        close_quietly(smtp)
    counts["pending"] = db.session.scalar(db.select(db.func.count(OutboxEmail.id))
                                          .filter_by(status=OutboxStatus.PENDING))
    return counts


def close_quietly(smtp: smtplib.SMTP | None) -> None:
    """Close an SMTP connection, ignoring a server that already went away; returns None."""
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return None
