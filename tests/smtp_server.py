"""A real SMTP server (aiosmtpd) on a free localhost port, collecting what it receives."""
from email import message_from_bytes, policy
import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A localhost TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message as an email.message.EmailMessage."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    """Start/stop a Controller on a fixed port, so a test can simulate an outage and a recovery."""

    def __init__(self, port: int, **options):
        """``options`` go to aiosmtpd's Controller (tls_context, require_starttls, authenticator, ...)."""
        self.port, self.inbox, self.controller, self.options = port, Inbox(), None, options

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
