"""A real SMTP server on loopback (aiosmtpd) for the mail tests, and the app pointed at it.

A test module imports the fixtures `smtp_config_fixture, smtp_fixture` to use `smtp_config`
(the app set to a free port where nothing listens yet) and `smtp` (a server listening there)."""
import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Collects every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "subject": str(msg["Subject"]), "message": msg,
                              "body": msg.get_body(("plain",)).get_content()})
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.inbox.messages


@pytest.fixture(name="smtp_config")
def smtp_config_fixture(app):
    """SMTP settings of the app for one test (restored afterwards); returns the port."""
    port = free_port()
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)
    yield port
    app.config.update(saved)


@pytest.fixture(name="smtp")
def smtp_fixture(smtp_config):
    server = SmtpServer(smtp_config)
    server.start()
    yield server
    server.stop()
