"""One error shape for the API: the services' refusals become HTTP statuses.

ServiceError -> 422 with its messages by field (under "json", like a body that fails its schema);
StaleError and a locked quarter or budget -> 409 (a stale answer carries the current values);
a transition the role may not make -> 403, from the wrong state -> 409. A refused write leaves
nothing behind: the session is rolled back before answering.
"""
from http import HTTPStatus

from flask_smorest import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import LockedError, ServiceError, StaleError
from app.cycle.workflow import NotAllowedError, WrongStateError
from models import db

STALE = ("Data ini telah diubah oleh pengguna lain sejak Anda membacanya. Perubahan Anda tidak "
         "disimpan; baca nilai terbaru (lihat 'current') lalu kirim ulang dengan version-nya.")


def run(action, *, field_map: dict | None = None, current=None):
    """Call `action()` (a service call), commit once, and answer any refusal in the API's shape.

    `field_map` renames a service's field names to the API's (strategy_id -> strategy_code);
    `current()` dumps the stored record for a 409 on a stale version.
    """
    try:
        result = action()
        db.session.flush()
    except NotAllowedError as exc:
        db.session.rollback()
        abort(403, message=exc.message)
    except WrongStateError as exc:
        db.session.rollback()
        abort(409, message=exc.message)
    except (StaleError, StaleDataError):
        db.session.rollback()
        abort(409, message=STALE, errors={"version": [STALE]},
              current=current() if current else None)
    except LockedError as exc:
        db.session.rollback()
        abort(409, message=exc.message)
    except ServiceError as exc:
        db.session.rollback()
        abort(422, message=exc.message, errors={"json": _errors(exc, field_map or {})})
    except IntegrityError:
        # A concurrent write won a uniqueness race; the client may read and try again.
        db.session.rollback()
        abort(409, message="Data bentrok dengan data yang baru saja disimpan pihak lain.")
    db.session.commit()
    return result


def _errors(exc: ServiceError, field_map: dict) -> dict:
    if not exc.errors:
        return {"_schema": [exc.message]}
    out: dict = {}
    for name, messages in exc.errors.items():
        if isinstance(messages, str):
            messages = [messages]
        out.setdefault(field_map.get(name, name), []).extend(messages)
    return out


def refuse(status: int, message: str, **errors):
    abort(status, message=message, **({"errors": {"json": errors}} if errors else {}))


def documented(blp, *codes: int):
    """Declare the error answers an endpoint can give (401 and 429 always: token checks)."""

    def decorator(view):
        for code in sorted({401, 429, *codes}):
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorator
