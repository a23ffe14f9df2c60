"""At most PASSWORD_HASH_SLOTS password hashes at once on this machine, across every gunicorn
worker and thread (issue 25, the login storm).

scrypt costs ~0.1 s of CPU and runs outside the GIL: with 4 workers x 4 threads, sixty officers
logging in at 08:00 hashed up to sixteen passwords at once on two cores, and every page waited
behind them. The hash keeps its strength; only how many run together is bounded, so the
other cores keep serving pages and a login waits its turn instead of slowing everyone.

The slots are lock files in the instance folder (`flock`): shared by every process of the
node, released by the kernel if a process dies holding one. A waiting thread blocks on its
own slot's lock, not in a polling loop.
"""
import fcntl
import os
import threading
from contextlib import contextmanager

from flask import current_app

_made: set[str] = set()
_lock = threading.Lock()


def _folder() -> str:
    folder = os.path.join(current_app.instance_path, "hash-slots")
    if folder not in _made:
        with _lock:
            os.makedirs(folder, exist_ok=True)
            _made.add(folder)
    return folder


@contextmanager
def hash_slot():
    """Hold one of the node's password-hashing slots for the `with` block (none configured:
    no limit)."""
    slots = current_app.config.get("PASSWORD_HASH_SLOTS") or 0
    if slots <= 0:
        yield
        return
    folder = _folder()
    fds = [os.open(os.path.join(folder, f"{i}.lock"), os.O_CREAT | os.O_RDWR, 0o600)
           for i in range(slots)]
    held = None
    try:
        for fd in fds:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            held = fd
            break
        if held is None:  # every slot busy: wait for one, spread over the slots
            held = fds[threading.get_ident() % slots]
            fcntl.flock(held, fcntl.LOCK_EX)
        yield
    finally:
        if held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
        for fd in fds:
            os.close(fd)


__all__ = ["hash_slot"]
