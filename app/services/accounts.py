"""Accounts: creating users, checking passwords, locking an account after repeated failures."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ROLES, Opd, User, db

from . import ServiceError, audit
from .clock import now

MIN_PASSWORD = 8
# Checked against when the username is unknown, so a probe cannot time which names exist.
_DUMMY_HASH = generate_password_hash("tagar-dummy", method="pbkdf2:sha256:1000")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError(f"Kata sandi minimal {MIN_PASSWORD} karakter.", field="password")


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    full_name: str = "",
    opd: Opd | None = None,
    email: str = "",
    actor=None,
) -> User:
    username = (username or "").strip().lower()
    if not username:
        raise ServiceError("Nama pengguna wajib diisi.", field="username")
    if role not in ROLES:
        raise ServiceError("Peran tidak dikenal.", field="role")
    if role == "opd" and opd is None:
        raise ServiceError("Pengguna dengan peran OPD harus terhubung ke satu OPD.", field="opd_id")
    if role != "opd":
        opd = None  # other roles see every OPD; an OPD link would only confuse
    validate_password(password)
    exists = db.session.scalar(select(func.count()).where(User.username == username))
    if exists:
        raise ServiceError("Nama pengguna sudah dipakai.", field="username")
    user = User(
        username=username,
        full_name=full_name or username,
        email=email,
        role=role,
        opd=opd,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record_create(user, opd_id=user.opd_id, user=actor)
    return user


def set_password(user: User, password: str, *, actor=None) -> None:
    validate_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("password", "user", user.id, note="Kata sandi diganti", user=actor)


class LoginError(ServiceError):
    pass


def authenticate(username: str, password: str) -> User:
    """The user whose password this is, or LoginError with the message to show.

    After LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for
    LOGIN_LOCK_MINUTES, and the message says until when.
    """
    cfg = current_app.config
    user = db.session.scalar(
        select(User).where(User.username == (username or "").strip().lower())
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise LoginError("Nama pengguna atau kata sandi salah.")
    t = now()
    if user.locked_until and user.locked_until > t:
        minutes = max(1, int((user.locked_until - t).total_seconds() // 60) + 1)
        raise LoginError(
            f"Akun terkunci sementara karena terlalu banyak percobaan masuk yang gagal. "
            f"Coba lagi dalam {minutes} menit atau hubungi administrator."
        )
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until = t + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit.record("lock", "user", user.id, user=user,
                         note="Akun dikunci setelah percobaan masuk berulang yang gagal")
            raise LoginError(
                f"Terlalu banyak percobaan yang gagal. Akun dikunci selama "
                f"{cfg['LOGIN_LOCK_MINUTES']} menit."
            )
        left = cfg["LOGIN_MAX_FAILURES"] - user.failed_logins
        raise LoginError(f"Nama pengguna atau kata sandi salah. Sisa percobaan: {left}.")
    if not user.active:
        raise LoginError("Akun ini dinonaktifkan. Hubungi administrator.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = t
    audit.record("login", "user", user.id, user=user)
    return user
