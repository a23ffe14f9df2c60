"""The outbox with a real job worker (the app's embedded thread, as `make run` has it): a mail
that failed because the SMTP server was down is retried by the worker on its own after the
backoff, and arrives once the server is up. Runs on a database of its own with real commits."""
import time

import pytest

from app import create_app
from app.mail import outbox, send_pending
from config import TestConfig
from models import MailOutbox, db
from tests.databases import fresh_database

from .mail_server import SmtpServer, free_port


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: the worker commits for real."""
    yield


def test_the_worker_retries_after_the_backoff(tmp_path):
    url, drop = fresh_database(tmp_path, "mail")
    port = free_port()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, JOBS_WORKER="thread",
                     JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}", SMTP_HOST="127.0.0.1",
                     SMTP_PORT=port, SMTP_TIMEOUT=5, MAIL_RETRY_SECONDS=1)
    server = SmtpServer(port)
    try:
        with app.app_context():
            db.create_all()
            mail = outbox.queue("pptk@contoh.go.id", "Uji ulang", "Isi", kind="test")
            db.session.commit()
            mail_id = mail.id
            send_pending()  # the worker thread tries at once: nothing listens yet

            def state():
                db.session.expire_all()
                m = db.session.get(MailOutbox, mail_id)
                db.session.commit()  # end the read, so the worker's commits are not held up
                return m.status, m.attempts, m.last_error

            deadline = time.monotonic() + 20
            while state()[1] < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            status, attempts, error = state()
            assert (status, attempts) == ("queued", 1) and error
            server.start()
            while state()[0] != "sent" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert state() == ("sent", 2, "")
            assert [m["subject"] for m in server.messages] == ["Uji ulang"]
            db.session.remove()
    finally:
        server.stop()
        app.extensions["jobs"].close()
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()
