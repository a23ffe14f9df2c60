"""Which errors mean "the database (or the queue) could not be talked to", as opposed to "the
statement was wrong": the web answers them 503 (app/outage.py), a job retries them with back-off
(app/jobs/queue.py)."""
from sqlalchemy import exc as sa_exc


def _driver_errors() -> tuple:
    errors: list = []
    try:
        import psycopg

        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - psycopg is in requirements.txt
        pass
    try:
        import redis

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


CONNECTION_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError,
                     sa_exc.DisconnectionError, *_driver_errors())


def is_connection_error(error: BaseException) -> bool:
    """True for an error that says the database (or the queue) could not be talked to, not that
    the statement was wrong: OperationalError/InterfaceError/DisconnectionError of SQLAlchemy,
    psycopg or redis, or any DBAPIError whose connection was invalidated."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, CONNECTION_ERRORS):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
