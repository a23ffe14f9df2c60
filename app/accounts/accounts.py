"""Accounts: creating users, checking passwords, throttling guessing, ending sessions.

Failed logins are throttled per client address and per (account, address) pair
(services.throttle), never per account alone: a stranger guessing from elsewhere cannot lock
the owner out. Unknown and known names get the same answer and the same hashing work, so a
probe learns nothing about which names exist. A per-user session epoch, kept in the session
cookie, lets logout, a password change and deactivation end every session of the user.
"""
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import passwords, throttle
from app.accounts.api_tokens import revoke_all_tokens
from app.accounts.opd_status import ensure_opd_active
from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from models import ROLES, Opd, PemdaSettings, User, db

WRONG = "Nama pengguna atau kata sandi salah."


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    # Checked when the name is unknown: the same method, so the same time, as a real account.
    return generate_password_hash("tagar-dummy-password", method=method)


def validate_password(password: str, username: str = "") -> None:
    passwords.check(password, username, _place_words())


def _place_words() -> set[str]:
    """The pemda's names as stored (the settings row), else as configured."""
    row = db.session.scalar(select(PemdaSettings).limit(1))
    cfg = current_app.config
    if row is not None:
        return passwords.place_words(row.name, row.region_name, row.city)
    return passwords.place_words(cfg["PEMDA_NAME"], cfg["PEMDA_REGION"], cfg["PEMDA_CITY"])


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    full_name: str = "",
    opd: Opd | None = None,
    email: str = "",
    actor=None,
    village_id: int | None = None,
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
    if role == "desa" and village_id is None:  # issue 28: an operator of one desa
        raise ServiceError("Operator desa harus terhubung ke satu desa.", field="village_id")
    if role != "desa":
        village_id = None
    ensure_opd_active(opd.id if opd else None)  # issue 15: an inactive OPD takes no new users
    validate_password(password, username)
    exists = db.session.scalar(select(func.count()).where(User.username == username))
    if exists:
        raise ServiceError("Nama pengguna sudah dipakai.", field="username")
    user = User(
        username=username,
        full_name=full_name or username,
        email=email,
        role=role,
        opd=opd,
        village_id=village_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record_create(user, opd_id=user.opd_id, user=actor)
    return user


def end_sessions(user: User) -> None:
    """Every session and remember-me cookie of `user` stops working (see User.get_id)."""
    user.session_epoch = User.session_epoch + 1  # in SQL: two concurrent bumps both count
    db.session.flush()


def set_password(user: User, password: str, *, actor=None, revoke_tokens: bool = False) -> None:
    """A new password ends the user's other sessions; the caller logs its own one in again."""
    validate_password(password, user.username)
    if user.password_hash and check_password_hash(user.password_hash, password):
        raise ServiceError("Kata sandi baru harus berbeda dari kata sandi saat ini.",
                           field="password")
    user.password_hash = hash_password(password)
    if actor is None or actor is user:  # issue 15: chosen by the user, no longer temporary
        user.must_change_password = False
    end_sessions(user)
    throttle.forget([r.key for r in throttle.account_rows(user.username)])
    audit.record("password", "user", user.id, note="Kata sandi diganti", user=actor)
    if revoke_tokens:
        revoke_all_tokens(user, actor=actor or user)


def deactivate(user: User) -> None:
    if user.active:
        user.active = False
        end_sessions(user)


class LoginError(ServiceError):
    status = 401
    retry_after = 0


class LoginThrottled(LoginError):
    status = 429

    def __init__(self, seconds: int):
        super().__init__("Terlalu banyak percobaan masuk yang gagal. "
                         f"Coba lagi dalam {throttle.wait_text(seconds)}.")
        self.retry_after = seconds


def _login_name(username: str | None) -> tuple[str, bool]:
    """The name as stored (lower case) and whether it can exist at all."""
    name = (username or "").strip().lower()
    clean = name.replace("\x00", "")[:60]
    return clean, bool(name) and clean == name


def authenticate(username: str, password: str, address: str | None = None,
                 device: str | None = None) -> User:
    """The user whose password this is, or LoginError with the message (and status) to show.

    A blocked address or (account, address) pair is refused before any password is checked;
    the answer and the work done are the same whether the name exists or not.

    `device`: the id from a valid device cookie this browser holds for this very name (OWASP's
    "device cookie", app/auth/device.py). Such a browser is judged by its own counter only: no
    failure of anyone else behind the same address (an office behind one NAT) can block it, and
    its own failures do not count against the address.
    """
    address = throttle.clean_address(address)
    name, possible = _login_name(username)
    if device:
        own = throttle.key("login_device", device, name)
        keys = [own]
    else:
        own = throttle.key("login_account", address, name)
        keys = [own, throttle.key("login_address", address)]
    wait = throttle.retry_after(keys)
    if wait:
        raise LoginThrottled(wait)
    user = None
    if possible:
        user = db.session.scalar(select(User).where(User.username == name))
    stored = user.password_hash if user else _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    if not check_password_hash(stored, password or "") or user is None:
        wait = _count_failure(address, name, user, device)
        raise LoginThrottled(wait) if wait else LoginError(WRONG)
    if not user.active:
        raise LoginError("Akun ini dinonaktifkan. Hubungi administrator.")
    throttle.forget([own])  # the address counter stays: a valid login must not reset it
    user.last_login_at = now()
    audit.record("login", "user", user.id, user=user)
    return user


# Weights of one failure on the address counter: a retry of a name that already failed here
# (someone mistyping their own password) counts 1; a name tried here for the first time counts
# 2, so spraying many names (or names that do not exist) reaches the address limit twice as
# fast as an officer's typos. A name that does not exist is weighed like any other: weighing it
# more would let a guesser tell from the block which names exist
# (tests/security/test_login_throttle.py: known and unknown names get the same answers).
RETRY_WEIGHT, NEW_NAME_WEIGHT = 1, 2


def _count_failure(address: str, name: str, user: User | None, device: str | None) -> int:
    """Count a failed login for the device, or for the pair and the address (weighted, see
    above); audit any block it starts."""
    if device:
        counts = [(throttle.login_device_rule(), address, name, 1, device)]
    else:
        prior = throttle.failures_of(throttle.key("login_account", address, name))
        weight = RETRY_WEIGHT if prior else NEW_NAME_WEIGHT
        counts = [(throttle.login_account_rule(), address, name, 1, ""),
                  (throttle.login_address_rule(), address, "", weight, "")]
    wait = 0
    for rule, where, username, weight, device_id in counts:
        row_id, seconds = throttle.fail(rule, where, username, weight, device_id)
        if not seconds:
            continue
        wait = max(wait, seconds)
        if rule.kind in ("login_account", "login_device") and user is not None:
            place = "perangkat dikenal" if rule.kind == "login_device" else address
            audit.record("lock", "user", user.id, new={"address": address, "seconds": seconds},
                         note=f"Masuk dari {place} ditahan {throttle.wait_text(seconds)} "
                              f"setelah percobaan berulang yang gagal")
        else:
            audit.record("lock", "login_throttle", row_id,
                         new={"address": address, "username": username, "seconds": seconds},
                         note=f"{rule.kind} {address} ditahan {throttle.wait_text(seconds)}")
    return wait
