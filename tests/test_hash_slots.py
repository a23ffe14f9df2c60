"""Password hashing runs in at most PASSWORD_HASH_SLOTS slots per node (issue 25, the login
storm): the slots are locks every process sees, a hash past them waits its turn, and logins
still work through them."""
import fcntl
import os
import threading

import pytest

from app.accounts.hash_slots import hash_slot


@pytest.fixture
def slots(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    def use(n):
        monkeypatch.setitem(app.config, "PASSWORD_HASH_SLOTS", n)
        return [str(tmp_path / "hash-slots" / f"{i}.lock") for i in range(n)]
    return use


def _free(path) -> bool:
    """Whether another open file (as another process would hold) could take the lock now."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_hash_holds_a_slot_every_process_sees(app, slots):
    files = slots(2)
    with hash_slot():
        assert [_free(f) for f in files].count(False) == 1
        with hash_slot():  # a second hash at once takes the other slot
            assert not any(_free(f) for f in files)
    assert all(_free(f) for f in files)


def test_a_hash_past_the_slots_waits_for_one(app, slots):
    slots(1)
    entered = threading.Event()

    def second():
        with app.app_context(), hash_slot():
            entered.set()

    with hash_slot():
        worker = threading.Thread(target=second)
        worker.start()
        assert not entered.wait(0.3)  # the one slot is taken: it waits
    assert entered.wait(10)  # and goes on once the slot is free
    worker.join(10)


def test_no_slots_configured_means_no_limit(app, slots, tmp_path):
    slots(0)
    with hash_slot(), hash_slot():
        pass
    assert not (tmp_path / "hash-slots").exists()


def test_logins_go_through_the_slots(client, make, slots):
    files = slots(1)
    user = make.user("secretariat", password="Sandi-Rahasia-2026")
    resp = client.post("/login", data={"username": user.username,
                                       "password": "Sandi-Rahasia-2026"})
    assert resp.status_code == 302
    assert os.path.exists(files[0]) and _free(files[0])  # used, and released after
