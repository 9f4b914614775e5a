"""`flask send-mail`: flush the e-mail outbox once."""
import click

from .mailer import send_due_mail


@click.command("send-mail")
def send_mail_command() -> None:
    """Send every due outbox mail; failures are retried later with backoff."""
    counts = send_due_mail()
    click.echo(f"Outbox: {counts['sent']} sent, {counts['failed']} failed (will retry), "
               f"{counts['pending']} pending.")
