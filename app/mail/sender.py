"""One SMTP delivery. Every error comes back as a short reason for the outbox row."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from models import MailOutbox


class DeliveryError(Exception):
    pass


def build_message(mail: MailOutbox, config) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    msg.set_content(mail.body)
    return msg


def deliver(mail: MailOutbox, config) -> None:
    """Send `mail` over SMTP as configured; DeliveryError with the reason on any failure."""
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    try:
        if config["SMTP_SSL"]:
            server = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
                server.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            server.send_message(build_message(mail, config))
    except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: a bad header
        reason = f"{type(exc).__name__}: {exc}".strip()
        raise DeliveryError(reason[:500]) from exc
